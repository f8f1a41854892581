// The live stream (server-sent events): `case` events carry a case id and a change name, the
// views re-read what they show. One EventSource per page, shared by every view.
import { useEffect, useRef } from 'preact/hooks';
import { STREAM_URL } from './api.js';

export interface CaseEvent {
  caseId: string;
  change: string;
}

export interface TypingEvent {
  caseId: string;
  on: boolean;
}

/** A handover to (or received by) the center; center staff get their own center's only. */
export interface HandoverEvent {
  handoverId: string;
  change: 'created' | 'acknowledged';
}

/** Something changed on a case's center side (meeting, plan, exchange, closure). */
export interface CenterCaseEvent {
  caseId: string;
  change: string;
}

export type Listener = {
  case?: (event: CaseEvent) => void;
  typing?: (event: TypingEvent) => void;
  handover?: (event: HandoverEvent) => void;
  centerCase?: (event: CenterCaseEvent) => void;
  notification?: () => void;
  ready?: () => void;
  state?: (online: boolean) => void;
};

function parsed<T>(event: Event): T | null {
  try {
    return JSON.parse((event as MessageEvent<string>).data) as T;
  } catch {
    return null;
  }
}

const listeners = new Set<Listener>();
let source: EventSource | null = null;
/**
 * Whether the stream is up now. Kept here, not only told to listeners: the stream is opened
 * before the console's views mount, and on a fast connection its `ready` comes before any view
 * has subscribed — a view that subscribes later must still learn it is live.
 */
let online = false;

export function openLive(): void {
  source?.close();
  online = false;
  const stream = new EventSource(STREAM_URL);
  source = stream;
  stream.addEventListener('ready', () => {
    online = true;
    for (const l of listeners) {
      l.state?.(true);
      l.ready?.();
    }
  });
  stream.addEventListener('case', (event) => {
    let data: CaseEvent;
    try {
      data = JSON.parse((event as MessageEvent<string>).data) as CaseEvent;
    } catch {
      return;
    }
    for (const l of listeners) l.case?.(data);
  });
  stream.addEventListener('handover', (event) => {
    const data = parsed<HandoverEvent>(event);
    if (data) for (const l of listeners) l.handover?.(data);
  });
  stream.addEventListener('center-case', (event) => {
    const data = parsed<CenterCaseEvent>(event);
    if (data) for (const l of listeners) l.centerCase?.(data);
  });
  stream.addEventListener('typing', (event) => {
    let data: TypingEvent;
    try {
      data = JSON.parse((event as MessageEvent<string>).data) as TypingEvent;
    } catch {
      return;
    }
    for (const l of listeners) l.typing?.(data);
  });
  stream.addEventListener('notification', () => {
    for (const l of listeners) l.notification?.();
  });
  stream.onerror = () => {
    online = false;
    for (const l of listeners) l.state?.(false);
  };
}

export function closeLive(): void {
  source?.close();
  source = null;
  online = false;
}

/** Subscribes a view to live events for as long as it is on the page. */
export function useLive(listener: Listener): void {
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => {
    const proxy: Listener = {
      case: (e) => ref.current.case?.(e),
      handover: (e) => ref.current.handover?.(e),
      centerCase: (e) => ref.current.centerCase?.(e),
      typing: (e) => ref.current.typing?.(e),
      notification: () => ref.current.notification?.(),
      ready: () => ref.current.ready?.(),
      state: (online) => ref.current.state?.(online),
    };
    return subscribe(proxy);
  }, []);
}

/** Adds a listener (told at once when the stream is already up); returns the unsubscribe. */
export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  if (online) listener.state?.(true);
  return () => void listeners.delete(listener);
}

/** Runs `fn` at most once per `ms` after the last call (bursts of events → one reload). */
export function debounce(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}
