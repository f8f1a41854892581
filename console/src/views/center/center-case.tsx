// センターのケース: the handover and the desk's assessment, the キーマン, the person's later
// messages (with their consent), desk↔center messages, the 支援調整会議 and its plan (goals per
// track, owners, progress), referrals, and 終結. Printable (the browser's print, print styles).
import { useState } from 'preact/hooks';
import { entriesOf, label } from '../../../../src/labels/index.js';
import { api } from '../../api.js';
import { formatFull } from '../../format.js';
import { debounce, useLive } from '../../live.js';
import type { RouteProps } from '../../routes.js';
import { useSession } from '../../session.js';
import type { HandoverSummary } from '../../types.js';
import { ErrorText, Link, Rows, Said, useLoad } from '../../ui/parts.js';
import '../../styles/center.css';
import { HandoverSummaryBlock } from '../handover-summary.js';
import { Exchanges } from './exchanges.js';
import { MeetingForm } from './meeting-form.js';
import type { CenterCase, CenterVocabulary, Participants, ResourceEntry } from './types.js';

export function CenterCaseView({ match }: RouteProps) {
  const caseId = match.params.id!;
  const view = useLoad(() => api.get<CenterCase>(`/center/cases/${caseId}`), [caseId]);
  const vocabulary = useLoad(() => api.get<CenterVocabulary>('/center/vocabulary'), []);
  const resources = useLoad(() => api.get<{ resources: ResourceEntry[] }>('/resources').then((r) => r.resources), []);
  const reload = debounce(() => void view.reload(), 150);
  useLive({ centerCase: (e) => e.caseId === caseId && reload(), ready: reload });
  const v = view.data;
  const sectionName = (code: string) => vocabulary.data?.sections.find((s) => s.code === code)?.name ?? '（センターの課）';
  const resourceName = (id: string) => resources.data?.find((r) => r.id === id)?.name ?? '（紹介先）';
  const ownerName = (kind: string, code: string) => (kind === 'section' ? sectionName(code) : resourceName(code));

  return (
    <section id="center-case" class="tab-panel case-view" aria-labelledby="center-case-title">
      <Link href="/staff/center" class="back-link center-back">
        ← 受信箱に戻る
      </Link>
      {!v && <p class={view.error ? 'form-error' : 'muted'}>{view.error ?? '読み込んでいます…'}</p>}
      {v && (
        <>
          <div class="case-header">
            <h2 id="center-case-title">
              相談 #{v.case.ref} <span class="sub">{v.center?.centerName ?? v.handover.centerName ?? ''}</span>
            </h2>
            <div class="case-actions">
              <span class="badge">{label('urgency', v.case.urgency)}</span>
              {v.center?.closedAt ? <span class="badge ok">終結</span> : <span class="badge pending">支援中</span>}
              <button
                type="button"
                id="center-print"
                onClick={() => {
                  // Printing is an export: recorded in the audit log first (center.case_printed).
                  void api.get(`/center/cases/${caseId}?purpose=print`).then(() => window.print());
                }}
              >
                印刷する
              </button>
            </div>
          </div>
          {v.center && <KeyPerson view={v} onChanged={view.reload} />}
          <div class="case-columns">
            <div>
              <Plan view={v} ownerName={ownerName} />
              <Meetings view={v} sectionName={sectionName} resourceName={resourceName} />
              {v.permissions.write && <MeetingForm key={v.meetings.length} view={v} onSaved={view.reload} />}
              <Exchanges view={v} onChanged={view.reload} />
            </div>
            <div>
              <SharedMessages view={v} />
              <Referrals view={v} resources={resources.data ?? []} onChanged={view.reload} />
              {v.center && <Closure view={v} onClosed={view.reload} />}
              <section class="panel" aria-label="つなぎの内容と窓口のアセスメント">
                <HandoverSummaryBlock summary={(v.handover.summary ?? {}) as HandoverSummary} />
              </section>
            </div>
          </div>
        </>
      )}
    </section>
  );
}

