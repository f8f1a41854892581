// 紹介先を返信に引用: search what the desk can offer (data/resources.yaml) and, in one click, put
// an entry's text into the reply and record the referral on the case.
import { useState } from 'preact/hooks';
import { label } from '../../../../src/labels/index.js';
import { api } from '../../api.js';
import { ErrorText, useLoad } from '../../ui/parts.js';
import type { ResourceEntry } from './types.js';

export function ResourcePicker({ caseId, onQuote }: { caseId: string; onQuote: (text: string) => void }) {
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const found = useLoad(() => (open ? api.get<{ resources: ResourceEntry[] }>(`/resources${q.trim() ? `?q=${encodeURIComponent(q.trim())}` : ''}`).then((r) => r.resources) : Promise.resolve([])), [q, open]);

  const quote = async (r: ResourceEntry) => {
    setError('');
    onQuote(r.quote);
    try {
      await api.post(`/cases/${caseId}/referrals`, { resourceId: r.id });
      setDone(`「${r.name}」を返信に引用し、紹介を記録しました。`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <details class="panel resource-picker" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>紹介先を探して返信に引用する</summary>
      <label for="resource-search">さがす（例: 家族教室、居場所、左京）</label>
      <input id="resource-search" type="search" maxLength={100} value={q} onInput={(e) => setQ(e.currentTarget.value)} />
      <ul class="resource-results">
        {(found.data ?? []).map((r) => (
          <li key={r.id} data-resource-id={r.id}>
            <strong>{r.name}</strong> <span class="badge">{label('resourceKind', r.kind)}</span>
            {r.verify && <span class="badge pending">要確認</span>}
            <div class="hint">{r.summary}</div>
            <button type="button" class="quote-resource" onClick={() => void quote(r)}>
              返信に引用
            </button>
          </li>
        ))}
        {open && found.data && found.data.length === 0 && <li class="empty">見つかりませんでした。</li>}
      </ul>
      <p class="hint" role="status">
        {done}
      </p>
      <ErrorText message={error} />
    </details>
  );
}
