// The console opens its event stream before its views mount. A view that subscribes after the
// stream said `ready` must still learn that it is live (it used to wait for the next `ready`,
// which never comes: 「接続中…」 for good, seen as timeouts under load).
import { afterEach, describe, expect, it } from 'vitest';

class FakeEventSource {
  static last: FakeEventSource | null = null;
  onerror: (() => void) | null = null;
  private readonly handlers = new Map<string, Array<(e: unknown) => void>>();
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(name: string, fn: (e: unknown) => void) {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), fn]);
  }
  emit(name: string) {
    for (const fn of this.handlers.get(name) ?? []) fn({ data: '{}' });
  }
  close() {}
}
(globalThis as { EventSource?: unknown }).EventSource = FakeEventSource;

const live = await import('../../../console/src/live.js');

describe('the console live stream', () => {
  afterEach(() => live.closeLive());

  it('tells a view that subscribes after `ready` that the stream is live', () => {
    live.openLive();
    FakeEventSource.last!.emit('ready');
    const states: boolean[] = [];
    const unsubscribe = live.subscribe({ state: (online) => states.push(online) });
    expect(states).toEqual([true]);
    FakeEventSource.last!.onerror?.();
    expect(states).toEqual([true, false]);
    unsubscribe();
  });

  it('says nothing to a view that subscribes before the stream is up, then tells it', () => {
    live.openLive();
    const states: boolean[] = [];
    live.subscribe({ state: (online) => states.push(online) });
    expect(states).toEqual([]);
    FakeEventSource.last!.emit('ready');
    expect(states).toEqual([true]);
  });
});
