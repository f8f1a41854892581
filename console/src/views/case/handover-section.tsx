// センターへのつなぎ: the person's consent (from the intake, or a message staff cite), the
// handover itself, and the handovers so far with their acknowledgement.
import { useState } from 'preact/hooks';
import { label } from '../../../../src/labels/index.js';
import { api } from '../../api.js';
import { formatFull, formatTime } from '../../format.js';
import { useSession } from '../../session.js';
import type { CaseView } from '../../types.js';
import { isolated, Said } from '../../ui/parts.js';
import type { CaseAction } from './case-view.js';

export function HandoverSection({ view: v, act, onError }: { view: CaseView; act: CaseAction; onError: (m: string) => void }) {
  const { centers } = useSession();
  const c = v.case;
  const consent = v.handoverConsent;
  const userMessages = v.messages.filter((m) => m.author === 'user' && m.text).slice(-15).reverse();
  const pending = v.handovers.some((h) => !h.acknowledgedAt);
  const canConsent = v.permissions.work && userMessages.length > 0 && !consent?.granted;
  // Once handed over, the case is the center's; a new handover is offered only when the case is
  // open again (the person wrote back and it was reopened), never beside an acknowledged one.
  const canHandOver = v.permissions.work && !!c.assigneeId && !pending && c.status !== 'CLOSED' && c.status !== 'HANDED_OVER';

  const [messageId, setMessageId] = useState('');
  const [center, setCenter] = useState('');
  const [basis, setBasis] = useState<'consent' | 'emergency_override'>('consent');
  const [overrideReason, setOverrideReason] = useState('');
  const [note, setNote] = useState('');

  const recordConsent = async (event: Event) => {
    event.preventDefault();
    const chosen = messageId || userMessages[0]?.id;
    if (!chosen) return;
    if (!window.confirm('選んだ発言を、センターへのつなぎの同意として記録します。よろしいですか？')) return;
    await act(() => api.post(`/cases/${c.id}/consents`, { granted: true, messageId: chosen }));
  };

  const handOver = async (event: Event) => {
    event.preventDefault();
    if (!center) return onError('つなぎ先のセンターを選んでください。');
    if (!note.trim()) return onError('センターへの申し送りを書いてください。');
    const done = await act(() =>
      api.post(`/cases/${c.id}/handovers`, { centerCode: center, basis, note: note.trim(), ...(basis === 'emergency_override' ? { overrideReason: overrideReason.trim() } : {}) }),
    );
    if (done) {
      setNote('');
      setOverrideReason('');
    }
  };

  return (
    <details id="handover-section" class="panel">
      <summary>センターへのつなぎ</summary>
      <p id="consent-state" class={`consent-state ${consent?.granted ? 'ok' : 'missing'}`}>
        {consent
          ? consent.granted
            ? `相談者の同意: あり（${formatFull(consent.createdAt)}）`
            : `相談者の同意: なし（${formatFull(consent.createdAt)}に「いいえ」）`
          : '相談者の同意: 記録なし'}
      </p>
      {canConsent && (
        <form id="consent-form" class="stack" onSubmit={recordConsent}>
          <label for="consent-message">会話の中で同意があったとき: 根拠の発言</label>
          <select id="consent-message" value={messageId || userMessages[0]?.id} onChange={(e) => setMessageId(e.currentTarget.value)}>
            {userMessages.map((m) => (
              <option key={m.id} value={m.id}>
                {formatTime(m.createdAt)} {isolated(m.text!.length > 40 ? `${m.text!.slice(0, 40)}…` : m.text!)}
              </option>
            ))}
          </select>
          <button type="submit" class="secondary">
            この発言を同意として記録
          </button>
        </form>
      )}
      {canHandOver && (
        <form id="handover-form" class="stack" onSubmit={handOver}>
          <label for="handover-center">つなぎ先</label>
          <select id="handover-center" value={center} onChange={(e) => setCenter(e.currentTarget.value)}>
            <option value="">（選ぶ）</option>
            {centers.map((x) => (
              <option key={x.code} value={x.code}>
                {x.name}
              </option>
            ))}
          </select>
          <fieldset>
            <legend>根拠</legend>
            <label>
              <input type="radio" name="handover-basis" value="consent" checked={basis === 'consent'} onChange={() => setBasis('consent')} /> 相談者の同意
            </label>
            <label>
              <input type="radio" name="handover-basis" value="emergency_override" checked={basis === 'emergency_override'} onChange={() => setBasis('emergency_override')} /> 緊急（同意なし・理由が必要）
            </label>
          </fieldset>
          {basis === 'emergency_override' && (
            <>
              <label for="handover-override-reason">緊急と判断した理由</label>
              <input id="handover-override-reason" type="text" maxLength={1000} value={overrideReason} onInput={(e) => setOverrideReason(e.currentTarget.value)} />
            </>
          )}
          <label for="handover-note">センターへの申し送り（必須）</label>
          <textarea id="handover-note" rows={4} maxLength={4000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          <button type="submit" id="handover-submit" class="primary">
            センターにつなぐ
          </button>
        </form>
      )}
      <ul id="case-handovers" class="handovers">
        {v.handovers.map((h) => (
          <li key={h.id}>
            <span>
              {formatFull(h.createdAt)} {h.centerName ?? 'センター'}へ（{h.basis === 'consent' ? '同意' : '緊急'}）
              {h.createdByName ? <> ・ <Said>{h.createdByName}</Said></> : null}
            </span>
            <span class={h.acknowledgedAt ? 'badge ok' : 'badge pending'}>
              {h.acknowledgedAt ? (
                <>
                  受け止め済み {formatTime(h.acknowledgedAt)}
                  {h.acknowledgedByName ? <>（<Said>{h.acknowledgedByName}</Said>）</> : null}
                </>
              ) : (
                label('handoverState', 'pending')
              )}
            </span>
            <a class="button-link" href={`/staff/handovers/${h.id}/print`} target="_blank" rel="noopener">
              印刷用ページ
            </a>
          </li>
        ))}
      </ul>
    </details>
  );
}
