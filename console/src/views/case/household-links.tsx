// 世帯のつながり: cases of one household (a parent's case and the son's own), shown on both.
import { useState } from 'preact/hooks';
import { label } from '../../../../src/labels/index.js';
import { api } from '../../api.js';
import { formatFull } from '../../format.js';
import type { CaseLinkView } from '../../types.js';
import { ErrorText, Link, Said, useLoad } from '../../ui/parts.js';

export function HouseholdLinks({ caseId, canWork }: { caseId: string; canWork: boolean }) {
  const links = useLoad(() => api.get<{ links: CaseLinkView[] }>(`/cases/${caseId}/links`).then((r) => r.links), [caseId]);
  const [other, setOther] = useState('');
  const [error, setError] = useState('');

  const add = async (event: Event) => {
    event.preventDefault();
    const value = other.trim().replace(/^[#＃]/, '');
    if (!value) return setError('つなげる相談の番号を入れてください。');
    setError('');
    try {
      await api.post(`/cases/${caseId}/links`, { otherCase: /^\d+$/.test(value) ? Number(value) : value, kind: 'household' });
      setOther('');
      await links.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const remove = async (link: CaseLinkView) => {
    if (!window.confirm(`相談 #${link.caseNumber} とのつながりを外します。よろしいですか？`)) return;
    try {
      await api.delete(`/cases/${caseId}/links/${link.id}`);
      await links.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  const list = links.data ?? [];
  return (
    <section aria-labelledby="links-title" id="household-links">
      <h3 id="links-title">つながりのある相談</h3>
      <ul class="links">
        {list.map((l) => (
          <li key={l.id} data-link-id={l.id}>
            <span class="badge">{label('linkKind', l.kind)}</span> <Link href={`/staff/cases/${l.caseId}`}>相談 #{l.caseNumber}</Link>（{label('consulterType', l.consulterType, '相談者未確認')} ・ {label('status', l.status)}）
            <span class="muted">
              {' '}
              {formatFull(l.createdAt)}
              {l.createdByName ? <> ・ <Said>{l.createdByName}</Said></> : null}
            </span>
            {canWork && l.kind === 'household' && (
              <button type="button" class="link-button" onClick={() => void remove(l)}>
                外す
              </button>
            )}
          </li>
        ))}
        {links.data && list.length === 0 && <li class="empty">つながりのある相談はありません。</li>}
      </ul>
      {canWork && (
        <form id="link-form" class="row-form" onSubmit={add}>
          <label for="link-other">同じ世帯の相談（番号）</label>
          <input id="link-other" type="text" inputMode="numeric" maxLength={40} placeholder="例: 123" value={other} onInput={(e) => setOther(e.currentTarget.value)} />
          <button type="submit" class="secondary">
            世帯としてつなぐ
          </button>
        </form>
      )}
      <ErrorText message={error} />
    </section>
  );
}
