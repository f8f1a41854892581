// What the fault tests share: a deployment (own database, own Redis prefix, fake LINE API), LINE
// traffic that behaves like LINE (signed webhooks, redelivery of what was not acknowledged), and
// the checks that nothing was lost, nothing was done twice and order was kept.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../../src/config.js';
import { createDb, type Db } from '../../../src/db/client.js';
import { fakeLineUserId, lineEvents, signLineBody, startFakeLineApi, type FakeLineApi } from '../../fakes/fake-line-api.js';
import { TEST_REDIS_URL } from '../../support/app.js';
import { createTestDatabase } from '../../support/databases.js';
import { clearRedisPrefix, freePort } from '../../support/services.js';
import { spawnYorisoi, yorisoiEnv, type YorisoiProcess } from './processes.js';

export const SECRET = 'fault-test-channel-secret';
export const TOKEN = 'fault-test-access-token';

export interface Deployment {
  fake: FakeLineApi;
  databaseUrl: string;
  /** The URL the processes use (possibly through a TCP proxy). */
  appDatabaseUrl: string;
  redisUrl: string;
  prefix: string;
  logDir: string;
  db: Db;
  processes: YorisoiProcess[];
  env(port?: number): Record<string, string>;
  /** `start --no-worker` (or with the worker in process) on a fixed port. */
  startApp(options?: { port?: number; inProcessWorker?: boolean; label?: string }): Promise<YorisoiProcess>;
  startWorker(label?: string): Promise<YorisoiProcess>;
  /** Prints the process logs' tails (for a failing test). */
  logs(): string;
  dispose(): Promise<void>;
}

export async function createDeployment(options: { redisUrl?: string; databaseUrl?: (url: string) => string; fakeApiUrl?: (fake: FakeLineApi) => string } = {}): Promise<Deployment> {
  const database = await createTestDatabase();
  const fake = await startFakeLineApi({ channelAccessToken: TOKEN });
  const redisUrl = options.redisUrl ?? TEST_REDIS_URL;
  const prefix = `tf${randomBytes(5).toString('hex')}`;
  const appDatabaseUrl = options.databaseUrl ? options.databaseUrl(database.url) : database.url;
  const logDir = mkdtempSync(join(tmpdir(), 'yorisoi-faults-'));
  const apiUrl = options.fakeApiUrl ? options.fakeApiUrl(fake) : fake.url;
  const env = (port?: number) =>
    yorisoiEnv({ databaseUrl: appDatabaseUrl, redisUrl, redisPrefix: prefix, port, line: { secret: SECRET, token: TOKEN, apiUrl }, logLevel: 'info' });
  // The test reads the database with the processes' keys (what people wrote is encrypted at rest).
  const config = loadConfig(env()) as Record<string, unknown>;
  const db = createDb(database.url, ('dataEncryption' in config ? { encryption: config.dataEncryption } : {}) as Parameters<typeof createDb>[1]);
  const processes: YorisoiProcess[] = [];
  let count = 0;
  const deployment: Deployment = {
    fake,
    databaseUrl: database.url,
    appDatabaseUrl,
    redisUrl,
    prefix,
    logDir,
    db,
    processes,
    env,
    async startApp(o = {}) {
      const port = o.port ?? (await freePort());
      const proc = await spawnYorisoi('start', env(port), { logFile: join(logDir, `${o.label ?? 'app'}-${++count}.log`), inProcessWorker: o.inProcessWorker ?? false });
      processes.push(proc);
      return proc;
    },
    async startWorker(label = 'worker') {
      const proc = await spawnYorisoi('worker', env(), { logFile: join(logDir, `${label}-${++count}.log`) });
      processes.push(proc);
      return proc;
    },
    logs() {
      return processes.map((p) => `--- ${p.kind} ${p.pid} (${p.logFile})\n${p.logTail(15)}`).join('\n');
    },
    async dispose() {
      await Promise.all(processes.map((p) => p.stop(5_000)));
      await db.$disconnect();
      await fake.close();
      await clearRedisPrefix(redisUrl, prefix).catch(() => {});
      await database.drop();
    },
  };
  return deployment;
}

interface SentEvent {
  id: string;
  user: { pending: boolean };
  userId: string;
  kind: 'follow' | 'text';
  messageId?: string;
  body: string;
  attempts: number;
  ackedAt?: number;
}

