// One case: conversation, reply, notes, intake answers, markers, assessment, status, handover
// and history. Re-read on every live event for this case and after each action.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { label } from '../../../../src/labels/index.js';
import { api, ApiError } from '../../api.js';
import { formatFull, formatTime } from '../../format.js';
import { debounce, useLive } from '../../live.js';
import { useSession } from '../../session.js';
import type { CaseView as CaseData } from '../../types.js';
import { ErrorText, isolated, Link, Said, useLoad, Waiting } from '../../ui/parts.js';
import { AssessmentForm } from './assessment-form.js';
import { Conversation } from './conversation.js';
import { HandoverSection } from './handover-section.js';
import { DeskContacts } from './desk-contacts.js';
import { History } from './history.js';
import { HouseholdLinks } from './household-links.js';
import { IntakeAnswers, Markers } from './markers.js';
import { Notes } from './notes.js';
import { ReplyForm } from './reply-form.js';
import { StatusForm } from './status-form.js';

/** Runs a case action: shows its error in the case, re-reads the case and the queue after it. */
export type CaseAction = <T>(run: () => Promise<T>, options?: { errorTo?: (message: string) => void }) => Promise<T | undefined>;

export function CaseView({ caseId, backHref, onChanged }: { caseId: string; backHref: string; onChanged: () => void }) {
  const session = useSession();
  const view = useLoad(() => api.get<CaseData>(`/cases/${caseId}`), [caseId]);
  const [error, setError] = useState('');
  const reloadSoon = useMemo(() => debounce(() => void view.reload(), 300), [caseId]);
  const [personTyping, setPersonTyping] = useState(false);
  const typingTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useLive({
    case: (e) => (e.caseId === caseId || e.caseId === '') && reloadSoon(),
    ready: reloadSoon,
    typing: (e) => {
      if (e.caseId !== caseId) return;
      clearTimeout(typingTimer.current);
      setPersonTyping(e.on);
      // A typing signal that is never switched off (the person closed the page) fades by itself.
      if (e.on) typingTimer.current = setTimeout(() => setPersonTyping(false), 8000);
    },
  });
  useEffect(() => () => clearTimeout(typingTimer.current), []);

  // Opening the case (and every new message while it is open) moves my "last seen" marker; in a
  // chat the person's messages are marked read (LINE's mark-as-read, 既読 on the web chat).
  const lastUserMessage = view.data?.messages.filter((m) => m.author === 'user').at(-1)?.id ?? null;
  useEffect(() => {
    if (!view.data) return;
    setPersonTyping(false);
    const markSeen = () => {
      if (document.visibilityState !== 'visible') return;
      void api
        .post(`/cases/${caseId}/read`, { chat: true })
        .then(onChanged)
        .catch(() => {});
    };
    markSeen();
    document.addEventListener('visibilitychange', markSeen);
    return () => document.removeEventListener('visibilitychange', markSeen);
  }, [caseId, lastUserMessage, view.data !== null]);

  const act: CaseAction = async (run, options = {}) => {
    const report = options.errorTo ?? setError;
    setError('');
    report('');
    try {
      const result = await run();
      await view.reload();
      onChanged();
      return result;
    } catch (err) {
      report(err instanceof Error ? err.message : String(err));
      if (err instanceof ApiError && err.status === 409) await view.reload();
      return undefined;
    }
  };

  if (!view.data) {
    return (
      <section id="case-view" class="case-view" aria-busy={!view.error}>
        <Link href={backHref} class="back-link">
          ← 一覧に戻る
        </Link>
        <p class={view.error ? 'form-error' : 'muted'}>{view.error ?? '読み込んでいます…'}</p>
      </section>
    );
  }
  const v = view.data;
  const c = v.case;
  const canTransfer = v.permissions.work && c.status !== 'CLOSED' && c.status !== 'INTAKE';
  const canReply = v.permissions.work && !!c.assigneeId && c.status !== 'CLOSED';
  const colleagues = session.colleagues.filter((p) => p.id !== c.assigneeId);

  return (
    <section id="case-view" class="case-view" aria-labelledby="case-title">
      <Link href={backHref} class="back-link">
        ← 一覧に戻る
      </Link>
      <header class="case-header">
        <div>
          <h2 id="case-title">相談 #{c.number}</h2>
          <p id="case-badges" class="badges">
            <span class={`badge urgency ${c.urgency.toLowerCase()}`}>{label('urgency', c.urgency)}</span>
            <span class="badge">{label('status', c.status)}</span>
            <span class="badge channel">{label('channel', c.channel)}</span>
            <span class="badge">{label('consulterType', c.consulterType, '相談者未確認')}</span>
            <Waiting since={c.waitingSince} />
            {v.contact.blocked && <span class="badge danger">相談者がブロック中（届きません）</span>}
            {v.failedDeliveries > 0 && <span class="badge danger">送信失敗 {v.failedDeliveries}件</span>}
            {c.dataDeletedAt && <span class="badge">データ削除済み</span>}
            {c.anonymisedAt && <span class="badge">保存期間経過のため匿名化済み</span>}
          </p>
          <p id="case-meta" class="case-meta">
            担当: {c.assigneeName ? <Said>{c.assigneeName}</Said> : '未担当'} ／ 初回: {formatFull(v.contact.firstContactAt)} ／ 最後のメッセージ: {formatTime(c.lastUserMessageAt)}
            {c.followUpAt ? ` ／ 次の連絡: ${formatFull(c.followUpAt)}` : ''}
          </p>
          <p class="case-links">
            <Link href={`/staff/cases/${caseId}/person`} id="person-link">
              この方のこれまで（すべての相談と記録）
            </Link>
            {session.me.role === 'SUPERVISOR' && <Link href={`/staff/audit?caseId=${caseId}`}>この相談の監査ログ</Link>}
          </p>
        </div>
        <div class="case-actions">
          {v.permissions.claim && (
            <button type="button" id="claim-button" class="primary" onClick={() => void act(() => api.post(`/cases/${caseId}/claim`))}>
              担当する
            </button>
          )}
          {v.permissions.work && !!c.assigneeId && c.status !== 'CLOSED' && (
            <button
              type="button"
              id="release-button"
              class="secondary"
              onClick={() => {
                const reason = window.prompt('手放す理由（任意）');
                if (reason === null) return;
                void act(() => api.post(`/cases/${caseId}/release`, reason ? { reason } : {}));
              }}
            >
              手放す
            </button>
          )}
          {canTransfer && <TransferControl colleagues={colleagues} onTransfer={(toStaffId) => act(() => api.post(`/cases/${caseId}/transfer`, { toStaffId }))} onError={setError} />}
        </div>
      </header>
      <ErrorText id="case-error" message={error} />

      <div class="case-columns">
        <div class="case-main">
          <section aria-labelledby="conversation-title">
            <h3 id="conversation-title">会話</h3>
            <Conversation messages={v.messages} />
            <p id="typing-indicator" class="typing-indicator" role="status" aria-live="polite">
              {personTyping ? '相談者が入力しています…' : ''}
            </p>
          </section>
          {canReply && <ReplyForm caseId={caseId} language={c.language} act={act} />}
          <Notes notes={v.notes} canAdd={v.permissions.work} onAdd={(text) => act(() => api.post(`/cases/${caseId}/notes`, { text }))} />
        </div>
        <div class="case-side">
          <section aria-labelledby="intake-title">
            <h3 id="intake-title">聞き取りのまとめ</h3>
            <IntakeAnswers answers={v.answers} />
          </section>
          <section aria-labelledby="markers-title">
            <h3 id="markers-title">リスクと相談の質・段階</h3>
            <Markers view={v} />
          </section>
          {v.permissions.work && c.status !== 'CLOSED' && <AssessmentForm view={v} act={act} />}
          {v.permissions.work && c.status !== 'CLOSED' && <StatusForm caseId={caseId} act={act} onError={setError} />}
          <HandoverSection view={v} act={act} onError={setError} />
          <HouseholdLinks caseId={caseId} canWork={v.permissions.work} />
          <DeskContacts caseId={caseId} canRecord={v.permissions.work && c.status !== 'CLOSED'} onRecorded={() => void view.reload()} />
          <History view={v} />
        </div>
      </div>
    </section>
  );
}

function TransferControl({ colleagues, onTransfer, onError }: { colleagues: { id: string; name: string; role: string }[]; onTransfer: (id: string) => Promise<unknown>; onError: (m: string) => void }) {
  const [to, setTo] = useState('');
  return (
    <>
      <label class="inline">
        引き継ぐ相手
        <select id="transfer-select" value={to} onChange={(e) => setTo(e.currentTarget.value)}>
          <option value="">（選ぶ）</option>
          {colleagues.map((p) => (
            <option key={p.id} value={p.id}>
              {isolated(p.name)}（{label('role', p.role)}）
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        id="transfer-button"
        class="secondary"
        onClick={() => {
          if (!to) return onError('担当を替える相手を選んでください。');
          void onTransfer(to).then(() => setTo(''));
        }}
      >
        担当を替える
      </button>
    </>
  );
}
