// 今日のシフト: what a counsellor hands over or picks up — my open cases, follow-ups due today,
// people waiting for a reply, handovers the centers have not acknowledged yet.
import type { ComponentChildren } from 'preact';
import { useMemo } from 'preact/hooks';
import { api } from '../api.js';
import { formatFull } from '../format.js';
import { debounce, useLive } from '../live.js';
import type { RouteProps } from '../routes.js';
import type { CaseCard, OutreachListResponse, ShiftResponse } from '../types.js';
import { CaseCardItem } from '../ui/case-card.js';
import { Link, Said, useLoad, Waiting } from '../ui/parts.js';

export function ShiftView(_props: RouteProps) {
  const shift = useLoad(() => api.get<ShiftResponse>('/shift'), []);
  const outreach = useLoad(() => api.get<OutreachListResponse>('/outreach'), []);
  const reloadSoon = useMemo(
    () =>
      debounce(() => {
        void shift.reload();
        void outreach.reload();
      }, 400),
    [],
  );
  useLive({ case: reloadSoon, ready: reloadSoon });
  const s = shift.data;
  const day = s ? new Intl.DateTimeFormat('ja-JP', { month: 'long', day: 'numeric', weekday: 'short', timeZone: 'Asia/Tokyo' }).format(new Date(`${s.day}T12:00:00+09:00`)) : '';
  return (
    <section id="shift-view" class="tab-panel" aria-labelledby="shift-title">
      <h2 id="shift-title">今日のシフト{day ? `（${day}）` : ''}</h2>
      {shift.error && <p class="form-error">{shift.error}</p>}
      {!s && !shift.error && <p class="muted">読み込んでいます…</p>}
      {s && (
        <div class="shift-grid">
          <ShiftColumn id="shift-mine" title="自分の担当（対応中）" cards={s.mine} empty="担当している相談はありません。" />
          <ShiftColumn id="shift-follow-ups" title="今日までに連絡する相談" cards={s.followUpsToday} empty="今日の連絡予定はありません。" />
          <ShiftColumn id="shift-waiting" title="返信を待っている相談" cards={s.waitingForReply} empty="返信を待っている方はいません。" />
          <Column id="shift-handovers" title="センターの受け止め待ち" count={s.handoversUnacknowledged.length}>
            <ul class="queue">
              {s.handoversUnacknowledged.map((h) => (
                <li key={h.handoverId} class="queue-item" data-case-id={h.caseId}>
                  <Link href={`/staff/cases/${h.caseId}`} class="queue-button">
                    <span class="card-badges">
                      <span class="badge pending">受け止め待ち</span>
                      <Waiting since={h.createdAt} />
                    </span>
                    <span class="queue-who">
                      <span class="case-number">#{h.caseNumber}</span> {h.centerName}
                    </span>
                    <span class="queue-assignee">
                      {formatFull(h.createdAt)} {h.createdByName ? <Said>{h.createdByName}</Said> : null}
                    </span>
                  </Link>
                </li>
              ))}
              {s.handoversUnacknowledged.length === 0 && <li class="empty">受け止め待ちはありません。</li>}
            </ul>
          </Column>
          <OutreachColumn tasks={outreach.data?.tasks ?? []} error={outreach.error} onDone={() => void outreach.reload()} />
        </div>
      )}
    </section>
  );
}

function Column({ id, title, count, children }: { id: string; title: string; count: number; children: ComponentChildren }) {
  return (
    <section id={id} class="shift-column" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>
        {title} <span class="count-pill">{count}</span>
      </h3>
      {children}
    </section>
  );
}

function ShiftColumn({ id, title, cards, empty }: { id: string; title: string; cards: CaseCard[]; empty: string }) {
  return (
    <Column id={id} title={title} count={cards.length}>
      <ol class="queue">
        {cards.map((c) => (
          <CaseCardItem key={c.id} entry={c} href={`/staff/cases/${c.id}`} />
        ))}
        {cards.length === 0 && <li class="empty">{empty}</li>}
      </ol>
    </Column>
  );
}

/** 速やかにアウトリーチ: people who asked, in the chat, to meet or for a home visit, soonest deadline first. */
function OutreachColumn({ tasks, error, onDone }: { tasks: OutreachListResponse['tasks']; error: string | null; onDone: () => void }) {
  const markDone = async (reminderId: string) => {
    await api.post(`/outreach/${reminderId}/done`);
    onDone();
  };
  return (
    <Column id="shift-outreach" title="アウトリーチの依頼（面談・訪問）" count={tasks.length}>
      {error && <p class="form-error">{error}</p>}
      <ul class="queue">
        {tasks.map((t) => (
          <li key={t.reminderId} class="queue-item" data-case-id={t.caseId}>
            <Link href={`/staff/cases/${t.caseId}`} class="queue-button">
              <span class="card-badges">
                <span class={t.overdue ? 'badge emergency' : 'badge pending'}>{t.overdue ? '期限を過ぎています' : '対応待ち'}</span>
              </span>
              <span class="queue-who">{t.kindLabel}</span>
              <span class="queue-assignee">期限 {formatFull(t.dueAt)}</span>
            </Link>
            <button type="button" class="secondary" onClick={() => void markDone(t.reminderId)}>
              対応しました
            </button>
          </li>
        ))}
        {tasks.length === 0 && <li class="empty">アウトリーチの依頼はありません。</li>}
      </ul>
    </Column>
  );
}
