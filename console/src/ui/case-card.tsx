// A case as a card in a list (the queue, the shift view, search results): urgency, status,
// channel, waiting time, who writes, signals in words, unread count, the last message shortened,
// "new since you looked", a returning person, household links.
import { label, signalLabel } from '../../../src/labels/index.js';
import { formatTime } from '../format.js';
import { useSession } from '../session.js';
import type { CaseCard } from '../types.js';
import { Link, Said, Waiting } from './parts.js';

export function CaseCardItem({ entry: c, href, selected = false, extra }: { entry: CaseCard; href: string; selected?: boolean; extra?: preact.ComponentChildren }) {
  const { intake } = useSession();
  const who = label('consulterType', c.consulterType, '相談者未確認');
  const signals = c.preview.signals.map((s) => signalLabel(s, intake));
  const classes = ['queue-item', `urgency-${c.urgency.toLowerCase()}`, selected ? 'selected' : '', c.newSinceSeen ? 'is-new' : ''].filter(Boolean).join(' ');
  return (
    <li class={classes} data-case-id={c.id}>
      <Link href={href} class="queue-button" aria-current={selected ? 'true' : undefined}>
        <span class="card-badges">
          <span class={`badge urgency ${c.urgency.toLowerCase()}`}>{label('urgency', c.urgency)}</span>
          <span class="badge">{label('status', c.status)}</span>
          <span class="badge channel">{label('channel', c.channel)}</span>
          {c.unread > 0 && (
            <span class="badge unread" aria-label={`まだ見ていないメッセージ ${c.unread}件`}>
              未読 {c.unread}
            </span>
          )}
          {c.newSinceSeen && c.unread === 0 && <span class="badge new">前回から動きあり</span>}
          {c.returning && <span class="badge returning">再びの相談</span>}
          {c.householdLinks > 0 && <span class="badge">世帯 {c.householdLinks}件</span>}
          <Waiting since={c.waitingSince} />
        </span>
        <span class="queue-who">
          <span class="case-number">#{c.number}</span> {who}
          {c.preview.helpWanted ? ` ・ ${label('helpWanted', c.preview.helpWanted)}` : ''}
        </span>
        {signals.length > 0 && <span class="queue-signals">信号: {signals.join('、')}</span>}
        {c.lastMessage && (
          <span class="queue-preview">
            <span class="preview-who">{label('author', c.lastMessage.author)}</span>
            <Said class="preview-text">{c.lastMessage.text}</Said>
            <span class="preview-at">{formatTime(c.lastMessage.at)}</span>
          </span>
        )}
        <span class="queue-assignee">
          {c.assigneeName ? (
            <>
              担当: <Said>{c.assigneeName}</Said>
            </>
          ) : (
            '未担当'
          )}
          {c.followUpAt ? ` ／ 次の連絡: ${formatTime(c.followUpAt)}` : ''}
        </span>
        {c.preview.handoverPending && <span class="badge pending">受け止め待ち</span>}
        {c.preview.dataDeleted && <span class="badge">データ削除済み</span>}
        {extra}
      </Link>
    </li>
  );
}
