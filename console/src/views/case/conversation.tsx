// The conversation, oldest first; stays scrolled to the newest message unless staff scrolled up.
import { useLayoutEffect, useRef } from 'preact/hooks';
import { label } from '../../../../src/labels/index.js';
import { formatTime } from '../../format.js';
import type { CaseMessage } from '../../types.js';
import { Said } from '../../ui/parts.js';

export function Conversation({ messages }: { messages: CaseMessage[] }) {
  const list = useRef<HTMLOListElement>(null);
  const stick = useRef(true);
  useLayoutEffect(() => {
    const node = list.current;
    if (node && stick.current) node.scrollTop = node.scrollHeight;
  }, [messages]);
  const onScroll = () => {
    const node = list.current;
    if (node) stick.current = node.scrollHeight - node.scrollTop - node.clientHeight < 40;
  };

  return (
    <div role="log" aria-label="会話" class="conversation-log">
    <ol id="conversation" ref={list} class="conversation" aria-label="会話の一覧" tabIndex={0} onScroll={onScroll}>
      {messages.map((m) => (
        <li key={m.id} class={`msg msg-${m.author}`} data-message-id={m.id}>
          <span class="msg-meta">
            {m.author === 'staff' ? (
              <>
                相談員{m.staffName ? <>（<Said>{m.staffName}</Said>）</> : ''}
              </>
            ) : (
              label('author', m.author)
            )}{' '}
            ・ {formatTime(m.createdAt)}
          </span>
          {m.text !== null ? (
            <Said block class="msg-text">
              {m.text}
            </Said>
          ) : (
            <span class="msg-text msg-kind">［{label('messageKind', m.kind)}］</span>
          )}
          {m.choices.length > 0 && (
            <span class="msg-choices">
              選択肢:{' '}
              {m.choices.map((choice, i) => (
                <>
                  {i > 0 && ' ／ '}
                  <Said>{choice}</Said>
                </>
              ))}
            </span>
          )}
        </li>
      ))}
      {messages.length === 0 && <li class="empty">メッセージはありません。</li>}
    </ol>
    </div>
  );
}
