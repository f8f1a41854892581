// 初期アセスメント: starts from the saved assessment, else from what the intake derived.
import { useState } from 'preact/hooks';
import { entriesOf, factorLabel, labels } from '../../../../src/labels/index.js';
import { api } from '../../api.js';
import { formatFull } from '../../format.js';
import { useSession } from '../../session.js';
import type { Assessment, AssessmentBody, CaseView, Markers } from '../../types.js';
import type { CaseAction } from './case-view.js';

const pick = <T extends string>(form: HTMLFormElement, name: string) => (form.elements.namedItem(name) as HTMLSelectElement | HTMLInputElement).value as T;
const checked = (form: HTMLFormElement, name: string) => [...form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((box) => box.value);

export function AssessmentForm({ view, act }: { view: CaseView; act: CaseAction }) {
  const { intake } = useSession();
  const c = view.case;
  const a = (c.assessment ?? {}) as Assessment;
  const q = ((c.markers ?? {}) as Markers).quality ?? {};
  const factors = a.householdRisk?.factors ?? q.householdRisk?.factors ?? [];
  const extraFactors = factors.filter((f) => !Object.hasOwn(labels.householdFactor, f));
  const [status, setStatus] = useState(c.assessedAt ? `最後の保存: ${formatFull(c.assessedAt)}` : '');

  const save = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const overrideReason = pick(form, 'overrideReason').trim();
    const body: AssessmentBody = {
      track: pick(form, 'track'),
      ownWish: { value: pick(form, 'ownWish'), personAware: pick(form, 'personAware'), note: pick(form, 'ownWishNote') },
      householdRisk: { value: pick(form, 'householdRisk'), factors: checked(form, 'factor'), note: pick(form, 'householdNote') },
      supportConnections: { value: pick(form, 'supportConnections'), note: pick(form, 'supportNote') },
      stage: pick<string>(form, 'stage') || null,
      needs: checked(form, 'need'),
      urgency: pick(form, 'urgency'),
      consulterType: pick<string>(form, 'consulterType') || null,
      summary: pick(form, 'summary'),
      ...(overrideReason ? { overrideReason } : {}),
    } as AssessmentBody;
    const saved = await act(async () => {
      await api.put(`/cases/${c.id}/assessment`, body);
      return true;
    });
    if (saved) {
      (form.elements.namedItem('overrideReason') as HTMLInputElement).value = '';
      setStatus('アセスメントを保存しました。');
    }
  };

  return (
    <details id="assessment-section" class="panel">
      <summary>初期アセスメント</summary>
      <form id="assessment-form" class="stack" onSubmit={save}>
        <fieldset>
          <legend>支援の柱</legend>
          <Choice id="as-track" name="track" group="track" value={a.track ?? (c.consulterType === 'FAMILY' ? 'family' : 'person')} title="支援の柱" />
        </fieldset>
        <fieldset>
          <legend>本人の意思は反映されているか</legend>
          <Choice id="as-own-wish" name="ownWish" group="ownWish" value={a.ownWish?.value ?? q.ownWish?.value ?? 'unknown'} title="本人の意思" first="unknown" />
          <label>
            本人はこの相談を知っているか
            <Choice id="as-person-aware" name="personAware" group="personAware" value={a.ownWish?.personAware ?? 'unknown'} first="unknown" />
          </label>
          <input id="as-own-wish-note" name="ownWishNote" type="text" maxLength={2000} placeholder="メモ（任意）" aria-label="本人の意思についてのメモ" defaultValue={a.ownWish?.note ?? ''} />
        </fieldset>
        <fieldset>
          <legend>世帯のリスク</legend>
          <Choice id="as-household-risk" name="householdRisk" group="householdRisk" value={a.householdRisk?.value ?? q.householdRisk?.value ?? 'unknown'} title="世帯のリスク" first="unknown" />
          <div id="as-factors" class="checks">
            {[...entriesOf('householdFactor').map(([code, name]) => [code, name] as const), ...extraFactors.map((f) => [f, factorLabel(f, intake)] as const)].map(([code, name]) => (
              <label key={code}>
                <input type="checkbox" name="factor" value={code} defaultChecked={factors.includes(code)} /> {name}
              </label>
            ))}
          </div>
          <input id="as-household-note" name="householdNote" type="text" maxLength={2000} placeholder="メモ（任意）" aria-label="世帯のリスクについてのメモ" defaultValue={a.householdRisk?.note ?? ''} />
        </fieldset>
        <fieldset>
          <legend>つながっている支援者</legend>
          <Choice id="as-support-connections" name="supportConnections" group="supportConnections" value={a.supportConnections?.value ?? q.supportConnections?.value ?? 'unknown'} title="つながっている支援者" first="unknown" />
          <input id="as-support-note" name="supportNote" type="text" maxLength={2000} placeholder="どこと（任意）" aria-label="つながっている支援者（どこと）" defaultValue={a.supportConnections?.note ?? ''} />
        </fieldset>
        <fieldset>
          <legend>支援の段階</legend>
          <select id="as-stage" name="stage" aria-label="支援の段階" defaultValue={c.stage ?? ''}>
            <option value="">（未設定）</option>
            {entriesOf('stage')
              .filter(([code]) => code !== 'unknown')
              .map(([code, name]) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ))}
          </select>
        </fieldset>
        <fieldset>
          <legend>いま必要な支援</legend>
          <div id="as-needs" class="checks">
            {entriesOf('need').map(([code, name]) => (
              <label key={code}>
                <input type="checkbox" name="need" value={code} defaultChecked={(a.needs ?? []).includes(code)} /> {name}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>緊急度と相談者</legend>
          <select id="as-urgency" name="urgency" aria-label="緊急度" defaultValue={c.urgency}>
            {(['NORMAL', 'HIGH', 'EMERGENCY'] as const).map((code) => (
              <option key={code} value={code}>
                {labels.urgency[code]}
              </option>
            ))}
          </select>
          <select id="as-consulter" name="consulterType" aria-label="相談者" defaultValue="">
            <option value="">（変えない）</option>
            {entriesOf('consulterType')
              .filter(([code]) => code !== 'UNKNOWN' && code !== 'unknown')
              .map(([code, name]) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ))}
          </select>
        </fieldset>
        <label for="as-summary">見立て</label>
        <textarea id="as-summary" name="summary" rows={4} maxLength={4000} defaultValue={a.summary ?? ''} />
        <label for="as-override-reason">記録済みの値を変えるときの理由</label>
        <input id="as-override-reason" name="overrideReason" type="text" maxLength={1000} />
        <button type="submit" id="assessment-save" class="primary">
          アセスメントを保存
        </button>
        <p id="assessment-status" class="hint" role="status">
          {status}
        </p>
      </form>
    </details>
  );
}

function Choice({ id, name, group, value, title, first }: { id: string; name: string; group: 'track' | 'ownWish' | 'personAware' | 'householdRisk' | 'supportConnections'; value: string; title?: string; first?: string }) {
  const entries = entriesOf(group) as [string, string][];
  const ordered = first ? [...entries.filter(([c]) => c === first), ...entries.filter(([c]) => c !== first)] : entries;
  return (
    <select id={id} name={name} aria-label={title} defaultValue={value}>
      {ordered.map(([code, text]) => (
        <option key={code} value={code}>
          {text}
        </option>
      ))}
    </select>
  );
}
