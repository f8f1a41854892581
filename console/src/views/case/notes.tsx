// メモ: private notes, never shown to the person.
import { useState } from 'preact/hooks';
import { formatTime } from '../../format.js';
import type { CaseView } from '../../types.js';
import { Said } from '../../ui/parts.js';

export function Notes({ notes, canAdd, onAdd }: { notes: CaseView['notes']; canAdd: boolean; onAdd: (text: string) => Promise<unknown> }) {
  const [text, setText] = useState('');
  return (
    <section aria-labelledby="notes-title">
      <h3 id="notes-title">メモ（相談者には見えません）</h3>
      <ul id="notes" class="notes">
        {notes.map((n) => (
          <li key={n.id}>
            <span class="msg-meta">
              <Said>{n.authorName}</Said> ・ {formatTime(n.createdAt)}
            </span>
            <Said block class="msg-text">
              {n.text}
            </Said>
          </li>
        ))}
        {notes.length === 0 && <li class="empty">メモはまだありません。</li>}
      </ul>
      {canAdd && (
        <form
          id="note-form"
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (!text.trim()) return;
            void onAdd(text.trim()).then((done) => done !== undefined && setText(''));
          }}
        >
          <label for="note-text" class="visually-hidden">
            メモ
          </label>
          <textarea id="note-text" rows={2} maxLength={4000} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          <button type="submit" class="secondary">
            メモを残す
          </button>
        </form>
      )}
    </section>
  );
}
