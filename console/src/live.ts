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

type Listener = { case?: (event: CaseEvent) => void; typing?: (event: TypingEvent) => void; notification?: () => void; ready?: () => void; state?: (online: boolean) => void };

const listeners = new Set<Listener>();
let source: EventSource | null = null;

export function openLive(): void {
  source?.close();
  const stream = new EventSource(STREAM_URL);
  source = stream;
  stream.addEventListener('ready', () => {
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
    for (const l of listeners) l.state?.(false);
  };
}

export function closeLive(): void {
  source?.close();
  source = null;
}

/** Subscribes a view to live events for as long as it is on the page. */
export function useLive(listener: Listener): void {
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => {
    const proxy: Listener = {
      case: (e) => ref.current.case?.(e),
      typing: (e) => ref.current.typing?.(e),
      notification: () => ref.current.notification?.(),
      ready: () => ref.current.ready?.(),
      state: (online) => ref.current.state?.(online),
    };
    listeners.add(proxy);
    return () => void listeners.delete(proxy);
  }, []);
}

/** Runs `fn` at most once per `ms` after the last call (bursts of events → one reload). */
export function debounce(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}
