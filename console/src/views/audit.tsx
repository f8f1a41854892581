// 監査ログ (supervisors). ?caseId= narrows it to one case; clearing the box shows everything
// again (it is never refilled from the case last opened).
import { useState } from 'preact/hooks';
import { actionLabel, label, labels } from '../../../src/labels/index.js';
import { api } from '../api.js';
import { caseRef, formatFull } from '../format.js';
import type { RouteProps } from '../routes.js';
import { navigate, withQuery } from '../router.js';
import { staffName, useSession, type Session } from '../session.js';
import type { AuditEntry } from '../types.js';
import { Link, Said, useLoad } from '../ui/parts.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function AuditView({ location }: RouteProps) {
  const session = useSession();
  const caseId = location.query.get('caseId') ?? '';
  const [input, setInput] = useState(caseId);
  const [error, setError] = useState('');
  const events = useLoad(() => api.get<{ events: AuditEntry[] }>(`/audit?limit=300${caseId ? `&caseId=${encodeURIComponent(caseId)}` : ''}`).then((r) => r.events), [caseId]);

  const submit = (event: Event) => {
    event.preventDefault();
    const value = input.trim();
    if (value && !UUID.test(value)) return setError('相談IDは、相談の画面の「監査ログ」リンクから開くか、36文字のIDを貼りつけてください。');
    setError('');
    navigate(withQuery(location.path, location.query, { caseId: value || null }));
  };

  return (
    <section id="audit-tab" class="tab-panel">
      <h2>監査ログ</h2>
      <form id="audit-form" class="row" onSubmit={submit}>
        <label class="inline">
          相談ID <input id="audit-case-id" type="text" size={38} value={input} onInput={(e) => setInput(e.currentTarget.value)} />
        </label>
        <button type="submit" class="secondary">
          表示
        </button>
      </form>
      {(error || events.error) && <p class="form-error">{error || events.error}</p>}
      <div class="table-wrap">
        <table class="table">
          <thead>
            <tr>
              <th scope="col">日時</th>
              <th scope="col">操作者</th>
              <th scope="col">操作</th>
              <th scope="col">相談</th>
              <th scope="col">詳細</th>
            </tr>
          </thead>
          <tbody id="audit-rows">
            {(events.data ?? []).map((e) => (
              <tr key={e.id} data-action={e.action}>
                <td>{formatFull(e.at)}</td>
                <td>{e.actorName ? <Said>{e.actorName}</Said> : label('actorType', e.actorType)}</td>
                <td>{actionLabel(e.action)}</td>
                <td>{e.caseId && e.caseNumber !== null ? <Link href={`/staff/cases/${e.caseId}`}>#{e.caseNumber}</Link> : e.caseId ? '（削除された相談）' : ''}</td>
                <td class="detail">
                  <AuditDetail detail={e.detail} session={session} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** An event's detail in words: known keys named, codes labelled, staff named, ids shortened. */
function AuditDetail({ detail, session }: { detail: unknown; session: Session }) {
  if (!detail || typeof detail !== 'object') return null;
  const parts = Object.entries(detail as Record<string, unknown>)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([key, value]) => `${label('auditDetail', key, '')}: ${describe(key, value, session)}`);
  return <Said>{parts.join(' ／ ')}</Said>;
}

function describe(key: string, value: unknown, session: Session): string {
  if (Array.isArray(value)) return value.map((v) => describe(key, v, session)).join('、');
  if (typeof value === 'boolean') return value ? 'はい' : 'いいえ';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object' && value) {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => `${label('auditDetail', k, '')} ${describe(k, v, session)}`)
      .join('、');
  }
  const text = String(value);
  switch (key) {
    case 'from':
    case 'to':
      return UUID.test(text) ? (staffName(session, text) ?? '職員') : label('status', text);
    case 'toStaffId':
    case 'fromStaffId':
    case 'actorId':
    case 'staffId':
      return staffName(session, text) ?? '職員';
    case 'channel':
    case 'via':
    case 'mode':
      return label('channel', text);
    case 'kind':
      return Object.hasOwn(labels.linkKind, text) ? label('linkKind', text) : Object.hasOwn(labels.searchMatch, text) ? label('searchMatch', text) : label('reminderKind', text);
    case 'centerCode':
      return session.centers.find((c) => c.code === text)?.name ?? 'センター';
    case 'basis':
      return label('handoverBasis', text);
    case 'queuedBecause':
      return label('queuedBecause', text);
    case 'urgency':
      return label('urgency', text);
    case 'status':
      return label('status', text);
    case 'role':
      return label('role', text);
    case 'signals':
      return label('signal', text);
    case 'reason':
    case 'overrideReason':
    case 'name':
    case 'email':
    case 'followUpOn':
      return text;
    default:
      return UUID.test(text) ? `#${caseRef(text)}` : /^\d{4}-\d{2}-\d{2}T/.test(text) ? formatFull(text) : /^[a-z0-9_.:-]+$/i.test(text) ? '（記録あり）' : text;
  }
}
