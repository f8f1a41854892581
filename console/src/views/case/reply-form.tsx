// 返信: goes out through the person's own channel. A retry after a network error reuses its
// client message id, so it is stored and sent once.
import { useRef, useState } from 'preact/hooks';
import { api } from '../../api.js';
import { newClientId } from '../../format.js';
import { useSession } from '../../session.js';
import { ErrorText } from '../../ui/parts.js';
import type { CaseAction } from './case-view.js';

const MAX = 5000;

export function ReplyForm({ caseId, act }: { caseId: string; act: CaseAction }) {
  const { templates } = useSession();
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const clientId = useRef<string | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);

  const edit = (next: string) => {
    setText(next);
    clientId.current = null;
  };

  const send = async (event: Event) => {
    event.preventDefault();
    const body = text.trim();
    if (!body) return setError('返信を書いてください。');
    setBusy(true);
    clientId.current ??= newClientId();
    const result = await act(() => api.post<{ deliverable: boolean }>(`/cases/${caseId}/messages`, { text: body, clientMessageId: clientId.current }), { errorTo: setError });
    setBusy(false);
    if (result) {
      edit('');
      if (!result.deliverable) setError('保存しましたが、相談者がブロックしているため届きません。');
    }
  };

  const applyTemplate = (id: string) => {
    const template = templates.find((t) => t.id === id);
    if (!template) return;
    edit(text ? `${text}\n${template.text}` : template.text);
    box.current?.focus();
  };

  const categories = [...new Set(templates.map((t) => t.category))];
  return (
    <form id="reply-form" class="reply-form" onSubmit={send}>
      <label for="template-select">テンプレート</label>
      <select id="template-select" value="" onChange={(e) => applyTemplate(e.currentTarget.value)}>
        <option value="">（テンプレートを選ぶ）</option>
        {categories.map((category) => (
          <optgroup key={category} label={category}>
            {templates
              .filter((t) => t.category === category)
              .map((t) => (
                <option key={t.id} value={t.id}>
                  {t.title}
                </option>
              ))}
          </optgroup>
        ))}
      </select>
      <label for="reply-text">返信</label>
      <textarea
        id="reply-text"
        ref={box}
        rows={5}
        maxLength={MAX}
        value={text}
        onInput={(e) => edit(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) e.currentTarget.form?.requestSubmit();
        }}
      />
      <div class="row">
        <span id="reply-counter" class="hint">
          {[...text].length} / {MAX}
        </span>
        <button type="submit" id="reply-send" class="primary" disabled={busy}>
          送信
        </button>
      </div>
      <ErrorText id="reply-error" message={error} />
    </form>
  );
}
