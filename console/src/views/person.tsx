// この方のこれまで: one person, every case on every channel, and everything that happened in
// them (messages, notes, assessments, handovers, phone calls and visits) in one timeline.
import { useState } from 'preact/hooks';
import { label } from '../../../src/labels/index.js';
import { api } from '../api.js';
import { formatFull } from '../format.js';
import type { RouteProps } from '../routes.js';
import type { PersonResponse, TimelineEntry } from '../types.js';
import { Link, Said, useLoad } from '../ui/parts.js';

export function PersonView({ match }: RouteProps) {
  const { id } = match.params;
  const fromCase = location.pathname.endsWith('/person');
  const person = useLoad(() => api.get<PersonResponse>(fromCase ? `/cases/${id}/person` : `/people/${id}`), [id, fromCase]);
  const p = person.data;
  // The bot's intake questions are the same for everyone: hidden unless asked for, so the
  // person's own words, the desk's notes and what was done stand out.
  const [showBot, setShowBot] = useState(false);
  return (
    <section id="person-view" class="tab-panel person-view" aria-labelledby="person-title">
      {fromCase && (
        <Link href={`/staff/cases/${id}`} class="back-link always">
          ← 相談に戻る
        </Link>
      )}
      <h2 id="person-title">この方のこれまで</h2>
      {person.error && <p class="form-error">{person.error}</p>}
      {!p && !person.error && <p class="muted">読み込んでいます…</p>}
      {p && (
        <div class="person-layout">
          <aside class="person-side" aria-label="この方の相談">
            <dl class="answers" id="person-facts">
              <dt>はじめての連絡</dt>
              <dd>{formatFull(p.person.firstContactAt)}</dd>
              <dt>最後の連絡</dt>
              <dd>{formatFull(p.person.lastSeenAt)}</dd>
              <dt>最初の窓口</dt>
              <dd>{label('channel', p.person.channel)}</dd>
              <dt>ことば</dt>
              <dd>{label('language', p.person.language, '日本語')}</dd>
              {p.person.blocked && [<dt key="b">LINE</dt>, <dd key="bd">ブロック中（届きません）</dd>]}
            </dl>
            <h3>相談（{p.cases.length}件）</h3>
            <ul id="person-cases" class="person-cases">
              {p.cases.map((c) => (
                <li key={c.id} data-case-id={c.id}>
                  <Link href={`/staff/cases/${c.id}`}>相談 #{c.number}</Link> <span class="badge">{label('status', c.status)}</span> <span class="badge">{label('channel', c.channel)}</span>
                  <span class="muted">
                    {' '}
                    {formatFull(c.createdAt)}〜{c.closedAt ? formatFull(c.closedAt) : ''} ・ {c.assigneeName ? <Said>{c.assigneeName}</Said> : '未担当'}
                  </span>
                  {c.dataDeleted && <span class="badge">データ削除済み</span>}
                </li>
              ))}
            </ul>
            {p.links.length > 0 && (
              <>
                <h3>同じ世帯の相談</h3>
                <ul class="links">
                  {p.links.map((l) => (
                    <li key={l.id}>
                      <span class="badge">{label('linkKind', l.kind)}</span> <Link href={`/staff/cases/${l.caseId}`}>相談 #{l.caseNumber}</Link>（{label('consulterType', l.consulterType, '相談者未確認')}）
                    </li>
                  ))}
                </ul>
              </>
            )}
          </aside>
          <section class="timeline-pane" aria-labelledby="timeline-title">
            <div class="row">
              <h3 id="timeline-title">記録（古い順{p.truncated ? '・新しい 2,000件' : ''}）</h3>
              <label class="check">
                <input type="checkbox" id="timeline-bot" checked={showBot} onChange={(e) => setShowBot(e.currentTarget.checked)} /> 自動応答も表示
              </label>
            </div>
            <ol id="timeline" class="timeline">
              {p.timeline.filter((t) => showBot || t.author !== 'bot').map((t) => (
                <TimelineItem key={t.id} entry={t} />
              ))}
              {p.timeline.length === 0 && <li class="empty">記録はまだありません。</li>}
            </ol>
          </section>
        </div>
      )}
    </section>
  );
}

function TimelineItem({ entry: t }: { entry: TimelineEntry }) {
  return (
    <li class={`timeline-item kind-${t.kind} author-${t.author}`} data-kind={t.kind}>
      <span class="msg-meta">
        {formatFull(t.at)} ・ <strong>{t.title}</strong> ・ {label('channel', t.channel)} ・ <Link href={`/staff/cases/${t.caseId}`}>相談 #{t.caseNumber}</Link>
        {t.staffName ? <> ・ <Said>{t.staffName}</Said></> : null}
        {t.durationMinutes ? ` ・ ${t.durationMinutes}分` : ''}
      </span>
      {t.text !== null ? (
        <Said block class="msg-text">
          {t.text}
        </Said>
      ) : t.kind === 'message' || t.kind === 'note' || t.kind === 'desk_contact' ? (
        <span class="msg-text muted">（内容は削除されました）</span>
      ) : null}
    </li>
  );
}