/**
 * LINE, as far as the webhook sees it: `users` people, each following and then writing texts,
 * at about `eventsPerSecond` in total. An event that is not answered 2xx is sent again (the
 * same bytes but `isRedelivery: true`, as LINE's redelivery does) every `redeliverAfterMs`,
 * until `stop()` and `settle()`. A person writes again only once their previous event was
 * acknowledged (or given up), so the order they wrote in is the order the app received.
 */
export class LineTraffic {
  readonly events = new Map<string, SentEvent>();
  readonly statuses: Record<string, number> = {};
  /** Responses during a given window, for assertions (e.g. while PostgreSQL is cut). */
  readonly log: { at: number; status: number; ms: number }[] = [];
  private readonly users: { id: string; followed: boolean; n: number; pending: boolean }[];
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly target: () => string,
    private readonly options: {
      users?: number;
      eventsPerSecond?: number;
      redeliver?: boolean;
      redeliverAfterMs?: number;
      /** LINE standby mode (another channel holds the chat): stored and processed, never answered. */
      standby?: boolean;
    } = {},
  ) {
    this.users = Array.from({ length: options.users ?? 20 }, () => ({ id: fakeLineUserId(), followed: false, n: 0, pending: false }));
  }

  get acked(): SentEvent[] {
    return [...this.events.values()].filter((e) => e.ackedAt !== undefined);
  }

  get unacked(): SentEvent[] {
    return [...this.events.values()].filter((e) => e.ackedAt === undefined);
  }

  start() {
    const interval = 1000 / (this.options.eventsPerSecond ?? 30);
    let i = 0;
    this.timer = setInterval(() => {
      let user: (typeof this.users)[number] | undefined;
      for (let tries = 0; tries < this.users.length && !user; tries++) {
        const candidate = this.users[i++ % this.users.length]!;
        if (!candidate.pending) user = candidate;
      }
      if (!user) return;
      user.pending = true;
      let event;
      let sent: Omit<SentEvent, 'body'>;
      if (!user.followed) {
        user.followed = true;
        event = lineEvents.follow(user.id, false, this.options.standby ? { mode: 'standby' } : {});
        sent = { id: event.webhookEventId, user, userId: user.id, kind: 'follow', attempts: 0 };
      } else {
        const messageId = `${Date.now()}${String(++user.n).padStart(5, '0')}`;
        event = lineEvents.text(user.id, `相談 ${user.n}`, { messageId, ...(this.options.standby ? { mode: 'standby' as const } : {}) });
        sent = { id: event.webhookEventId, user, userId: user.id, kind: 'text', messageId, attempts: 0 };
      }
      const record: SentEvent = { ...sent, body: JSON.stringify({ destination: 'Ufaulttestdestination0000000000000', events: [event] }) };
      this.events.set(record.id, record);
      this.send(record);
    }, interval);
    this.timer.unref?.();
  }

  private send(event: SentEvent) {
    event.attempts++;
    let body = event.body;
    if (event.attempts > 1) body = body.replace('"isRedelivery":false', '"isRedelivery":true');
    const started = Date.now();
    const p = fetch(`${this.target()}/webhooks/line`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'x-line-signature': signLineBody(body, SECRET) },
      body,
      signal: AbortSignal.timeout(10_000),
    })
      .then(async (response) => {
        await response.arrayBuffer().catch(() => {});
        this.statuses[response.status] = (this.statuses[response.status] ?? 0) + 1;
        this.log.push({ at: started, status: response.status, ms: Date.now() - started });
        if (response.status >= 200 && response.status < 300) {
          event.ackedAt = Date.now();
          event.user.pending = false;
        } else this.scheduleRedelivery(event);
      })
      .catch(() => {
        this.statuses.error = (this.statuses.error ?? 0) + 1;
        this.log.push({ at: started, status: 0, ms: Date.now() - started });
        this.scheduleRedelivery(event);
      });
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private scheduleRedelivery(event: SentEvent) {
    if (!this.options.redeliver || this.stopped) {
      // Not redelivered: this event may or may not have been stored, and the person moves on.
      if (!this.options.redeliver) event.user.pending = false;
      return;
    }
    const t = setTimeout(() => this.send(event), this.options.redeliverAfterMs ?? 1_000);
    t.unref?.();
  }

  /** Stops new events; in-flight requests finish (redeliveries go on until settle()). */
  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.inFlight]);
  }

  /** No more redeliveries either. */
  close() {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** With redelivery on: waits until every event is acknowledged. */
  async settle(timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (this.unacked.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      await Promise.allSettled([...this.inFlight]);
    }
  }
}

