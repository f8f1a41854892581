import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { LANGUAGES } from '../../flows/schema.js';
import { deleteContactData } from '../../cases/data-deletion.js';
import { readUpToOf } from '../../cases/read-receipts.js';
import type { Message } from '../../db/client.js';
import { HttpError } from '../../http/errors.js';
import { limitByIp, rateLimiter } from '../../http/rate-limit.js';
import { requestProcessing, storeInboundEvents } from '../../pipeline/inbox.js';
import { inSourceTransaction } from '../../pipeline/source-lock.js';
import { RealtimePublisher, type RealtimeEvent } from '../../realtime/bus.js';
import type { RealtimeHub } from '../../realtime/hub.js';
import type { Runtime } from '../../runtime.js';
import { webSourceKey, type WebEvent } from './adapter.js';
import { createWebSession, findWebSession, type WebContact } from './sessions.js';

// Texts a person sees when the API refuses something: kind, and with a next step.
const TOO_MANY = 'メッセージが続けて届いたため、少しだけ待ってから送ります。そのままお待ちください。';
const TOO_LONG = 'メッセージが長すぎて送れませんでした。5,000文字以内になるよう、いくつかに分けて送ってください。';
const EMPTY = '空のメッセージは送れません。ひとことでも大丈夫です。';
const NO_SESSION = 'この会話は見つかりませんでした。ページを再読み込みすると、新しく相談を始められます。';

/** Generous enough for someone tapping quickly through the intake; stops floods and scripts. */
export const WEB_MESSAGES_PER_MINUTE = 60;
export const MAX_TEXT_LENGTH = 5_000; // LINE's limit too: one rule for both channels.
const HEARTBEAT_MS = 15_000;
/** The page sends "typing" at most every few seconds while keys are pressed. */
export const WEB_TYPING_PER_MINUTE = 30;
const typingSchema = z.object({ on: z.boolean() }).strict();

const sendSchema = z
  .object({
    clientMessageId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, '8–64 letters, digits, _ or -'),
    text: z.string().max(100_000).optional(),
    choice: z.object({ data: z.string().min(1).max(300), label: z.string().min(1).max(100) }).optional(),
  })
  .refine((body) => (body.text === undefined) !== (body.choice === undefined), 'send either text or choice');

const sessionSchema = z.object({ language: z.enum(LANGUAGES).optional() }).strict();

export interface WebMessageView {
  id: string;
  author: 'user' | 'bot' | 'staff';
  kind: string;
  text: string | null;
  choices?: { label: string; data: string }[];
  link?: { url: string; label: string };
  /** Crisis lines as tap targets (`tel:` or an https chat page), first one first. */
  actions?: { label: string; uri: string; name: string; hours: string }[];
  clientMessageId?: string;
  createdAt: string;
}

export function toWebMessage(message: Message): WebMessageView {
  const payload = (message.payload ?? null) as
    | { type?: string; choices?: { label: string; data: string }[]; url?: string; label?: string; actions?: WebMessageView['actions'] }
    | null;
  const bot = message.author === 'BOT';
  return {
    id: message.id,
    author: message.author === 'USER' ? 'user' : message.author === 'BOT' ? 'bot' : 'staff',
    kind: message.kind,
    text: message.text,
    ...(bot && (payload?.type === 'choices' || payload?.type === 'actions') && payload.choices?.length ? { choices: payload.choices } : {}),
    ...(bot && payload?.type === 'actions' && payload.actions ? { actions: payload.actions } : {}),
    ...(message.author === 'BOT' && payload?.type === 'link' && payload.url ? { link: { url: payload.url, label: payload.label ?? payload.url } } : {}),
    ...(message.clientMessageId ? { clientMessageId: message.clientMessageId } : {}),
    createdAt: message.createdAt.toISOString(),
  };
}

