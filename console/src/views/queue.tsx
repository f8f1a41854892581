// 相談一覧: the live queue (emergencies first, then the longest waiting) beside the open case.
// Filters live in the URL (/staff/queue?urgency=EMERGENCY&mine=1), so they survive a reload and
// travel with a link; /staff/cases/:id keeps them while a case is open.
import { entriesOf } from '../../../src/labels/index.js';
import { api } from '../api.js';
import { debounce, useLive } from '../live.js';
import type { RouteProps } from '../routes.js';
import { navigate, withQuery } from '../router.js';
import type { CaseCard } from '../types.js';
import { CaseCardItem } from '../ui/case-card.js';
import { Link, useLoad } from '../ui/parts.js';
import { CaseView } from './case/case-view.js';
import { useEffect, useMemo } from 'preact/hooks';

const FILTERS = ['status', 'urgency', 'channel', 'consulterType', 'mine', 'unread'] as const;

export function queueQuery(query: URLSearchParams): string {
  const params = new URLSearchParams();
  params.set('status', query.get('status') || 'open');
  for (const name of FILTERS.slice(1)) {
    const value = query.get(name);
    if (value) params.set(name, name === 'mine' || name === 'unread' ? 'true' : value);
  }
  return params.toString();
}

export function QueueView({ location, match }: RouteProps) {
  const caseId = match.params.id ?? null;
  const filterKey = queueQuery(location.query);
  const queue = useLoad(() => api.get<{ cases: CaseCard[] }>(`/cases?${filterKey}`).then((r) => r.cases), [filterKey]);
  const reloadSoon = useMemo(() => debounce(() => void queue.reload(), 250), [filterKey]);
  useLive({ ready: reloadSoon, case: reloadSoon });
  // Live events are best effort (Redis pub/sub): re-read now and then as well, so a person never
  // waits unseen because one event was lost.
  useEffect(() => {
    const timer = setInterval(() => document.visibilityState === 'visible' && reloadSoon(), 30_000);
    return () => clearInterval(timer);
  }, [reloadSoon]);

  const setFilter = (name: (typeof FILTERS)[number], value: string | null) => {
    navigate(withQuery(location.path, location.query, { [name]: value }), { replace: true });
  };
  const search = location.query.toString() ? `?${location.query.toString()}` : '';
  const cases = queue.data ?? [];

  return (
    <section id="queue-tab" class={caseId ? 'tab-panel queue-layout has-case' : 'tab-panel queue-layout'}>
      <aside class="queue-pane" aria-label="相談一覧">
        <form id="filters" class="filters" onSubmit={(e) => e.preventDefault()}>
          <label>
            状態
            <select id="filter-status" value={location.query.get('status') || 'open'} onChange={(e) => setFilter('status', e.currentTarget.value === 'open' ? null : e.currentTarget.value)}>
              {entriesOf('statusFilter').map(([code, name]) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <FilterSelect id="filter-urgency" title="緊急度" value={location.query.get('urgency')} options={entriesOf('urgency')} onChange={(v) => setFilter('urgency', v)} />
          <FilterSelect id="filter-channel" title="窓口" value={location.query.get('channel')} options={entriesOf('channel')} onChange={(v) => setFilter('channel', v)} />
          <FilterSelect id="filter-consulter" title="相談者" value={location.query.get('consulterType')} options={entriesOf('consulterType').filter(([c]) => c !== 'UNKNOWN' && c !== 'unknown')} onChange={(v) => setFilter('consulterType', v)} />
          <label class="check">
            <input type="checkbox" id="filter-mine" checked={location.query.get('mine') === '1'} onChange={(e) => setFilter('mine', e.currentTarget.checked ? '1' : null)} /> 自分の担当だけ
          </label>
          <label class="check">
            <input type="checkbox" id="filter-unread" checked={location.query.get('unread') === '1'} onChange={(e) => setFilter('unread', e.currentTarget.checked ? '1' : null)} /> 未読があるものだけ
          </label>
        </form>
        <p class="queue-tools">
          <Link href="/staff/desk-contacts/new" id="new-desk-contact-link" class="button-link">
            ＋ 電話・来所・訪問を記録（新しい相談）
          </Link>
        </p>
        <p id="queue-count" class="queue-count" aria-live="polite">
          {queue.data ? `${cases.length}件` : '読み込んでいます…'}
        </p>
        {queue.error && <p class="form-error">{queue.error}</p>}
        <ol id="queue" class="queue" aria-label="相談">
          {cases.map((c) => (
            <CaseCardItem key={c.id} entry={c} selected={c.id === caseId} href={`/staff/cases/${c.id}${search}`} />
          ))}
          {queue.data && cases.length === 0 && <li class="empty">該当する相談はありません。</li>}
        </ol>
      </aside>
      {caseId ? (
        <CaseView key={caseId} caseId={caseId} backHref={`/staff/queue${search}`} onChanged={() => void queue.reload()} />
      ) : (
        <p id="case-placeholder" class="placeholder">
          一覧から相談を選んでください。
        </p>
      )}
    </section>
  );
}

function FilterSelect({ id, title, value, options, onChange }: { id: string; title: string; value: string | null; options: [string, string][]; onChange: (value: string | null) => void }) {
  return (
    <label>
      {title}
      <select id={id} value={value ?? ''} onChange={(e) => onChange(e.currentTarget.value || null)}>
        <option value="">すべて</option>
        {options.map(([code, name]) => (
          <option key={code} value={code}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
