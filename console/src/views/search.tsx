// 検索: a case number (#123), a phone number, or words. Numbers are looked up by keyed hash;
// words are searched in the text a counsellor may see (the server says what it searched).
import { label } from '../../../src/labels/index.js';
import { api } from '../api.js';
import type { RouteProps } from '../routes.js';
import type { SearchResponse } from '../types.js';
import { CaseCardItem } from '../ui/case-card.js';
import { Said, useLoad } from '../ui/parts.js';

export function SearchView({ location }: RouteProps) {
  const q = (location.query.get('q') ?? '').trim();
  const found = useLoad(() => (q ? api.get<SearchResponse>(`/search?q=${encodeURIComponent(q)}`) : Promise.resolve(null)), [q]);
  const r = found.data;
  return (
    <section id="search-view" class="tab-panel" aria-labelledby="search-title">
      <h2 id="search-title">検索{q ? <>「<Said>{q}</Said>」</> : ''}</h2>
      {!q && <p class="muted">上の検索欄に、相談番号（#123）・電話番号・ことばを入れてください。</p>}
      {found.error && <p class="form-error">{found.error}</p>}
      {r && (
        <>
          <p id="search-count" class="queue-count">
            {r.results.length}件 ・ <Said>{r.scope}</Said>
          </p>
          <ol id="search-results" class="queue search-results">
            {r.results.map((hit) => (
              <CaseCardItem
                key={hit.case.id}
                entry={hit.case}
                href={`/staff/cases/${hit.case.id}`}
                extra={
                  <span class="search-match">
                    {label('searchMatch', hit.matchedBy)}で見つかりました
                    {hit.excerpt ? <>: 「<Said>{hit.excerpt}</Said>」</> : ''}
                  </span>
                }
              />
            ))}
            {r.results.length === 0 && <li class="empty">見つかりませんでした。</li>}
          </ol>
        </>
      )}
    </section>
  );
}
