// センターの受信箱: handovers waiting to be received (emergencies first) and the cases the center
// carries. Live: a new handover appears at once (stream `handover` events), with the bell.
import { useState } from 'preact/hooks';
import { label } from '../../../../src/labels/index.js';
import { api } from '../../api.js';
import { formatFull } from '../../format.js';
import { debounce, useLive } from '../../live.js';
import type { RouteProps } from '../../routes.js';
import { navigate, withQuery } from '../../router.js';
import { ErrorText, Link, Said, useLoad, Waiting } from '../../ui/parts.js';
import type { CenterInbox } from './types.js';
import '../../styles/center.css';

export function CenterInboxView({ location }: RouteProps) {
  const closed = location.query.get('closed') === 'true';
  const inbox = useLoad(() => api.get<CenterInbox>(`/center/inbox${closed ? '?closed=true' : ''}`), [closed]);
  const reload = debounce(() => void inbox.reload(), 150);
  useLive({ handover: reload, centerCase: reload, ready: reload });
  const [error, setError] = useState('');

  const receive = async (handoverId: string, caseId: string) => {
    setError('');
    try {
      await api.post(`/handovers/${handoverId}/acknowledge`, {});
      navigate(`/staff/center/cases/${caseId}`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  const data = inbox.data;
  return (
    <section id="center-inbox" class="tab-panel" aria-labelledby="center-inbox-title">
      <h2 id="center-inbox-title">センターの受信箱</h2>
      {inbox.error && <p class="form-error">{inbox.error}</p>}
      <ErrorText id="center-inbox-error" message={error} />
      <h3>受け止めを待っているつなぎ</h3>
      <ul id="center-pending" class="handover-list">
        {(data?.pending ?? []).map((h) => (
          <li key={h.id} class={`handover-item center-pending ${h.urgency}`} data-handover-id={h.id} data-case-id={h.caseId}>
            <div class="card stack">
              <span class="row">
                <span class={h.urgency === 'EMERGENCY' ? 'badge danger' : 'badge pending'}>{label('urgency', h.urgency)}</span>
                <span class="badge">{h.basis === 'consent' ? '同意にもとづくつなぎ' : '緊急のつなぎ'}</span>
                <Waiting since={h.createdAt} />
              </span>
              <span>
                {formatFull(h.createdAt)} <Said>{h.createdByName ?? ''}</Said>
              </span>
              <span class="row">
                <Link href={`/staff/handovers/${h.id}`} class="button-link">
                  つなぎの内容を読む
                </Link>
                <button type="button" class="primary receive-button" onClick={() => void receive(h.id, h.caseId)}>
                  受け止める
                </button>
              </span>
            </div>
          </li>
        ))}
        {data && data.pending.length === 0 && <li class="empty">受け止めを待っているつなぎはありません。</li>}
      </ul>
      <div class="row">
        <h3>センターで支援しているケース</h3>
        <label class="inline">
          <input type="checkbox" id="center-show-closed" checked={closed} onChange={(e) => navigate(withQuery(location.path, location.query, { closed: e.currentTarget.checked ? 'true' : null }), { replace: true })} />
          終結したケースも表示
        </label>
      </div>
      <ul id="center-cases" class="handover-list">
        {(data?.cases ?? []).map((c) => (
          <li key={c.caseId} class="handover-item center-case-item" data-case-id={c.caseId}>
            <Link href={`/staff/center/cases/${c.caseId}`} class="queue-button">
              <span class="row">
                <span class="badge">{label('urgency', c.urgency)}</span>
                {c.closedAt ? <span class="badge ok">終結（{label('closureReason', c.closeReason)}）</span> : <span class="badge pending">支援中</span>}
              </span>
              <span class="queue-who">相談 #{c.caseRef}（{label('consulterType', c.consulterType, '相談者未確認')}）</span>
              <span class="queue-assignee">
                キーマン: <Said>{c.keyPersonName ?? '未定'}</Said> ・ 最後の会議: {c.lastMeetingOn ?? 'まだ'} ・ 次の見直し: {c.nextReviewOn ?? '未定'}
              </span>
            </Link>
          </li>
        ))}
        {data && data.cases.length === 0 && <li class="empty">該当するケースはありません。</li>}
      </ul>
    </section>
  );
}
