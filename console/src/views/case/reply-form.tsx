// 返信: goes out through the person's own channel. Templates: the list, or `/` in the reply box
// to search them (title, shortcut, words; in the person's language where a translation exists).
// While a counsellor types, the person's web chat shows that someone is writing. A retry after a
// network error reuses its client message id, so it is stored and sent once.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { label } from '../../../../src/labels/index.js';
import { api } from '../../api.js';
import { newClientId } from '../../format.js';
import type { ReplyTemplateView } from '../../types.js';
import { ErrorText } from '../../ui/parts.js';
import type { CaseAction } from './case-view.js';

const MAX = 5000;
/** How often "typing" is repeated while keys are pressed (the server allows 30 a minute). */
const TYPING_EVERY_MS = 4000;
const TYPING_IDLE_MS = 6000;

/** The `/word` being typed at the caret, if any: where it starts and what follows the slash. */
export function slashQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(?:^|\s)\/([^\s/]{0,30})$/u.exec(before);
  if (!match) return null;
  return { start: caret - match[1]!.length - 1, query: match[1]! };
}

export function ReplyForm({ caseId, language, act }: { caseId: string; language: string; act: CaseAction }) {
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [templates, setTemplates] = useState<ReplyTemplateView[]>([]);
  const [slash, setSlash] = useState<{ start: number; query: string } | null>(null);
  const [suggestions, setSuggestions] = useState<ReplyTemplateView[]>([]);
  const [active, setActive] = useState(0);
  const clientId = useRef<string | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const typing = useRef({ sentAt: 0, idle: undefined as ReturnType<typeof setTimeout> | undefined, on: false });
  const templateLanguage = useMemo(() => (['ja', 'easy', 'en', 'zh', 'ko', 'vi', 'pt'].includes(language) ? language : 'ja'), [language]);

  useEffect(() => {
    void api
      .get<{ templates: ReplyTemplateView[] }>(`/reply-templates?language=${templateLanguage}`)
      .then((r) => setTemplates(r.templates))
      .catch(() => setTemplates([]));
  }, [templateLanguage]);

  // The search runs on the server (width- and case-insensitive, every language's words).
  useEffect(() => {
    if (!slash) return setSuggestions([]);
    const query = slash.query;
    const timer = setTimeout(() => {
      const path = query ? `/reply-templates?language=${templateLanguage}&q=${encodeURIComponent(query)}` : `/reply-templates?language=${templateLanguage}`;
      void api
        .get<{ templates: ReplyTemplateView[] }>(path)
        .then((r) => {
          setSuggestions(r.templates.slice(0, 8));
          setActive(0);
        })
        .catch(() => setSuggestions([]));
    }, 120);
    return () => clearTimeout(timer);
  }, [slash?.query, slash !== null, templateLanguage]);

  const signalTyping = (on: boolean) => {
    const t = typing.current;
    clearTimeout(t.idle);
    const now = Date.now();
    if (on && (!t.on || now - t.sentAt > TYPING_EVERY_MS)) {
      t.sentAt = now;
      t.on = true;
      void api.post(`/cases/${caseId}/typing`, { on: true }).catch(() => {});
    }
    if (on) t.idle = setTimeout(() => signalTyping(false), TYPING_IDLE_MS);
    else if (t.on) {
      t.on = false;
      void api.post(`/cases/${caseId}/typing`, { on: false }).catch(() => {});
    }
  };
  useEffect(() => () => signalTyping(false), [caseId]);

  const edit = (next: string, caret?: number) => {
    setText(next);
    clientId.current = null;
    setSlash(caret === undefined ? null : slashQuery(next, caret));
  };

  const insert = (template: ReplyTemplateView) => {
    let next: string;
    let caret: number;
    if (slash) {
      const end = slash.start + 1 + slash.query.length;
      next = text.slice(0, slash.start) + template.text + text.slice(end);
      caret = slash.start + template.text.length;
    } else {
      next = text ? `${text}\n${template.text}` : template.text;
      caret = next.length;
    }
    edit(next);
    requestAnimationFrame(() => {
      box.current?.focus();
      box.current?.setSelectionRange(caret, caret);
    });
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
      signalTyping(false);
      if (!result.deliverable) setError('保存しましたが、相談者がブロックしているため届きません。');
    }
  };

  const categories = [...new Set(templates.map((t) => t.category))];
  const open = slash !== null && suggestions.length > 0;
  return (
    <form id="reply-form" class="reply-form" onSubmit={send}>
      <label for="template-select">テンプレート</label>
      <select
        id="template-select"
        value=""
        onChange={(e) => {
          const chosen = templates.find((t) => t.id === e.currentTarget.value);
          if (chosen) insert(chosen);
        }}
      >
        <option value="">（テンプレートを選ぶ ・ 返信欄で「/」でも探せます）</option>
        {categories.map((category) => (
          <optgroup key={category} label={category}>
            {templates
              .filter((t) => t.category === category)
              .map((t) => (
                <option key={t.id} value={t.id}>
                  {t.title}
                  {t.language !== 'ja' ? `（${label('templateLanguage', t.language)}）` : ''}
                </option>
              ))}
          </optgroup>
        ))}
      </select>
      <label for="reply-text">返信</label>
      <div class="reply-box">
        <textarea
          id="reply-text"
          ref={box}
          rows={5}
          maxLength={MAX}
          value={text}
          aria-autocomplete="list"
          aria-controls="template-suggestions"
          aria-activedescendant={open ? `template-suggestion-${active}` : undefined}
          aria-describedby="reply-hint"
          onInput={(e) => {
            edit(e.currentTarget.value, e.currentTarget.selectionStart ?? e.currentTarget.value.length);
            signalTyping(true);
          }}
          onBlur={() => {
            signalTyping(false);
            setTimeout(() => setSlash(null), 150);
          }}
          onKeyDown={(e) => {
            if (open && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
              e.preventDefault();
              setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : suggestions.length - 1)) % suggestions.length);
            } else if (open && (e.key === 'Enter' || e.key === 'Tab') && !e.ctrlKey && !e.metaKey) {
              e.preventDefault();
              insert(suggestions[active]!);
            } else if (open && e.key === 'Escape') {
              e.preventDefault();
              setSlash(null);
            } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) e.currentTarget.form?.requestSubmit();
          }}
        />
        <ul id="template-suggestions" class="template-suggestions" role="listbox" aria-label="テンプレートの候補" hidden={!open}>
          {suggestions.map((t, i) => (
            <li
              key={t.id}
              id={`template-suggestion-${i}`}
              role="option"
              aria-selected={i === active}
              class={i === active ? 'active' : ''}
              data-template-id={t.id}
              onMouseDown={(e) => {
                e.preventDefault();
                insert(t);
              }}
            >
              <span class="suggestion-title">
                {t.title}
                {t.language !== 'ja' ? `（${label('templateLanguage', t.language)}）` : ''}
              </span>
              <span class="suggestion-text">{t.text.length > 60 ? `${t.text.slice(0, 60)}…` : t.text}</span>
            </li>
          ))}
        </ul>
      </div>
      <div class="row">
        <span id="reply-hint" class="hint">
          「/」のあとに言葉を入れるとテンプレートを探せます ・ Ctrl+Enter で送信
        </span>
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
