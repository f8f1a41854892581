// End-to-end load: LINE conversations (follow, then a text) at a steady rate, answered through the
// fake LINE API, and web chat clients measuring their round trip on the live stream.
import { randomUUID } from 'node:crypto';
import { fakeLineUserId, lineEvents } from '../../test/fakes/fake-line-api.js';
import { request, openSse } from './http.js';
import { signedLineBody } from './ingest.js';
import { sleep } from './stats.js';

export interface FakeCall {
  path: string;
  status: number;
  at: number;
  replyToken: string | null;
  to: string | null;
  chatId: string | null;
  retryKey: string | null;
  messages: number;
}

export async function fakeCalls(controlUrl: string): Promise<FakeCall[]> {
  const response = await request(`${controlUrl}/calls`, { timeoutMs: 60_000 });
  return JSON.parse(response.body) as FakeCall[];
}

export async function resetFake(controlUrl: string) {
  await request(`${controlUrl}/reset`, { method: 'POST' });
}

export const CONSULTATION_TEXT = '家族のことで相談したいです';

interface Conversation {
  userId: string;
  instance: number;
  followToken: string;
  followSentAt: number;
  textToken: string | null;
  textSentAt: number;
}

export interface LineLoadResult {
  conversations: number;
  /** Webhook posts and their acknowledgement latency (ms). */
  webhookPosts: number;
  webhookFailures: number;
  ackLatencies: number[];
  /** Text sent → reply with its token recorded by the fake LINE API (ms). */
  textE2e: number[];
  followE2e: number[];
  /** Texts whose reply never arrived (within the drain time). */
  textsUnanswered: number;
  /** Texts answered by push instead of reply (token refused or expired). */
  textsAnsweredByPush: number;
  /** Reply tokens used more than once, pushes repeated under one retry key (both must be 0). */
  duplicateReplies: number;
  duplicatePushes: number;
  /** Loading animation calls LINE received (rate-limited to LINE's 100/s per process). */
  loadingCalls: number;
  drainMs: number;
}

/**
 * Starts `rate` conversations per second for `durationS` seconds, spread round-robin over the
 * app instances: each new LINE user follows, then `textDelayMs` later sends a text. Open loop:
 * the schedule does not wait for answers.
 */
export async function runLineConversations(options: {
  urls: string[];
  secret: string;
  controlUrl: string;
  rate: number;
  durationS: number;
  textDelayMs?: number;
  drainTimeoutMs?: number;
  onTick?: (message: string) => void;
}): Promise<LineLoadResult> {
  const textDelayMs = options.textDelayMs ?? 1_000;
  const total = Math.round(options.rate * options.durationS);
  const conversations: Conversation[] = [];
  const ackLatencies: number[] = [];
  let posts = 0;
  let failures = 0;
  const inFlight = new Set<Promise<unknown>>();

  const post = (instance: number, event: object) => {
    const { body, signature } = signedLineBody(options.secret, event);
    posts++;
    const p = request(`${options.urls[instance]}/webhooks/line`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'LineBotWebhook/2.0', 'x-line-signature': signature },
      body,
    })
      .then((r) => {
        ackLatencies.push(r.ms);
        if (r.status !== 200) failures++;
      })
      .catch(() => {
        failures++;
      });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  const startedAt = performance.now();
  let nextFollow = 0;
  let nextText = 0;
  const ticker = setInterval(() => {
    const elapsed = (performance.now() - startedAt) / 1000;
    options.onTick?.(`${elapsed.toFixed(0)}/${options.durationS + textDelayMs / 1000} s, ${nextFollow}/${total} follows, ${nextText} texts, ${failures} failed posts`);
  }, 1_000);

  // The schedule: conversation i follows at i/rate seconds and writes textDelayMs later.
  await new Promise<void>((resolve) => {
    const step = () => {
      const now = performance.now() - startedAt;
      while (nextFollow < total && (nextFollow * 1000) / options.rate <= now) {
        const userId = fakeLineUserId();
        const follow = lineEvents.follow(userId);
        const conversation: Conversation = {
          userId,
          instance: nextFollow % options.urls.length,
          followToken: follow.replyToken as string,
          followSentAt: Date.now(),
          textToken: null,
          textSentAt: 0,
        };
        conversations.push(conversation);
        post(conversation.instance, follow);
        nextFollow++;
      }
      while (nextText < nextFollow && (nextText * 1000) / options.rate + textDelayMs <= now) {
        const conversation = conversations[nextText]!;
        const text = lineEvents.text(conversation.userId, CONSULTATION_TEXT);
        conversation.textToken = text.replyToken as string;
        conversation.textSentAt = Date.now();
        post(conversation.instance, text);
        nextText++;
      }
      if (nextText >= total) return resolve();
      setTimeout(step, 2);
    };
    step();
  });
  await Promise.allSettled([...inFlight]);
  clearInterval(ticker);

  // Drain: wait until every text has its reply (or the drain time is over).
  const drainStarted = Date.now();
  const textTokens = new Set(conversations.map((c) => c.textToken!));
  let calls: FakeCall[] = [];
  for (;;) {
    calls = await fakeCalls(options.controlUrl);
    const answered = new Set(calls.filter((c) => c.path === '/v2/bot/message/reply' && c.status === 200 && c.replyToken && textTokens.has(c.replyToken)).map((c) => c.replyToken));
    options.onTick?.(`draining: ${answered.size}/${textTokens.size} texts answered`);
    if (answered.size >= textTokens.size || Date.now() - drainStarted > (options.drainTimeoutMs ?? 30_000)) break;
    await sleep(1_000);
  }
  const drainMs = Date.now() - drainStarted;

  const replies = new Map<string, FakeCall[]>();
  const pushesTo = new Map<string, FakeCall[]>();
  const retryKeys = new Map<string, number>();
  let loadingCalls = 0;
  for (const call of calls) {
    if (call.path === '/v2/bot/chat/loading/start' && call.status < 300) loadingCalls++;
    if (call.status !== 200) continue;
    if (call.path === '/v2/bot/message/reply' && call.replyToken) replies.set(call.replyToken, [...(replies.get(call.replyToken) ?? []), call]);
    if (call.path === '/v2/bot/message/push' && call.to) {
      pushesTo.set(call.to, [...(pushesTo.get(call.to) ?? []), call]);
      if (call.retryKey) retryKeys.set(call.retryKey, (retryKeys.get(call.retryKey) ?? 0) + 1);
    }
  }
  const textE2e: number[] = [];
  const followE2e: number[] = [];
  let unanswered = 0;
  let byPush = 0;
  for (const c of conversations) {
    const followReply = replies.get(c.followToken)?.[0];
    if (followReply) followE2e.push(followReply.at - c.followSentAt);
    const reply = replies.get(c.textToken!)?.[0];
    if (reply) textE2e.push(reply.at - c.textSentAt);
    else {
      const push = pushesTo.get(c.userId)?.find((p) => p.at >= c.textSentAt);
      if (push) {
        byPush++;
        textE2e.push(push.at - c.textSentAt);
      } else unanswered++;
    }
  }
  return {
    conversations: conversations.length,
    webhookPosts: posts,
    webhookFailures: failures,
    ackLatencies,
    textE2e,
    followE2e,
    textsUnanswered: unanswered,
    textsAnsweredByPush: byPush,
    duplicateReplies: [...replies.values()].filter((r) => r.length > 1).length,
    duplicatePushes: [...retryKeys.values()].filter((n) => n > 1).length,
    loadingCalls,
    drainMs,
  };
}

