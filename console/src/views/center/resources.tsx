// 紹介先: places, classes, groups and agencies the desk can offer (data/resources.yaml), searchable;
// each entry's text can be copied for a reply (inside a case, 「返信に引用」 does it in one click).
import { useState } from 'preact/hooks';
import { entriesOf, label } from '../../../../src/labels/index.js';
import { api } from '../../api.js';
import type { RouteProps } from '../../routes.js';
import { navigate, withQuery } from '../../router.js';
import { Said, useLoad } from '../../ui/parts.js';
import type { ResourceEntry } from './types.js';

export function ResourcesView({ location }: RouteProps) {
  const q = location.query.get('q') ?? '';
  const kind = location.query.get('kind') ?? '';
  const [draft, setDraft] = useState(q);
  const [copied, setCopied] = useState('');
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (kind) params.set('kind', kind);
  const list = useLoad(() => api.get<{ resources: ResourceEntry[] }>(`/resources${params.toString() ? `?${params}` : ''}`).then((r) => r.resources), [q, kind]);

  const copy = async (r: ResourceEntry) => {
    try {
      await navigator.clipboard.writeText(r.quote);
      setCopied(`「${r.name}」の案内文をコピーしました。`);
    } catch {
      setCopied('コピーできませんでした。案内文を選んでコピーしてください。');
    }
  };

  return (
    <section id="resources-tab" class="tab-panel" aria-labelledby="resources-title">
      <h2 id="resources-title">紹介先</h2>
      <p class="hint">名称・時間などは、紹介の前に公式の案内で確かめてください（「要確認」の項目は窓口で確認中です）。</p>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(withQuery(location.path, location.query, { q: draft.trim() || null }), { replace: true });
        }}
      >
        <label for="resources-q">さがす</label>
        <input id="resources-q" type="search" maxLength={100} value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
        <label for="resources-kind">種類</label>
        <select id="resources-kind" value={kind} onChange={(e) => navigate(withQuery(location.path, location.query, { kind: e.currentTarget.value || null }), { replace: true })}>
          <option value="">すべて</option>
          {entriesOf('resourceKind').map(([code, name]) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
        </select>
        <button type="submit">さがす</button>
      </form>
      <p class="hint" role="status">
        {copied}
      </p>
      <ul id="resources-list" class="report">
        {(list.data ?? []).map((r) => (
          <li key={r.id} class="card stack" data-resource-id={r.id}>
            <strong>{r.name}</strong>
            <span>
              <span class="badge">{label('resourceKind', r.kind)}</span> {r.for.map((a) => label('resourceAudience', a)).join('・')}
              {r.verify && <span class="badge pending">要確認</span>}
            </span>
            <span>{r.summary}</span>
            <span class="hint">時間: {r.hours || '—'}</span>
            <span class="hint">連絡先: {r.contact.phone || '（電話番号は確認中）'}・{r.contact.page}</span>
            <Said block class="hint">
              {r.quote}
            </Said>
            <button type="button" onClick={() => void copy(r)}>
              案内文をコピー
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