/** The bot's language in this person's conversation (the page's labels follow it). */
async function conversationLanguage(db: Runtime['db'], contactId: string): Promise<string> {
  const kase = await db.case.findFirst({ where: { conversation: { contactId } }, orderBy: { createdAt: 'desc' }, select: { language: true } });
  return kase?.language ?? 'ja';
}

/** Characters as a person counts them (an emoji is one), not UTF-16 units. */
const characterCount = (text: string) => [...text].length;

export function webChatRoutes(runtime: Runtime, hub: RealtimeHub, hooks: { onShutdown(hook: () => void): void }): Router {
  const { db, config, logger } = runtime;
  const router = Router();
  const publisher = new RealtimePublisher(runtime.redisFailFast, config.redisPrefix, logger);
  const limitSessionsPerIp = rateLimiter(runtime.redisFailFast, config.redisPrefix, { name: 'web-session-ip', points: 60, durationSeconds: 600 });
  const limitMessagesPerSession = rateLimiter(runtime.redisFailFast, config.redisPrefix, { name: 'web-msg-session', points: WEB_MESSAGES_PER_MINUTE, durationSeconds: 60 });
  const limitMessagesPerIp = rateLimiter(runtime.redisFailFast, config.redisPrefix, { name: 'web-msg-ip', points: 120, durationSeconds: 60 });
  const limitTypingPerSession = rateLimiter(runtime.redisFailFast, config.redisPrefix, { name: 'web-typing-session', points: WEB_TYPING_PER_MINUTE, durationSeconds: 60 });
  const liveStreams = new Set<Response>();
  hooks.onShutdown(() => {
    for (const stream of liveStreams) stream.end();
  });

  async function authenticate(req: Request): Promise<WebContact> {
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    const contact = await findWebSession(db, token);
    if (!contact) throw new HttpError(401, 'no_session', NO_SESSION);
    return contact;
  }

  async function enqueue(contact: WebContact, externalId: string, payload: WebEvent, options: { typing?: boolean } = {}) {
    const stored = await storeInboundEvents(db, [
      { channel: 'WEB', externalId, sourceKey: webSourceKey(contact.channelUserIdHash), occurredAt: new Date(), payload },
    ]);
    // "Typing…" goes out before a worker can answer: after the answer it would stay on.
    if (options.typing && stored[0]!.isNew) {
      await publisher.publish({ kind: 'contact', contactId: contact.id }, { type: 'typing', conversationId: '', on: true });
    }
    await requestProcessing(runtime.queuesFailFast, stored, logger);
    return stored[0]!;
  }

  router.post('/sessions', limitByIp(limitSessionsPerIp, TOO_MANY), async (req, res) => {
    // The browser's language, when it is one of the bot's: the welcome comes in it.
    const { language } = sessionSchema.parse(req.body ?? {});
    const session = await createWebSession(db);
    const contact = (await findWebSession(db, session.token))!;
    await enqueue(contact, `${contact.id}:start`, { type: 'start', channelUserId: contact.channelUserId, ...(language ? { language } : {}) });
    res.status(201).json({ token: session.token });
  });

  router.get('/messages', async (req, res) => {
    const contact = await authenticate(req);
    const after = z.iso.datetime().optional().safeParse(req.query.after);
    const messages = await db.message.findMany({
      where: {
        conversation: { contactId: contact.id },
        hiddenAt: null,
        ...(after.success && after.data ? { createdAt: { gte: new Date(after.data) } } : {}),
      },
      // The newest 500, shown oldest first: a long-running conversation opens at its end.
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: 500,
    });
    const language = await conversationLanguage(db, contact.id);
    // 既読: until when a counsellor has read the person's messages (src/cases/read-receipts.ts).
    res.set('Cache-Control', 'no-store').json({ messages: messages.reverse().map(toWebMessage), language, readUpTo: await readUpToOf(db, contact.id) });
  });

  // The person is typing: shown live on the console of whoever looks at the case; never stored.
  router.post('/typing', async (req, res) => {
    const contact = await authenticate(req);
    await limitTypingPerSession(contact.id, TOO_MANY);
    const body = typingSchema.parse(req.body);
    const latest = await db.conversation.findFirst({ where: { contactId: contact.id }, orderBy: { createdAt: 'desc' }, select: { id: true, case: { select: { id: true } } } });
    if (latest?.case) await publisher.publish({ kind: 'staff' }, { type: 'typing', conversationId: latest.id, caseId: latest.case.id, on: body.on, by: 'user' });
    res.status(204).end();
  });

  router.post('/messages', async (req, res) => {
    const contact = await authenticate(req);
    await limitMessagesPerSession(contact.id, TOO_MANY);
    await limitMessagesPerIp(req.ip ?? 'unknown', TOO_MANY);
    const body = sendSchema.parse(req.body);
    let payload: WebEvent;
    if (body.text !== undefined) {
      const text = body.text.toWellFormed().replaceAll('\u0000', '').trim();
      if (text === '') throw new HttpError(400, 'empty_message', EMPTY);
      if (characterCount(text) > MAX_TEXT_LENGTH) throw new HttpError(422, 'message_too_long', TOO_LONG);
      payload = { type: 'text', channelUserId: contact.channelUserId, clientMessageId: body.clientMessageId, text };
    } else {
      payload = { type: 'choice', channelUserId: contact.channelUserId, clientMessageId: body.clientMessageId, ...body.choice! };
    }
    const stored = await enqueue(contact, `${contact.id}:${body.clientMessageId}`, payload, { typing: true });
    res.status(stored.isNew ? 202 : 200).json({ status: stored.isNew ? 'accepted' : 'duplicate', clientMessageId: body.clientMessageId });
  });

  router.get('/stream', async (req, res) => {
    const contact = await authenticate(req);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(': connected\n\n');
    const send = (name: string, data: unknown) => res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    // One event at a time, in publish order: each message is read from the database first.
    let sending: Promise<void> = Promise.resolve();
    const unsubscribe = hub.onContact(contact.id, (event: RealtimeEvent) => {
      sending = sending.then(async () => {
        if (event.type === 'message') {
          const message = await db.message.findFirst({
            where: { id: event.messageId, conversation: { contactId: contact.id }, hiddenAt: null },
          });
          if (message) {
            // A bot answer may come in another language than the last one (the person switched).
            const language = message.author === 'BOT' ? await conversationLanguage(db, contact.id) : undefined;
            send('message', { ...toWebMessage(message), ...(language ? { language } : {}) });
          }
        } else if (event.type === 'typing') {
          // by: staff = a counsellor is writing; otherwise the bot is about to answer.
          send('typing', { on: event.on, ...(event.by === 'staff' ? { by: 'staff' } : {}) });
        } else if (event.type === 'read') {
          send('read', { upTo: event.upTo });
        } else if (event.type === 'conversation-deleted') {
          send('deleted', {});
        }
      }).catch(() => {});
    });
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    liveStreams.add(res);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      liveStreams.delete(res);
    });
  });

  router.delete('/conversation', async (req, res) => {
    const contact = await authenticate(req);
    const now = new Date();
    // The same lock as the inbound pipeline: no message of this person is mid-processing.
    await inSourceTransaction(db, webSourceKey(contact.channelUserIdHash), async (tx) => {
      await deleteContactData(tx, contact.id, now);
      await tx.inboundEvent.updateMany({ where: { sourceKey: webSourceKey(contact.channelUserIdHash) }, data: { payload: { deleted: true }, processedAt: now } });
      await tx.contact.update({ where: { id: contact.id }, data: { webTokenHash: null } });
    });
    await publisher.publish({ kind: 'contact', contactId: contact.id }, { type: 'conversation-deleted', conversationId: '' });
    await publisher.publish({ kind: 'staff' }, { type: 'case', caseId: '', change: 'data_deleted' });
    res.status(204).end();
  });

  return router;
}