function KeyPerson({ view, onChanged }: { view: CenterCase; onChanged: () => Promise<void> }) {
  const { me } = useSession();
  const staff = useLoad(() => (me.role === 'CENTER' ? api.get<{ staff: { id: string; name: string }[] }>('/center/staff').then((r) => r.staff) : Promise.resolve([])), [me.role]);
  const [error, setError] = useState('');
  const center = view.center!;
  const change = async (staffId: string) => {
    setError('');
    try {
      await api.put(`/center/cases/${view.case.id}/key-person`, { staffId });
      await onChanged();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <div class="row notice" id="key-person">
      <span>
        受け止め: {formatFull(center.acknowledgedAt)}・キーマン: <Said>{center.keyPersonName ?? '未定'}</Said>
      </span>
      {view.permissions.write && (staff.data ?? []).length > 0 && (
        <label class="inline">
          キーマンを替える
          <select id="key-person-select" value={center.keyPersonId ?? ''} onChange={(e) => void change(e.currentTarget.value)}>
            {(staff.data ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <ErrorText message={error} />
    </div>
  );
}

function Plan({ view, ownerName }: { view: CenterCase; ownerName: (kind: string, code: string) => string }) {
  return (
    <section class="panel" aria-labelledby="plan-title">
      <h3 id="plan-title">支援計画</h3>
      {view.goals.length === 0 && <p class="muted">まだ目標はありません。支援調整会議で決めます。</p>}
      {entriesOf('planTrack').map(([track, trackName]) => {
        const goals = view.goals.filter((g) => g.track === track);
        if (goals.length === 0) return null;
        return (
          <div key={track} class="plan-track" data-track={track}>
            <h4>{trackName}</h4>
            <ul class="plan-goals">
              {goals.map((g) => (
                <li key={g.id} class="plan-goal" data-goal-id={g.id}>
                  <Said>{g.title}</Said> <span class="badge">{label('goalProgress', g.progress)}</span>
                  <div class="hint">
                    担い手: {ownerName(g.ownerKind, g.ownerCode)}（{label('goalOwnerKind', g.ownerKind)}）・次の一歩: <Said>{g.nextStep ?? '—'}</Said>
                  </div>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </section>
  );
}

function Meetings({ view, sectionName, resourceName }: { view: CenterCase; sectionName: (c: string) => string; resourceName: (c: string) => string }) {
  return (
    <section class="panel" aria-labelledby="meetings-title">
      <h3 id="meetings-title">支援調整会議</h3>
      {view.meetings.length === 0 && <p class="muted">まだ会議の記録はありません。初回には、つないだ相談員を「やりとり」からご案内ください。</p>}
      <ol id="meeting-list">
        {view.meetings.map((m) => {
          const p = (m.participants ?? {}) as Participants;
          return (
            <li key={m.id} class="meeting" data-meeting-kind={m.kind}>
              <strong>{label('meetingKind', m.kind)}</strong> {m.heldOn}
              <Rows
                rows={[
                  ['センターの課', (p.sections ?? []).map(sectionName).join('、') || '—'],
                  ['関係機関', (p.agencies ?? []).map(resourceName).join('、') || '—'],
                  ['相談窓口', p.deskCounselorAttended ? '参加' : '不参加'],
                  ['見立て', <Said block>{m.assessment ?? ''}</Said>],
                  ['メモ', <Said block>{m.notes ?? ''}</Said>],
                  ['次の見直し', m.nextReviewOn ?? '未定'],
                  ['記録', <Said>{m.createdByName ?? ''}</Said>],
                ]}
              />
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function SharedMessages({ view }: { view: CenterCase }) {
  const { consent, messages } = view.sharing;
  return (
    <section class="panel" aria-labelledby="shared-title">
      <h3 id="shared-title">つないだ後のご本人・ご家族のメッセージ</h3>
      {!consent?.granted && <p class="muted">共有の同意が記録されていないため、表示しません（同意は相談窓口が会話の中で確かめて記録します）。</p>}
      {consent?.granted && (
        <ol class="conversation" id="shared-messages">
          {messages.map((m) => (
            <li key={m.id} class={m.author === 'USER' ? 'msg msg-user' : 'msg msg-staff'}>
              <span class="msg-meta">
                {m.author === 'USER' ? '相談者' : m.author === 'STAFF' ? '相談員' : '自動応答'}・{formatFull(m.createdAt)}
              </span>
              <Said block>{m.text ?? '（文字以外のメッセージ）'}</Said>
            </li>
          ))}
          {messages.length === 0 && <li class="empty">つないだ後のメッセージはまだありません。</li>}
        </ol>
      )}
    </section>
  );
}

function Referrals({ view, resources, onChanged }: { view: CenterCase; resources: ResourceEntry[]; onChanged: () => Promise<void> }) {
  const [choice, setChoice] = useState('');
  const [error, setError] = useState('');
  const refer = async (event: Event) => {
    event.preventDefault();
    if (!choice) return;
    setError('');
    try {
      await api.post(`/cases/${view.case.id}/referrals`, { resourceId: choice });
      setChoice('');
      await onChanged();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const name = (id: string) => resources.find((r) => r.id === id)?.name ?? '（紹介先）';
  return (
    <section class="panel" aria-labelledby="referrals-title">
      <h3 id="referrals-title">紹介の記録</h3>
      <ul id="referral-list">
        {view.referrals.map((r) => (
          <li key={r.id}>
            {name(r.resourceId)}（{label('resourceKind', r.resourceKind)}）・{label('referralVia', r.via)} <Said>{r.byName ?? ''}</Said>・{formatFull(r.createdAt)}
          </li>
        ))}
        {view.referrals.length === 0 && <li class="empty">まだ紹介の記録はありません。</li>}
      </ul>
      {view.permissions.write && (
        <form class="row" onSubmit={refer}>
          <label for="referral-select" class="visually-hidden">
            紹介先
          </label>
          <select id="referral-select" value={choice} onChange={(e) => setChoice(e.currentTarget.value)}>
            <option value="">（紹介先を選ぶ）</option>
            {resources.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
          <button type="submit" id="referral-save">
            紹介を記録
          </button>
        </form>
      )}
      <ErrorText message={error} />
    </section>
  );
}

function Closure({ view, onClosed }: { view: CenterCase; onClosed: () => Promise<void> }) {
  const [reason, setReason] = useState('');
  const [months, setMonths] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const center = view.center!;
  if (center.closedAt) {
    return (
      <section class="panel notice" id="closure-done" aria-labelledby="closure-title">
        <h3 id="closure-title">終結</h3>
        <p>
          {formatFull(center.closedAt)}・{label('closureReason', center.closeReason)}
          {center.noContactMonths ? `（${center.noContactMonths}か月）` : ''}・<Said>{center.closedByName ?? ''}</Said>
        </p>
        {center.closeNote && <Said block>{center.closeNote}</Said>}
      </section>
    );
  }
  if (!view.permissions.write) return null;
  const close = async (event: Event) => {
    event.preventDefault();
    setError('');
    if (!reason) return setError('終結の理由を選んでください。');
    try {
      await api.post(`/center/cases/${view.case.id}/closure`, {
        reason,
        ...(reason === 'no_contact' && months ? { noContactMonths: Number(months) } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      await onClosed();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form id="closure-form" class="panel stack" onSubmit={close} aria-labelledby="closure-form-title">
      <h3 id="closure-form-title">終結（支援を終える）</h3>
      <label for="closure-reason">理由</label>
      <select id="closure-reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)}>
        <option value="">（理由を選ぶ）</option>
        {entriesOf('closureReason').map(([code, name]) => (
          <option key={code} value={code}>
            {name}
          </option>
        ))}
      </select>
      {reason === 'no_contact' && (
        <>
          <label for="closure-months">連絡がとれなくなって何か月</label>
          <input id="closure-months" type="number" min={1} max={120} value={months} onInput={(e) => setMonths(e.currentTarget.value)} />
        </>
      )}
      <label for="closure-note">メモ{reason === 'other' ? '（必須）' : '（任意）'}</label>
      <textarea id="closure-note" rows={2} maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      <p class="hint">終結すると相談は閉じ、保存期間が過ぎると書かれた内容は消えます（数の記録は残ります）。</p>
      <button type="submit" id="closure-save" class="danger">
        終結する
      </button>
      <ErrorText id="closure-error" message={error} />
    </form>
  );
}
