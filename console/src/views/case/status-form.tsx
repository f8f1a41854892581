// 状態の変更, with a reason and an optional day to get back in touch.
import { useState } from 'preact/hooks';
import { entriesOf } from '../../../../src/labels/index.js';
import { api } from '../../api.js';
import type { ManualStatus } from '../../types.js';
import type { CaseAction } from './case-view.js';

export function StatusForm({ caseId, act, onError }: { caseId: string; act: CaseAction; onError: (m: string) => void }) {
  const [status, setStatus] = useState<ManualStatus>('WAITING_USER');
  const [reason, setReason] = useState('');
  const [followUp, setFollowUp] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!reason.trim()) return onError('状態を変える理由を書いてください。');
    const done = await act(async () => {
      await api.post(`/cases/${caseId}/status`, { status, reason: reason.trim(), ...(followUp ? { followUpOn: followUp } : {}) });
      return true;
    });
    if (done) {
      setReason('');
      setFollowUp('');
    }
  };
  return (
    <details id="status-section" class="panel">
      <summary>状態の変更</summary>
      <form id="status-form" class="stack" onSubmit={submit}>
        <label for="status-select">新しい状態</label>
        <select id="status-select" value={status} onChange={(e) => setStatus(e.currentTarget.value as ManualStatus)}>
          {entriesOf('statusChange').map(([code, name]) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
        </select>
        <label for="status-reason">理由（必須）</label>
        <input id="status-reason" type="text" maxLength={1000} required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        <label for="status-follow-up">次に連絡する日（任意）</label>
        <input id="status-follow-up" type="date" value={followUp} onInput={(e) => setFollowUp(e.currentTarget.value)} />
        <button type="submit" class="secondary">
          状態を変える
        </button>
      </form>
    </details>
  );
}
