// LINE webhook ingest under autocannon: every request is one correctly signed event with its own
// webhookEventId, so the database can be checked afterwards for every acknowledged one.
import { createHmac, randomBytes } from 'node:crypto';
import autocannon, { type Result } from 'autocannon';
import { fakeLineUserId, lineEvents } from '../../test/fakes/fake-line-api.js';

export interface IngestRun {
  requests: number;
  acknowledged: number;
  /** webhookEventIds answered 2xx. */
  ackedIds: string[];
  non2xx: number;
  errors: number;
  timeouts: number;
  durationS: number;
  /** From the start until the last response: the time requests ran (see runIngest). */
  activeS: number;
  rps: number;
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
  statusCodes: Record<string, number>;
}

const DESTINATION = 'Ubenchdeadbeefdeadbeefdeadbeef00';

/** A pool of LINE users the load writes as (processing is not part of ingest). */
function userPool(size: number): string[] {
  return Array.from({ length: size }, () => fakeLineUserId());
}

export function signedLineBody(secret: string, event: object): { body: string; signature: string } {
  const body = JSON.stringify({ destination: DESTINATION, events: [event] });
  return { body, signature: createHmac('sha256', secret).update(body).digest('base64') };
}

export async function runIngest(options: {
  url: string;
  secret: string;
  connections: number;
  amount?: number;
  duration?: number;
  overallRate?: number;
  users?: number;
  onTick?: (sent: number) => void;
}): Promise<IngestRun> {
  const users = userPool(options.users ?? 5_000);
  const ackedIds: string[] = [];
  let sent = 0;
  const started = Date.now();
  let lastResponseAt = started;
  const texts = ['こんにちは', '相談したいことがあります', '家族のことで悩んでいます', 'よろしくお願いします'];
  const instance = autocannon({
    url: `${options.url}/webhooks/line`,
    connections: options.connections,
    ...(options.amount ? { amount: options.amount } : { duration: options.duration ?? 10 }),
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    timeout: 10,
    requests: [
      {
        method: 'POST',
        setupRequest(request, context) {
          const userId = users[sent % users.length]!;
          const event = lineEvents.text(userId, texts[sent % texts.length]!, { messageId: `${Date.now()}${randomBytes(3).toString('hex')}` });
          sent++;
          const { body, signature } = signedLineBody(options.secret, event);
          context.eventId = event.webhookEventId;
          return {
            ...request,
            method: 'POST',
            body,
            headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'LineBotWebhook/2.0', 'x-line-signature': signature },
          };
        },
        onResponse(status, _body, context) {
          lastResponseAt = Date.now();
          if (status >= 200 && status < 300) ackedIds.push(context.eventId as string);
        },
      },
    ],
  });
  const ticker = setInterval(() => options.onTick?.(sent), 1_000);
  let result: Result;
  try {
    result = await instance;
  } finally {
    clearInterval(ticker);
  }
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = count;
  const completed = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  // autocannon ends a run, and takes its duration, at its next whole-second tick: a run of
  // `amount` requests answered within 3.1 s reports 4.0 s, a quarter too long. Throughput is
  // counted over the time requests ran instead, the same way for every run (fixed-duration runs
  // end on their tick anyway, so their figure barely moves).
  const activeS = Math.min(result.duration, Math.max(0.001, (lastResponseAt - started) / 1000));
  return {
    requests: completed,
    acknowledged: ackedIds.length,
    ackedIds,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationS: result.duration,
    activeS,
    rps: completed / activeS,
    latency: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: result.latency.mean },
    statusCodes,
  };
}
