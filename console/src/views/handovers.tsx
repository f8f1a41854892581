// つなぎ・受け止め: the receiving side. Center staff see their center's handovers, supervisors
// all; /staff/handovers/:id opens one, ?state= keeps the filter.
import { useState } from 'preact/hooks';
import { entriesOf } from '../../../src/labels/index.js';
import { api } from '../api.js';
import { formatFull } from '../format.js';
import { useLive } from '../live.js';
import type { RouteProps } from '../routes.js';
import { navigate, withQuery } from '../router.js';
import { useSession } from '../session.js';
import type { HandoverSummary, HandoverView } from '../types.js';
import { ErrorText, Link, Said, useLoad, Waiting } from '../ui/parts.js';
import { HandoverSummaryBlock } from './handover-summary.js';

export function HandoversView({ location, match }: RouteProps) {
  const state = location.query.get('state') || 'pending';
  const id = match.params.id ?? null;
  const list = useLoad(() => api.get<{ handovers: HandoverView[] }>(`/handovers?state=${encodeURIComponent(state)}`).then((r) => r.handovers), [state]);
  useLive({ case: (e) => e.change.startsWith('handover') && void list.reload() });
  const search = location.query.toString() ? `?${location.query.toString()}` : '';

  return (
    <section id="handovers-tab" class="tab-panel">
      <div class="row">
        <h2>つなぎ・受け止め</h2>
        <label class="inline">
          表示
          <select id="handover-state" value={state} onChange={(e) => navigate(withQuery(location.path, location.query, { state: e.currentTarget.value === 'pending' ? null : e.currentTarget.value }), { replace: true })}>
            {entriesOf('handoverState').map(([code, name]) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {list.error && <p class="form-error">{list.error}</p>}
      <div class={id ? 'handover-layout has-detail' : 'handover-layout'}>
        <ul id="handover-list" class="handover-list">
          {(list.data ?? []).map((h) => (
            <li key={h.id} class={`handover-item${h.id === id ? ' selected' : ''}`} data-handover-id={h.id}>
              <Link href={`/staff/handovers/${h.id}${search}`} class="queue-button" aria-current={h.id === id ? 'true' : undefined}>
                <span class="row">
                  <span class={h.acknowledgedAt ? 'badge ok' : 'badge pending'}>{h.acknowledgedAt ? '受け止め済み' : '受け止め待ち'}</span>
                  <span class="badge">{h.basis === 'consent' ? '同意' : '緊急'}</span>
                  {!h.acknowledgedAt && <Waiting since={h.createdAt} />}
                </span>
                <span class="queue-who">{h.centerName ?? 'センター'}</span>
                <span class="queue-assignee">
                  {formatFull(h.createdAt)} <Said>{h.createdByName ?? ''}</Said>
                </span>
              </Link>
            </li>
          ))}
          {list.data && list.data.length === 0 && <li class="empty">該当するつなぎはありません。</li>}
        </ul>
        {id ? <HandoverDetail key={id} id={id} backHref={`/staff/handovers${search}`} onChanged={() => void list.reload()} /> : null}
      </div>
    </section>
  );
}

function HandoverDetail({ id, backHref, onChanged }: { id: string; backHref: string; onChanged: () => void }) {
  const { me } = useSession();
  const detail = useLoad(() => api.get<{ handover: HandoverView }>(`/handovers/${id}`).then((r) => r.handover), [id]);
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const h = detail.data;

  const acknowledge = async (event: Event) => {
    event.preventDefault();
    setError('');
    try {
      await api.post(`/handovers/${id}/acknowledge`, note.trim() ? { note: note.trim() } : {});
      setNote('');
      await detail.reload();
      onChanged();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <section id="handover-detail" class="card" aria-label="つなぎの内容">
      <Link href={backHref} class="back-link">
        ← 一覧に戻る
      </Link>
      {!h && <p class={detail.error ? 'form-error' : 'muted'}>{detail.error ?? '読み込んでいます…'}</p>}
      {h && (
        <>
          <div id="handover-summary">
            <HandoverSummaryBlock summary={(h.summary ?? {}) as HandoverSummary} />
            {h.acknowledgedAt && (
              <p class="notice">
                受け止め済み: {formatFull(h.acknowledgedAt)} <Said>{h.acknowledgedByName ?? ''}</Said>
                {h.acknowledgedNote ? <>（<Said>{h.acknowledgedNote}</Said>）</> : null}
              </p>
            )}
          </div>
          <form id="acknowledge-form" class="stack" onSubmit={acknowledge}>
            {!h.acknowledgedAt && (
              <>
                <label for="acknowledge-note">受け手のメモ{me.role === 'SUPERVISOR' ? '（スーパーバイザーが代わりに記録するときは、センターの受け手を必ず書く）' : '（任意）'}</label>
                <input id="acknowledge-note" type="text" maxLength={1000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
              </>
            )}
            <div class="row">
              <a id="handover-print" class="button-link" href={`/staff/handovers/${id}/print`} target="_blank" rel="noopener">
                印刷用ページ
              </a>
              {!h.acknowledgedAt && (
                <button type="submit" id="acknowledge-button" class="primary">
                  受け止める
                </button>
              )}
            </div>
          </form>
          <ErrorText id="handover-error" message={error} />
        </>
      )}
    </section>
  );
}
