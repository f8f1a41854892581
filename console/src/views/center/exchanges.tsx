// 窓口とセンターのやりとり: questions, answers, updates (and the meeting invitation), both sides.
import { useState } from 'preact/hooks';
import { entriesOf, label } from '../../../../src/labels/index.js';
import { api } from '../../api.js';
import { formatFull } from '../../format.js';
import { ErrorText, Said } from '../../ui/parts.js';
import type { CenterCase } from './types.js';

export function Exchanges({ view, onChanged }: { view: CenterCase; onChanged: () => Promise<void> }) {
  const [kind, setKind] = useState(view.side === 'center' ? 'update' : 'question');
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const kinds = entriesOf('exchangeKind').filter(([code]) => view.side === 'center' || code !== 'invitation');

  const send = async (event: Event) => {
    event.preventDefault();
    setError('');
    if (!text.trim()) return setError('本文を書いてください。');
    try {
      await api.post(`/center/cases/${view.case.id}/exchanges`, { kind, text: text.trim() });
      setText('');
      await onChanged();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <section class="panel" aria-labelledby="exchanges-title">
      <h3 id="exchanges-title">窓口とセンターのやりとり</h3>
      <ol id="exchange-list" class="conversation">
        {view.exchanges.map((e) => (
          <li key={e.id} class={e.side === 'center' ? 'msg msg-staff' : 'msg msg-user'}>
            <span class="msg-meta">
              {label('exchangeSide', e.side)}・{label('exchangeKind', e.kind)}・<Said>{e.authorName ?? ''}</Said>・{formatFull(e.createdAt)}
            </span>
            <Said block>{e.text}</Said>
          </li>
        ))}
        {view.exchanges.length === 0 && <li class="empty">まだやりとりはありません。</li>}
      </ol>
      {view.permissions.exchange && (
        <form id="exchange-form" class="stack" onSubmit={send}>
          <label for="exchange-kind">種類</label>
          <select id="exchange-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
            {kinds.map(([code, name]) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </select>
          <label for="exchange-text">{view.side === 'center' ? '相談窓口へ' : 'センターへ'}</label>
          <textarea id="exchange-text" rows={3} maxLength={4000} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          <button type="submit" id="exchange-send">
            送る
          </button>
          <ErrorText id="exchange-error" message={error} />
        </form>
      )}
    </section>
  );
}
