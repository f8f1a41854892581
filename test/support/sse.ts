/**
 * Takes the complete `event:`/`data:` blocks off the front of `buffer` (what a stream has sent
 * so far); returns them, parsed, what is left for the next chunk, and how many blocks had data
 * that is not JSON (left out). Blocks without a name or data are comments and keep-alives.
 */
export function takeSseEvents(buffer: string): { events: { name: string; data: any }[]; rest: string; malformed: number } {
  const events: { name: string; data: any }[] = [];
  let malformed = 0;
  let rest = buffer;
  let boundary: number;
  while ((boundary = rest.indexOf('\n\n')) >= 0) {
    const block = rest.slice(0, boundary);
    rest = rest.slice(boundary + 2);
    const name = /^event: (.*)$/m.exec(block)?.[1];
    const data = /^data: (.*)$/m.exec(block)?.[1];
    if (!name || !data) continue;
    try {
      events.push({ name, data: JSON.parse(data) });
    } catch {
      malformed++;
    }
  }
  return { events, rest, malformed };
}

/**
 * Opens a server-sent-events stream with fetch (so it can carry headers) and pushes each
 * `event:`/`data:` block into `events` until the returned controller is aborted.
 */
export async function recordEventStream(
  url: string,
  headers: Record<string, string>,
  events: { name: string; data: any }[],
): Promise<AbortController> {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  if (!response.ok || !response.body) throw new Error(`stream: ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const taken = takeSseEvents(buffer + value);
        buffer = taken.rest;
        events.push(...taken.events);
        // The app sends JSON only: anything else ends the recording, and the test waiting on it fails.
        if (taken.malformed > 0) return;
      }
    } catch {
      // aborted
    }
  })();
  return abort;
}
