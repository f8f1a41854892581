// A fake LINE Messaging API: a real HTTP server on 127.0.0.1 that serves both the API host and the
// data API host (point LINE_API_BASE_URL and LINE_DATA_API_BASE_URL at `url`). It behaves like
// LINE where Yorisoi depends on it: reply tokens work once, X-Line-Retry-Key makes a repeated
// push a 409 with x-line-accepted-request-id, and requests outside LINE's limits are a 400.
// Every call is recorded; failures and delays can be programmed per path.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeLineCall {
  method: string;
  path: string;
  /** Lower-cased header names (x-line-retry-key, authorization, content-type …). */
  headers: Record<string, string>;
  /** Parsed JSON, or `{ bytes, contentType }` for binary uploads. */
  body: any;
  /** What the fake answered. */
  status: number;
  at: number;
}

type PathMatcher = string | RegExp;

interface Programmed {
  matcher: PathMatcher;
  remaining: number;
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}

export interface FakeLineApi {
  url: string;
  calls: FakeLineCall[];
  /** The next `times` requests to a matching path answer `status` with `body` (JSON). */
  failNext(path: PathMatcher, status: number, body?: unknown, times?: number, headers?: Record<string, string>): void;
  /** The next `times` requests to a matching path wait `ms` before being handled. */
  delayNext(path: PathMatcher, ms: number, times?: number): void;
  /** Makes a reply token invalid (as if used or expired): replying with it answers 400. */
  invalidateReplyToken(token: string): void;
  /** Resolves with the matching calls once there are at least `count` of them. */
  waitForCalls(predicate: (call: FakeLineCall) => boolean, options?: { count?: number; timeoutMs?: number }): Promise<FakeLineCall[]>;
  /** Calls whose path starts with `prefix` (and optionally answered 2xx). */
  callsTo(prefix: string, options?: { succeeded?: boolean }): FakeLineCall[];
  /** Successful replies and pushes (the messages a person actually received), oldest first. */
  delivered(): { via: 'reply' | 'push'; to: string | null; replyToken: string | null; messages: any[]; retryKey: string | null }[];
  richMenus: Map<string, { menu: any; image: Buffer | null; contentType: string | null }>;
  defaultRichMenuId: string | null;
  reset(): void;
  close(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function matches(matcher: PathMatcher, path: string) {
  return typeof matcher === 'string' ? path === matcher : matcher.test(path);
}

/** Flex components as Yorisoi builds them: boxes of texts and buttons with URI actions. */
function validateFlexComponent(component: any, at: string): string | null {
  if (component?.type === 'box') {
    if (!['vertical', 'horizontal', 'baseline'].includes(component.layout)) return `${at}.layout: invalid`;
    if (!Array.isArray(component.contents) || component.contents.length < 1) return `${at}.contents: must not be empty`;
    for (const [i, child] of component.contents.entries()) {
      const problem = validateFlexComponent(child, `${at}.contents[${i}]`);
      if (problem) return problem;
    }
    return null;
  }
  if (component?.type === 'text') return typeof component.text === 'string' && component.text.length > 0 ? null : `${at}.text: must not be empty`;
  if (component?.type === 'button') {
    const action = component.action ?? {};
    if (typeof action.label !== 'string' || action.label.length < 1 || action.label.length > 20) return `${at}.action.label: Length must be between 1 and 20`;
    if (action.type !== 'uri' || !/^(https?:\/\/\S+|tel:[0-9+]+|line:\S+)$/.test(action.uri ?? '') || action.uri.length > 1000) return `${at}.action.uri: invalid uri`;
    return null;
  }
  return `${at}.type: unsupported by this fake`;
}

/** LINE's validation of message objects, as far as Yorisoi's messages go. Returns an error or null. */
function validateMessages(messages: unknown): string | null {
  if (!Array.isArray(messages) || messages.length < 1 || messages.length > 5) return 'messages: Size must be between 1 and 5';
  for (const [index, message] of messages.entries()) {
    const at = `messages[${index}]`;
    if (message.type === 'text') {
      if (typeof message.text !== 'string' || message.text.length < 1 || message.text.length > 5000) return `${at}.text: Length must be between 1 and 5000`;
    } else if (message.type === 'template') {
      if (typeof message.altText !== 'string' || message.altText.length > 400) return `${at}.altText: Length must be between 1 and 400`;
      const template = message.template;
      if (template?.type !== 'buttons' || typeof template.text !== 'string' || template.text.length > 160) return `${at}.template.text: Length must be between 1 and 160`;
      for (const action of template.actions ?? []) {
        if (action.label?.length > 20) return `${at}.template.actions.label: Length must be between 0 and 20`;
        if (action.type === 'uri' && !/^(https?|line|tel):/.test(action.uri ?? '')) return `${at}.template.actions.uri: invalid uri`;
      }
    } else if (message.type === 'flex') {
      if (typeof message.altText !== 'string' || message.altText.length < 1 || message.altText.length > 400) return `${at}.altText: Length must be between 1 and 400`;
      if (message.contents?.type !== 'bubble') return `${at}.contents.type: this fake accepts bubbles`;
      const problem = validateFlexComponent(message.contents.body, `${at}.contents.body`);
      if (problem) return problem;
    } else {
      return `${at}.type: unsupported by this fake`;
    }
    const items = message.quickReply?.items;
    if (items !== undefined) {
      if (index !== messages.length - 1) {
        // LINE accepts it but shows only the last message's buttons: treat as a bug in tests.
        return `${at}.quickReply: only the last message's quick reply is shown`;
      }
      if (!Array.isArray(items) || items.length < 1 || items.length > 13) return `${at}.quickReply.items: Size must be between 1 and 13`;
      for (const item of items) {
        const action = item.action ?? {};
        if (typeof action.label !== 'string' || action.label.length < 1 || action.label.length > 20) return `${at}.quickReply.items.action.label: Length must be between 1 and 20`;
        if (action.type === 'postback' && (typeof action.data !== 'string' || action.data.length > 300)) return `${at}.quickReply.items.action.data: Length must be between 0 and 300`;
        if (action.displayText !== undefined && action.displayText.length > 300) return `${at}.quickReply.items.action.displayText: Length must be between 0 and 300`;
      }
    }
  }
  return null;
}

export async function startFakeLineApi(options: { channelAccessToken?: string } = {}): Promise<FakeLineApi> {
  const calls: FakeLineCall[] = [];
  const programmed: Programmed[] = [];
  const usedReplyTokens = new Set<string>();
  const acceptedRetryKeys = new Map<string, { requestId: string; sentMessages: unknown[] }>();
  const richMenus: FakeLineApi['richMenus'] = new Map();
  const waiters = new Set<() => void>();
  let pushedMessages = 0;

  const state = {
    defaultRichMenuId: null as string | null,
  };

  function take(path: string, kind: 'status' | 'delay'): Programmed | undefined {
    const entry = programmed.find((p) => p.remaining > 0 && matches(p.matcher, path) && (kind === 'status' ? p.status !== undefined : p.delayMs !== undefined));
    if (entry) entry.remaining--;
    return entry;
  }

  async function handle(method: string, path: string, headers: Record<string, string>, raw: Buffer): Promise<{ status: number; body: unknown; headers?: Record<string, string>; parsed: any }> {
    const contentType = headers['content-type'] ?? '';
    let parsed: any = null;
    if (contentType.startsWith('application/json')) {
      try {
        parsed = raw.length ? JSON.parse(raw.toString('utf8')) : null;
      } catch {
        return { status: 400, body: { message: 'The request body has 1 error(s)' }, parsed: null };
      }
    } else if (raw.length) {
      parsed = { bytes: raw.length, contentType };
    }

    const delay = take(path, 'delay');
    if (delay) await new Promise((r) => setTimeout(r, delay.delayMs));

    if (options.channelAccessToken && headers.authorization !== `Bearer ${options.channelAccessToken}`) {
      return { status: 401, body: { message: 'Authentication failed due to the following reason: invalid token. Confirm that the access token in the authorization header is valid.' }, parsed };
    }
    const failure = take(path, 'status');
    if (failure) return { status: failure.status!, body: failure.body ?? { message: 'programmed failure' }, headers: failure.headers, parsed };

    const retryKey = headers['x-line-retry-key'];
    if (method === 'POST' && path === '/v2/bot/message/reply') {
      if (retryKey) return { status: 400, body: { message: 'The retry key cannot be used with this API' }, parsed };
      const token = parsed?.replyToken;
      if (typeof token !== 'string' || !token || usedReplyTokens.has(token)) return { status: 400, body: { message: 'Invalid reply token' }, parsed };
      const invalid = validateMessages(parsed.messages);
      if (invalid) return { status: 400, body: { message: 'The request body has 1 error(s)', details: [{ message: invalid }] }, parsed };
      usedReplyTokens.add(token);
      return { status: 200, body: { sentMessages: parsed.messages.map(() => ({ id: randomBytes(8).toString('hex'), quoteToken: randomUUID() })) }, parsed };
    }
    if (method === 'POST' && path === '/v2/bot/message/push') {
      if (retryKey !== undefined && !UUID.test(retryKey)) return { status: 400, body: { message: 'The value of the X-Line-Retry-Key header is invalid' }, parsed };
      if (retryKey && acceptedRetryKeys.has(retryKey)) {
        const accepted = acceptedRetryKeys.get(retryKey)!;
        return {
          status: 409,
          body: { message: 'The retry key is already accepted', sentMessages: accepted.sentMessages },
          headers: { 'x-line-accepted-request-id': accepted.requestId },
          parsed,
        };
      }
      if (typeof parsed?.to !== 'string' || !parsed.to) return { status: 400, body: { message: 'The property, \'to\', in the request body is invalid' }, parsed };
      const invalid = validateMessages(parsed.messages);
      if (invalid) return { status: 400, body: { message: 'The request body has 1 error(s)', details: [{ message: invalid }] }, parsed };
      const sentMessages = parsed.messages.map(() => ({ id: randomBytes(8).toString('hex'), quoteToken: randomUUID() }));
      const requestId = randomUUID();
      if (retryKey) acceptedRetryKeys.set(retryKey, { requestId, sentMessages });
      pushedMessages += parsed.messages.length;
      return { status: 200, body: { sentMessages }, headers: { 'x-line-request-id': requestId }, parsed };
    }
    if (method === 'POST' && path === '/v2/bot/chat/markAsRead') {
      // Chat mode's mark-as-read: the token from a message event marks it and every earlier one.
      if (typeof parsed?.markAsReadToken !== 'string' || parsed.markAsReadToken.length === 0) return { status: 400, body: { message: 'Invalid markAsReadToken' }, parsed };
      return { status: 200, body: {}, parsed };
    }
    if (method === 'POST' && path === '/v2/bot/chat/loading/start') {
      const seconds = parsed?.loadingSeconds ?? 20;
      if (typeof parsed?.chatId !== 'string' || !/^U/.test(parsed.chatId)) return { status: 400, body: { message: 'Invalid chatId' }, parsed };
      if (!Number.isInteger(seconds) || seconds < 5 || seconds > 60 || seconds % 5 !== 0) return { status: 400, body: { message: 'Invalid loadingSeconds' }, parsed };
      return { status: 202, body: {}, parsed };
    }
    if (method === 'POST' && path === '/v2/bot/richmenu') {
      const menu = parsed;
      const problems: string[] = [];
      if (!menu?.size || menu.size.width < 800 || menu.size.width > 2500 || menu.size.height < 250) problems.push('size');
      if (typeof menu?.chatBarText !== 'string' || menu.chatBarText.length > 14) problems.push('chatBarText');
      if (!Array.isArray(menu?.areas) || menu.areas.length < 1 || menu.areas.length > 20) problems.push('areas');
      if (problems.length) return { status: 400, body: { message: 'The request body has errors', details: problems.map((p) => ({ property: p })) }, parsed };
      const richMenuId = `richmenu-${randomBytes(16).toString('hex')}`;
      richMenus.set(richMenuId, { menu, image: null, contentType: null });
      return { status: 200, body: { richMenuId }, parsed };
    }
    const upload = /^\/v2\/bot\/richmenu\/([^/]+)\/content$/.exec(path);
    if (method === 'POST' && upload) {
      const menu = richMenus.get(upload[1]!);
      if (!menu) return { status: 404, body: { message: 'Not found' }, parsed };
      if (menu.image) return { status: 400, body: { message: 'An image has already been uploaded to the richmenu' }, parsed };
      if (!['image/png', 'image/jpeg'].includes(contentType)) return { status: 415, body: { message: 'Unsupported Media Type' }, parsed };
      if (raw.length > 1024 * 1024) return { status: 413, body: { message: 'Request Entity Too Large' }, parsed };
      menu.image = raw;
      menu.contentType = contentType;
      return { status: 200, body: {}, parsed };
    }
    const setDefault = /^\/v2\/bot\/user\/all\/richmenu\/([^/]+)$/.exec(path);
    if (method === 'POST' && setDefault) {
      const menu = richMenus.get(setDefault[1]!);
      if (!menu) return { status: 404, body: { message: 'richmenu not found' }, parsed };
      if (!menu.image) return { status: 400, body: { message: 'must upload richmenu image before applying it to user' }, parsed };
      state.defaultRichMenuId = setDefault[1]!;
      return { status: 200, body: {}, parsed };
    }
    const menuPath = /^\/v2\/bot\/richmenu\/([^/]+)$/.exec(path);
    if (method === 'DELETE' && menuPath) {
      if (!richMenus.delete(menuPath[1]!)) return { status: 404, body: { message: 'Not found' }, parsed };
      if (state.defaultRichMenuId === menuPath[1]) state.defaultRichMenuId = null;
      return { status: 200, body: {}, parsed };
    }
    if (method === 'GET' && path === '/v2/bot/message/quota') return { status: 200, body: { type: 'limited', value: 200 }, parsed };
    if (method === 'GET' && path === '/v2/bot/message/quota/consumption') return { status: 200, body: { totalUsage: pushedMessages }, parsed };
    return { status: 404, body: { message: 'Not found' }, parsed };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : (value ?? '');
      const path = (req.url ?? '/').split('?')[0]!;
      handle(req.method ?? 'GET', path, headers, Buffer.concat(chunks))
        .then((answer) => {
          calls.push({ method: req.method ?? 'GET', path, headers, body: answer.parsed, status: answer.status, at: Date.now() });
          for (const wake of waiters) wake();
          if (res.destroyed) return;
          const text = JSON.stringify(answer.body ?? {});
          res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
          res.end(text);
        })
        .catch((error: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: String(error) }));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const api: FakeLineApi = {
    url,
    calls,
    richMenus,
    get defaultRichMenuId() {
      return state.defaultRichMenuId;
    },
    set defaultRichMenuId(value) {
      state.defaultRichMenuId = value;
    },
    failNext(path, status, body, times = 1, headers) {
      programmed.push({ matcher: path, remaining: times, status, body, headers });
    },
    delayNext(path, ms, times = 1) {
      programmed.push({ matcher: path, remaining: times, delayMs: ms });
    },
    invalidateReplyToken(token) {
      usedReplyTokens.add(token);
    },
    waitForCalls(predicate, { count = 1, timeoutMs = 10_000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = calls.filter(predicate);
          if (found.length >= count) {
            cleanup();
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          const seen = calls.map((c) => `${c.method} ${c.path} → ${c.status}`).join('\n  ');
          reject(new Error(`fake LINE API: expected ${count} matching call(s) within ${timeoutMs} ms; calls so far:\n  ${seen || '(none)'}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    callsTo(prefix, { succeeded } = {}) {
      return calls.filter((c) => c.path.startsWith(prefix) && (succeeded === undefined || (c.status < 300) === succeeded));
    },
    delivered() {
      return calls
        .filter((c) => c.status === 200 && (c.path === '/v2/bot/message/reply' || c.path === '/v2/bot/message/push'))
        .map((c) => ({
          via: c.path.endsWith('reply') ? ('reply' as const) : ('push' as const),
          to: c.body?.to ?? null,
          replyToken: c.body?.replyToken ?? null,
          messages: c.body?.messages ?? [],
          retryKey: c.headers['x-line-retry-key'] ?? null,
        }));
    },
    reset() {
      calls.length = 0;
      programmed.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return api;
}

// ---------------------------------------------------------------- LINE's webhook side

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID-shaped id, as LINE's webhookEventId. */
export function fakeWebhookEventId(): string {
  const bytes = randomBytes(26);
  return '01' + [...bytes.subarray(0, 24)].map((b) => CROCKFORD[b % 32]).join('');
}

/** A LINE user id: `U` and 32 hex digits. */
export function fakeLineUserId(): string {
  return `U${randomBytes(16).toString('hex')}`;
}

export function fakeReplyToken(): string {
  return randomBytes(16).toString('hex');
}

let messageCounter = 0;
export function fakeMessageId(): string {
  messageCounter++;
  return `${Date.now()}${String(messageCounter).padStart(4, '0')}`;
}

export interface FakeEventOptions {
  mode?: 'active' | 'standby';
  replyToken?: string | null;
  webhookEventId?: string;
  timestamp?: number;
  isRedelivery?: boolean;
  source?: { type: 'user'; userId: string } | { type: 'group'; groupId: string; userId?: string } | { type: 'room'; roomId: string; userId?: string };
}

/** Webhook events shaped as LINE sends them (only what differs per type is passed). */
export function lineEvent(type: string, userId: string, fields: Record<string, unknown> = {}, options: FakeEventOptions = {}) {
  const withToken = ['message', 'follow', 'postback', 'join', 'memberJoined', 'beacon', 'accountLink', 'things', 'videoPlayComplete'].includes(type);
  const replyToken = options.replyToken === undefined ? (withToken ? fakeReplyToken() : null) : options.replyToken;
  return {
    type,
    mode: options.mode ?? 'active',
    timestamp: options.timestamp ?? Date.now(),
    source: options.source ?? { type: 'user', userId },
    webhookEventId: options.webhookEventId ?? fakeWebhookEventId(),
    deliveryContext: { isRedelivery: options.isRedelivery ?? false },
    ...(replyToken ? { replyToken } : {}),
    ...fields,
  };
}

export const lineEvents = {
  follow: (userId: string, isUnblocked = false, o?: FakeEventOptions) => lineEvent('follow', userId, { follow: { isUnblocked } }, o),
  unfollow: (userId: string, o?: FakeEventOptions) => lineEvent('unfollow', userId, {}, o),
  text: (userId: string, text: string, o?: FakeEventOptions & { messageId?: string }) =>
    lineEvent('message', userId, { message: { id: o?.messageId ?? fakeMessageId(), type: 'text', quoteToken: fakeReplyToken(), markAsReadToken: fakeReplyToken(), text } }, o),
  postback: (userId: string, data: string, o?: FakeEventOptions) => lineEvent('postback', userId, { postback: { data } }, o),
  sticker: (userId: string, o?: FakeEventOptions) =>
    lineEvent('message', userId, { message: { id: fakeMessageId(), type: 'sticker', quoteToken: fakeReplyToken(), packageId: '446', stickerId: '1988', stickerResourceType: 'STATIC', keywords: ['Happy', 'smile'] } }, o),
  image: (userId: string, o?: FakeEventOptions) =>
    lineEvent('message', userId, { message: { id: fakeMessageId(), type: 'image', quoteToken: fakeReplyToken(), contentProvider: { type: 'line' } } }, o),
  video: (userId: string, o?: FakeEventOptions) =>
    lineEvent('message', userId, { message: { id: fakeMessageId(), type: 'video', quoteToken: fakeReplyToken(), duration: 12345, contentProvider: { type: 'line' } } }, o),
  audio: (userId: string, o?: FakeEventOptions) =>
    lineEvent('message', userId, { message: { id: fakeMessageId(), type: 'audio', duration: 6000, contentProvider: { type: 'line' } } }, o),
  file: (userId: string, o?: FakeEventOptions) =>
    lineEvent('message', userId, { message: { id: fakeMessageId(), type: 'file', fileName: '相談メモ.pdf', fileSize: 20480 } }, o),
  location: (userId: string, o?: FakeEventOptions) =>
    lineEvent('message', userId, { message: { id: fakeMessageId(), type: 'location', title: '京都市役所', address: '京都府京都市中京区寺町通御池上る上本能寺前町488', latitude: 35.0116, longitude: 135.7681 } }, o),
  unsend: (userId: string, messageId: string, o?: FakeEventOptions) => lineEvent('unsend', userId, { unsend: { messageId } }, o),
  groupText: (groupId: string, userId: string, text: string, o?: FakeEventOptions) =>
    lineEvents.text(userId, text, { ...o, source: { type: 'group', groupId, userId } }),
  roomText: (roomId: string, userId: string, text: string, o?: FakeEventOptions) =>
    lineEvents.text(userId, text, { ...o, source: { type: 'room', roomId, userId } }),
};

export function signLineBody(body: string | Buffer, channelSecret: string): string {
  return createHmac('sha256', channelSecret).update(body).digest('base64');
}

/** POSTs a webhook like LINE does; `signature: null` sends none, a string sends that one. */
export async function postLineWebhook(
  appUrl: string,
  channelSecret: string,
  body: object | string,
  options: { signature?: string | null; destination?: string } = {},
): Promise<Response> {
  const text = typeof body === 'string' ? body : JSON.stringify({ destination: options.destination ?? 'Udeadbeefdeadbeefdeadbeefdeadbeef', ...body });
  const signature = options.signature === undefined ? signLineBody(text, channelSecret) : options.signature;
  return fetch(`${appUrl}/webhooks/line`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'LineBotWebhook/2.0', ...(signature !== null ? { 'x-line-signature': signature } : {}) },
    body: text,
  });
}