/** Waits until every acknowledged event has been processed; returns how many are still not. */
export async function waitProcessed(db: Db, ids: string[], timeoutMs: number): Promise<{ unprocessed: string[]; ms: number }> {
  const started = Date.now();
  for (;;) {
    const rows = await db.inboundEvent.findMany({ where: { channel: 'LINE', externalId: { in: ids }, processedAt: { not: null } }, select: { externalId: true } });
    const done = new Set(rows.map((r) => r.externalId));
    const unprocessed = ids.filter((id) => !done.has(id));
    if (unprocessed.length === 0 || Date.now() - started > timeoutMs) return { unprocessed, ms: Date.now() - started };
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface Accounting {
  /** Acknowledged text events with no stored message, or more than one. */
  missingMessages: string[];
  duplicateMessages: string[];
  /** Conversations whose inbound messages are not in the order they were sent. */
  outOfOrder: number;
  /** Deliveries not SENT (pending or failed). */
  unsentDeliveries: number;
  /** Deliveries that reached the person more than once / never (per the fake LINE API). */
  duplicateDeliveries: number;
  /**
   * Of those, the one kind of duplicate the design allows: a reply LINE accepted whose success
   * was not recorded (the worker died, or PostgreSQL went away, in between); the retry finds
   * the token used and pushes. Reply tokens have no retry key, so this cannot be told apart
   * from a token that was never used.
   */
  replyThenPush: number;
  undelivered: number;
  deliveries: number;
  /** What the fake LINE API saw for the deliveries above (for the failure message). */
  details: string[];
}

/** The checks: each acknowledged text stored once, in order per person; each delivery sent once. */
export async function account(deployment: Deployment, acked: { kind: string; messageId?: string }[]): Promise<Accounting> {
  const { db, fake } = deployment;
  const messageIds = acked.filter((e) => e.kind === 'text').map((e) => e.messageId!);
  const messages = await db.message.findMany({
    where: { direction: 'INBOUND', channelMessageId: { in: messageIds } },
    select: { channelMessageId: true, conversationId: true, createdAt: true },
  });
  const perId = new Map<string, number>();
  for (const m of messages) perId.set(m.channelMessageId!, (perId.get(m.channelMessageId!) ?? 0) + 1);
  const byConversation = new Map<string, { id: string; at: number }[]>();
  for (const m of messages) byConversation.set(m.conversationId, [...(byConversation.get(m.conversationId) ?? []), { id: m.channelMessageId!, at: m.createdAt.getTime() }]);
  let outOfOrder = 0;
  for (const list of byConversation.values()) {
    // Message ids are `<ms><counter>` per person: increasing in the order they were written.
    const sorted = [...list].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
    if (sorted.some((m, i) => i > 0 && BigInt(m.id) < BigInt(sorted[i - 1]!.id))) outOfOrder++;
  }
  const deliveries = await db.outboundDelivery.findMany({ where: { channel: 'LINE' }, select: { id: true, status: true, replyToken: true, retryKey: true } });
  const successes = fake.calls.filter((c) => c.status === 200 && (c.path === '/v2/bot/message/reply' || c.path === '/v2/bot/message/push'));
  let duplicateDeliveries = 0;
  let replyThenPush = 0;
  let undelivered = 0;
  const details: string[] = [];
  const mine = (d: (typeof deliveries)[number]) => (c: (typeof fake.calls)[number]) => (d.replyToken !== null && c.body?.replyToken === d.replyToken) || c.headers['x-line-retry-key'] === d.retryKey;
  for (const d of deliveries) {
    const n = successes.filter(mine(d)).length;
    if (n === 0) undelivered++;
    if (n > 1) {
      duplicateDeliveries++;
      const ok = successes.filter(mine(d));
      if (ok.length === 2 && ok[0]!.path.endsWith('/reply') && ok[1]!.path.endsWith('/push')) replyThenPush++;
    }
    if (n !== 1) details.push(`delivery ${d.id} ${d.status}: ${fake.calls.filter(mine(d)).map((c) => `${c.path.split('/').pop()} ${c.status}`).join(', ') || 'no call'}`);
  }
  return {
    missingMessages: messageIds.filter((id) => !perId.has(id)),
    duplicateMessages: [...perId].filter(([, n]) => n > 1).map(([id]) => id),
    outOfOrder,
    unsentDeliveries: deliveries.filter((d) => d.status !== 'SENT').length,
    duplicateDeliveries,
    replyThenPush,
    undelivered,
    deliveries: deliveries.length,
    details,
  };
}

/** Waits until no LINE delivery is pending. */
export async function waitDeliveriesSettled(db: Db, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await db.outboundDelivery.count({ where: { status: 'PENDING' } })) === 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}