export interface WebLoadResult {
  clients: number;
  roundTrips: number[];
  timeouts: number;
  errors: number;
}

/** One web chat person: a session, a live stream, then a message every `intervalMs`. */
async function webClient(
  urls: { post: string; stream: string },
  index: number,
  until: number,
  intervalMs: number,
  result: WebLoadResult,
): Promise<void> {
  // Each client has its own address (trusted from loopback) so per-IP limits treat them as people.
  const ip = `10.77.${Math.floor(index / 250)}.${(index % 250) + 1}`;
  const session = await request(`${urls.post}/api/chat/sessions`, { method: 'POST', headers: { 'x-forwarded-for': ip } });
  if (session.status !== 201) throw new Error(`web session: ${session.status} ${session.body.slice(0, 200)}`);
  const token = (JSON.parse(session.body) as { token: string }).token;
  const auth = { authorization: `Bearer ${token}`, 'x-forwarded-for': ip };
  let waiter: ((at: number) => void) | null = null;
  let botMessages = 0;
  const stream = await openSse(`${urls.stream}/api/chat/stream`, auth, (event) => {
    if (event.name === 'message' && event.data?.author === 'bot') {
      botMessages++;
      waiter?.(event.at);
    }
  });
  try {
    // The greeting (the session's start event) first, from the history or the stream.
    const greetingDeadline = Date.now() + 15_000;
    while (botMessages === 0 && Date.now() < greetingDeadline) {
      const history = await request(`${urls.post}/api/chat/messages`, { headers: auth });
      if (history.status === 200 && (JSON.parse(history.body) as { messages: { author: string }[] }).messages.some((m) => m.author === 'bot')) break;
      await sleep(250);
    }
    await sleep(Math.random() * intervalMs);
    while (Date.now() < until) {
      const roundStarted = performance.now();
      const answered = new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => resolve(null), 10_000);
        waiter = (at) => {
          clearTimeout(timer);
          resolve(at);
        };
      });
      const sent = await request(`${urls.post}/api/chat/messages`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ clientMessageId: randomUUID(), text: CONSULTATION_TEXT }),
      }).catch(() => null);
      if (!sent || sent.status !== 202) {
        result.errors++;
        waiter = null;
      } else {
        const at = await answered;
        waiter = null;
        if (at === null) result.timeouts++;
        else result.roundTrips.push(at - roundStarted);
      }
      const wait = intervalMs - (performance.now() - roundStarted);
      if (wait > 0) await sleep(wait);
    }
  } finally {
    stream.close();
  }
}

/**
 * `clients` web chat people, each posting a message every `intervalMs` (within the per-session
 * limit of 20/min) and timing until the bot's answer arrives on their live stream. With two
 * instances, messages go to one and the stream listens on the other.
 */
export async function runWebChats(options: {
  postUrl: string;
  streamUrl?: string;
  clients: number;
  intervalMs: number;
  durationS: number;
}): Promise<WebLoadResult> {
  const result: WebLoadResult = { clients: options.clients, roundTrips: [], timeouts: 0, errors: 0 };
  const until = Date.now() + options.durationS * 1000;
  const urls = { post: options.postUrl, stream: options.streamUrl ?? options.postUrl };
  await Promise.all(
    Array.from({ length: options.clients }, (_, i) =>
      webClient(urls, i, until, options.intervalMs, result).catch(() => {
        result.errors++;
      }),
    ),
  );
  return result;
}
