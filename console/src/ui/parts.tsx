// Small building blocks every view uses.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { elapsed } from '../format.js';
import { onLinkClick } from '../router.js';

/**
 * Words a person or a colleague wrote (a message, a note, a name). Always isolated from the text
 * around it (<bdi>, unicode-bidi: isolate): a right-to-left override (U+202E) inside cannot
 * reverse the rest of the line. `block` keeps line breaks (messages, notes).
 */
export function Said({ children, block = false, class: className }: { children: string | null | undefined; block?: boolean; class?: string }) {
  return (
    <bdi dir="auto" class={[block ? 'said said-block' : 'said', className].filter(Boolean).join(' ')}>
      {children ?? ''}
    </bdi>
  );
}

/**
 * The same isolation for plain text where no element can go (an <option>): First Strong Isolate
 * … Pop Directional Isolate, Unicode's own brackets for embedded text.
 */
export const isolated = (text: string) => `\u2068${text}\u2069`;

export function ErrorText({ message, id }: { message: string | null | undefined; id?: string }) {
  return (
    <p id={id} class="form-error" role="alert" hidden={!message}>
      {message ?? ''}
    </p>
  );
}

/** "待ち 12分", ticking every minute; red after an hour. */
export function Waiting({ since }: { since: string | null }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!since) return;
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, [since]);
  if (!since) return <span class="waiting none">待ちなし</span>;
  const long = now - new Date(since).getTime() >= 3_600_000;
  return (
    <span class={long ? 'waiting long' : 'waiting'} data-since={since}>
      待ち {elapsed(since, now)}
    </span>
  );
}

/** A definition list of [term, value] rows. */
export function Rows({ rows, class: className = 'answers' }: { rows: [string, ComponentChildren][]; class?: string }) {
  return (
    <dl class={className}>
      {rows.map(([term, value], i) => [<dt key={`t${i}`}>{term}</dt>, <dd key={`d${i}`}>{value === null || value === undefined || value === '' ? '—' : value}</dd>])}
    </dl>
  );
}

/** A link to another console page (navigates without a reload). */
export interface LinkProps {
  href: string;
  children?: ComponentChildren;
  class?: string;
  id?: string;
  'aria-current'?: 'page' | 'true';
  'data-tab'?: string;
  onClick?: (event: MouseEvent) => void;
}

export function Link({ href, children, onClick, ...rest }: LinkProps) {
  return (
    <a
      {...rest}
      href={href}
      onClick={(event) => {
        onClick?.(event);
        onLinkClick(event);
      }}
    >
      {children}
    </a>
  );
}

/** Loads data for a view; `reload` reads it again (after an action or a live event). */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; error: string | null; reload: () => Promise<void> } {
  const [state, setState] = useState<{ data: T | null; error: string | null }>({ data: null, error: null });
  const latest = useRef(0);
  const run = async () => {
    // Only the newest request may fill the view (a slow answer for the previous case must not).
    const ticket = ++latest.current;
    try {
      const data = await load();
      if (ticket === latest.current) setState({ data, error: null });
    } catch (error) {
      if (ticket === latest.current) setState((s) => ({ data: s.data, error: error instanceof Error ? error.message : String(error) }));
    }
  };
  useEffect(() => {
    void run();
  }, deps);
  return { ...state, reload: run };
}
