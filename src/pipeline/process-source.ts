import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { describeError, isTransientError } from '../platform/errors.js';
import { dataCryptoOf, Prisma, sqlPoolOf, type Channel, type DataCrypto, type Db } from '../db/client.js';
import { applyEffects, casePatchOf, intakeAnswerOf, stepEventOf, type EffectContext } from '../cases/effects.js';
import { decideComeback, recordComeback } from '../cases/returning.js';
import { extractPhoneNumbers, phoneHash } from '../cases/phone-lookup.js';
import type { ConversationContext, ConversationInput, DomainEffect, Language, OutboundMessage, StepResult, TriageResult } from '../conversation/types.js';
import { inPgTransaction, prismaExecutor, type SqlExecutor } from '../db/sql.js';
import { takeNextEvent, touchContact, WriteBatch, type CasePatch, type CaseSnapshot, type NewCaseColumns, type DeliveryRow, type MessageRow, type StoredInboundEvent } from './conversation-sql.js';
import type { DeskHours } from '../desk/desk-hours.js';
import type { Queues } from '../jobs/queues.js';
import type { Logger } from '../platform/logger.js';
import type { RealtimeEvent, RealtimePublisher, Topic } from '../realtime/bus.js';
import type { ChannelAdapter, InterpretedEvent } from './channel-adapter.js';
import { inSourceTransaction, SourceBusy, tryLockSourceStatement, underSourceLock } from './source-lock.js';
import { recentInboundTexts } from './recent-texts.js';
import { systemEventSchema } from './system-events.js';
import { announceNotification } from '../notifications/notifications.js';
import type { ReminderPolicy } from '../reminders/policy.js';
import { reminderRules, scheduleReminderJob } from '../reminders/reminders.js';
import { canPageNow, schedulePage, type OnCall } from '../oncall/paging.js';

/** The conversation core as the pipeline sees it: state is opaque JSON. */
export interface ConversationEngine {
  step(state: unknown | null, input: ConversationInput, ctx: ConversationContext): StepResult<unknown>;
}

export interface PipelineDeps {
  db: Db;
  queues: Queues;
  realtime: RealtimePublisher;
  adapters: Partial<Record<Channel, ChannelAdapter>>;
  engine: ConversationEngine;
  desk: DeskHours;
  /** `context`: the person's recent earlier texts in this conversation, oldest first. */
  triage: (text: string, context?: readonly string[]) => TriageResult;
  reminderPolicy: ReminderPolicy;
  /** The on-call rota outside desk hours; absent: nobody is paged (the person is told so). */
  oncall?: OnCall;
  logger: Logger;
  /** Sends a stored delivery from the job that created it (throws to leave it to the delivery queue). */
  deliverNow?: (deliveryId: string) => Promise<void>;
  now?: () => Date;
}

export { systemEventSchema, type SystemEvent } from './system-events.js';

/** A delivery whose send from the processing job failed is retried by the delivery queue after this. */
const DELIVERY_RETRY_DELAY_MS = 1_000;

/** After this many failed attempts an event is set aside (and audited) so later ones can flow. */
export const MAX_EVENT_ATTEMPTS = 10;

type PostCommit = {
  publish: [Topic, RealtimeEvent][];
  deliveries: string[];
  reminders: { id: string; dueAt: Date }[];
  notifications: string[];
  pages: string[];
};

/**
 * Where an event is handled: hand-written SQL on a `pg` connection (`tx` null: the common case,
 * cheap), or a Prisma interactive transaction (`tx` set) for whatever needs the domain services
 * built on Prisma (alerts, queueing, consents, reminders, deletion, unsend, notices).
 */
interface EventStore {
  sql: SqlExecutor;
  tx: Prisma.TransactionClient | null;
  crypto: DataCrypto;
}

/** Thrown on the SQL path when the event needs Prisma: it is rolled back and handled again there. */
class NeedsPrismaTransaction extends Error {
  constructor(reason: string) {
    super(`handled in a Prisma transaction: ${reason}`);
  }
}

function requirePrisma(store: EventStore, reason: string): Prisma.TransactionClient {
  if (!store.tx) throw new NeedsPrismaTransaction(reason);
  return store.tx;
}

/** Effects the SQL path writes itself; any other effect sends the event to the Prisma path. */
const SQL_EFFECTS = new Set<DomainEffect['type']>(['openCase', 'updateCase', 'recordAnswer', 'stepEvent']);

/** Events the desk itself puts in a person's queue. */
const DESK_EVENTS = new Set<string>(systemEventSchema.shape.system.options);

/**
 * Processes every stored, unprocessed event of one source (one person on one channel), oldest
 * first, each in its own transaction under an advisory lock on the source. However many
 * workers and instances run, one person's messages are handled one at a time, in order, while
 * different people are handled in parallel.
 */
export async function processSource(deps: PipelineDeps, sourceKey: string): Promise<number> {
  const pool = sqlPoolOf(deps.db);
  const crypto = dataCryptoOf(deps.db);
  let processed = 0;
  for (;;) {
    let eventId: string | undefined;
    let outcome: { post: PostCommit; more: boolean } | null;
    const handleNext = async (store: EventStore) => {
      const event = await takeNextEvent(store.sql, crypto, sourceKey, MAX_EVENT_ATTEMPTS);
      if (!event) return null;
      eventId = event.id;
      return handleEvent(store, deps, sourceKey, event);
    };
    try {
      try {
        outcome = await underSourceLock(pool, sourceKey, () =>
          inPgTransaction(pool, tryLockSourceStatement(sourceKey), (sql, lock) => {
            if (lock[0]?.locked !== true) throw new SourceBusy();
            return handleNext({ sql, tx: null, crypto });
          }),
        );
      } catch (error) {
        if (!(error instanceof NeedsPrismaTransaction)) throw error;
        // Tried like the SQL path's lock: this job waits for it without a connection.
        outcome = await inSourceTransaction(deps.db, sourceKey, (tx) => handleNext({ sql: prismaExecutor(tx), tx, crypto }), { timeout: 20_000, maxWait: 10_000 });
      }
    } catch (error) {
      if (eventId) await recordFailure(deps, eventId, error);
      throw error;
    }
    if (!outcome) return processed;
    processed++;
    await runPostCommit(deps, outcome.post);
    if (!outcome.more) return processed;
  }
}

/**
 * Events the desk itself puts in a person's queue (a counsellor joined) are channel-neutral;
 * everything else is the channel's to interpret.
 */
function interpretStored(adapter: ChannelAdapter, payload: unknown): InterpretedEvent {
  const system = systemEventSchema.safeParse(payload);
  if (system.success) {
    return { kind: 'conversation', channelUserId: system.data.channelUserId, input: { kind: system.data.system }, record: null };
  }
  return adapter.interpret(payload);
}

async function recordFailure(deps: PipelineDeps, eventId: string, error: unknown) {
  const described = describeError(error);
  const message = described.code ? `${described.name} (${described.code})` : described.name;
  // A passing outage (PostgreSQL restarting, a full pool) retries without using up the budget
  // that sets a broken event aside.
  const counts = !isTransientError(error);
  try {
    const event = await deps.db.inboundEvent.update({
      where: { id: eventId },
      data: { ...(counts ? { attempts: { increment: 1 } } : {}), lastError: message },
    });
    if (event.attempts >= MAX_EVENT_ATTEMPTS) {
      deps.logger.error({ eventId, attempts: event.attempts }, 'inbound event set aside after repeated failures');
      await deps.db.auditEvent.create({ data: { actorType: 'system', action: 'event.dead_letter', detail: { eventId, error: message } } });
    }
  } catch {
    // The database itself is failing; the job's retry will try again.
  }
}

async function runPostCommit(deps: PipelineDeps, post: PostCommit) {
  await Promise.all(post.publish.map(([topic, event]) => deps.realtime.publish(topic, event)));
  for (const reminder of post.reminders) await scheduleReminderJob(deps, reminder);
  for (const id of post.notifications) await announceNotification(deps, id);
  // A page before the answer goes out: the person is told the on-call counsellor is alerted.
  if (deps.oncall) for (const id of post.pages) await schedulePage({ queues: deps.queues, logger: deps.logger, oncall: deps.oncall }, id).catch(() => {});
  await dispatchDeliveries(deps, post.deliveries);
}

/**
 * Sends the answer from this job when the worker can (no second job, no queue round trip), in
 * order; what it cannot send now goes to the delivery queue, which retries with backoff.
 */
async function dispatchDeliveries(deps: PipelineDeps, ids: string[]) {
  let next = 0;
  let delay = 0;
  if (deps.deliverNow) {
    for (; next < ids.length; next++) {
      try {
        await deps.deliverNow(ids[next]!);
      } catch (error) {
        deps.logger.info({ deliveryId: ids[next], err: describeError(error) }, 'delivery not sent at once; queued for a retry');
        delay = DELIVERY_RETRY_DELAY_MS;
        break;
      }
    }
  }
  const results = await Promise.allSettled(ids.slice(next).map((id) => deps.queues.add('delivery', id, { deliveryId: id }, { delay })));
  if (results.some((r) => r.status === 'rejected')) {
    deps.logger.warn('could not enqueue deliveries; the sweeper will pick them up');
  }
}

async function handleEvent(store: EventStore, deps: PipelineDeps, sourceKey: string, event: StoredInboundEvent): Promise<{ post: PostCommit; more: boolean }> {
  const adapter = deps.adapters[event.channel];
  if (!adapter) throw new Error(`no adapter for channel ${event.channel}`);
  const interpreted = interpretStored(adapter, event.payload);
  const now = (deps.now ?? (() => new Date()))();
  const post: PostCommit = { publish: [], deliveries: [], reminders: [], notifications: [], pages: [] };
  const writes = new WriteBatch(store.crypto);

  switch (interpreted.kind) {
    case 'ignore':
      break;

    case 'unsend': {
      const tx = requirePrisma(store, 'unsend');
      const contact = await tx.contact.findUnique({
        where: { channel_channelUserIdHash: { channel: event.channel, channelUserIdHash: store.crypto.lookupHash(interpreted.channelUserId) } },
      });
      if (!contact) break;
      const hidden = await tx.message.updateMany({
        where: { channelMessageId: interpreted.channelMessageId, conversation: { contactId: contact.id } },
        data: { hiddenAt: now, text: null, payload: Prisma.DbNull },
      });
      if (hidden.count > 0) post.publish.push([{ kind: 'staff' }, { type: 'case', caseId: '', change: 'message_unsent' }]);
      break;
    }

    case 'notice': {
      const payloads = adapter.renderNotice?.(interpreted.notice) ?? [];
      post.deliveries.push(
        ...writes.insertDeliveries(
          payloads.map((payload, index) => ({
            conversationId: null,
            channel: event.channel,
            recipient: interpreted.recipient,
            payload,
            replyToken: index === 0 ? interpreted.replyToken : null,
            createdAt: new Date(now.getTime() + index),
          })),
        ),
      );
      break;
    }

    case 'conversation':
      await handleConversationEvent(store, writes, deps, adapter, event.channel, interpreted, now, post);
      break;
  }

  writes.markProcessed(event.id, now);
  const more = await writes.flushAndLookAhead(store.sql, sourceKey, event.id, MAX_EVENT_ATTEMPTS);
  return { post, more };
}

async function handleConversationEvent(
  store: EventStore,
  writes: WriteBatch,
  deps: PipelineDeps,
  adapter: ChannelAdapter,
  channel: Channel,
  event: Extract<InterpretedEvent, { kind: 'conversation' }>,
  now: Date,
  post: PostCommit,
): Promise<void> {
  const person = await touchContact(store.sql, store.crypto, { channel, channelUserId: event.channelUserId, now, unblock: event.input.kind === 'start' });

  // A person writing after their case was closed is recognised (src/cases/returning.ts): the case
  // reopens, or a new conversation and case open linked to it. The desk's own events (a check-in,
  // a counsellor joining) belong to the conversation they are about.
  const deskEvent = DESK_EVENTS.has(event.input.kind);
  const latest = person.conversation;
  const afterClosing = latest?.case?.status === 'CLOSED' && !deskEvent && !event.silent;
  const comeback = afterClosing ? await decideComeback(requirePrisma(store, 'a person writing after their case was closed'), latest!.case!.id, now) : null;
  const reopening = comeback?.mode === 'reopen';
  const isNew = !latest || (latest.case?.status === 'CLOSED' && !deskEvent && !reopening);
  const conversationId = isNew ? randomUUID() : latest.id;
  // A comeback starts the core afresh (it welcomes them back); a reopened case keeps its conversation.
  const previousState = isNew || comeback ? null : latest.state;
  let kase: CaseSnapshot | null = isNew ? null : latest.case;
  const casePatch: CasePatch = {};
  const contactTopic: Topic = { kind: 'contact', contactId: person.contactId };
  const pendingMessages: MessageRow[] = [];

  if (event.record) {
    pendingMessages.push({
      conversationId,
      direction: 'INBOUND',
      author: 'USER',
      kind: event.record.kind,
      text: event.record.text ?? null,
      payload: event.record.payload ?? null,
      channelMessageId: event.record.channelMessageId ?? null,
      clientMessageId: event.record.clientMessageId ?? null,
      createdAt: now,
    });
    if (kase) {
      // A person who writes after staff answered is waiting for a human again.
      const staffInvolved = ['ACTIVE', 'WAITING_USER', 'INFO_GIVEN', 'HANDED_OVER'].includes(kase.status);
      if (staffInvolved && kase.assigneeId) {
        const tx = requirePrisma(store, 'a reminder for the counsellor');
        const reminder = await reminderRules.userWaiting(tx, deps.reminderPolicy, kase, kase.waitingSince ?? now);
        if (reminder) post.reminders.push(reminder);
      }
      casePatch.lastUserMessageAt = now;
      if (staffInvolved) casePatch.waitingSinceUnlessSet = now;
      casePatch.resumeIfWaitingForUser = true;
      post.publish.push([{ kind: 'staff' }, { type: 'case', caseId: kase.id, change: 'message' }]);
    }
  }

  if (event.silent) {
    if (isNew) writes.insertConversation({ id: conversationId, contactId: person.contactId, state: null, now, lastInboundAt: now, lastOutboundAt: null });
    else writes.updateConversation({ id: conversationId, now, lastInboundAt: now });
    const silentIds = writes.insertMessages(pendingMessages);
    publishMessages(post, contactTopic, conversationId, silentIds);
    indexPhoneNumbersOf(writes, store.crypto, person.contactId, event.record, silentIds[0], now);
    if (kase && Object.keys(casePatch).length > 0) writes.updateCase(kase.id, now, casePatch);
    return;
  }

  const context = event.input.kind === 'text' && !isNew ? await recentInboundTexts(store.sql, store.crypto, conversationId, now) : [];
  const triage = event.input.kind === 'text' ? deps.triage(event.input.text, context) : null;
  const nextOpening = deps.desk.isOpen(now) ? null : deps.desk.describe(deps.desk.nextOpening(now));
  const returning = comeback ? { consulterType: comeback.consulterType, language: comeback.language } : undefined;
  // Told to the person in danger only as far as it is true: a page goes out when someone is on call.
  const staffReach = nextOpening === null ? 'desk' : deps.oncall && canPageNow(deps.oncall, now) ? 'on_call' : 'none';
  const result = deps.engine.step(previousState, event.input, { now, triage, desk: { open: nextOpening === null, nextOpening }, staffReach, ...(returning ? { returning } : {}) });
  const language = ((result.state as { language?: Language } | null)?.language ?? 'ja') as Language;
  // A comeback reopens or links cases through the domain services: the Prisma path.
  const sqlEffects = !comeback && result.effects.every((effect) => SQL_EFFECTS.has(effect.type));
  if (!sqlEffects) requirePrisma(store, 'effects beyond the intake');

  const lastInboundAt = event.record ? now : null;
  const lastOutboundAt = result.messages.length > 0 ? now : null;
  if (isNew) writes.insertConversation({ id: conversationId, contactId: person.contactId, state: result.state, now, lastInboundAt, lastOutboundAt });
  else writes.updateConversation({ id: conversationId, state: result.state, now, lastInboundAt: lastInboundAt ?? undefined, lastOutboundAt: lastOutboundAt ?? undefined });
  // Each outbound message gets its own millisecond so the stored order is the order sent.
  for (const [index, message] of result.messages.entries()) {
    pendingMessages.push({
      conversationId,
      direction: 'OUTBOUND',
      author: 'BOT',
      kind: message.type,
      text: message.text,
      payload: message as unknown as Prisma.InputJsonValue,
      createdAt: new Date(now.getTime() + index + 1),
    });
  }
  const messageIds = writes.insertMessages(pendingMessages);
  publishMessages(post, contactTopic, conversationId, messageIds);
  // The person's own message comes first among the rows (event.record), so its id is the first.
  indexPhoneNumbersOf(writes, store.crypto, person.contactId, event.record, event.record ? messageIds[0] : undefined, now);

  const effectContext: EffectContext = { conversationId, contactId: person.contactId, channel, language, now, reminderPolicy: deps.reminderPolicy, oncall: deps.oncall };
  if (sqlEffects) {
    // Intake effects only: merged into this statement's case write (see casePatchOf).
    const answers: Parameters<WriteBatch['insertIntakeAnswers']>[0] = [];
    const steps: Parameters<WriteBatch['insertStepEvents']>[0] = [];
    let caseId = kase?.id ?? null;
    const createCase = !kase && result.effects.length > 0;
    if (createCase) caseId = randomUUID();
    for (const effect of result.effects) {
      Object.assign(casePatch, casePatchOf(effect));
      if (effect.type === 'recordAnswer') answers.push({ caseId: caseId!, ...intakeAnswerOf(effect), createdAt: now });
      if (effect.type === 'stepEvent') steps.push({ caseId: caseId!, ...stepEventOf(effect), createdAt: now });
    }
    // A new case has no earlier state to keep: only the intake effects' columns (see insertCase).
    if (createCase) writes.insertCase({ id: caseId!, conversationId, channel, now, patch: { language, lastUserMessageAt: now, ...effectColumns(casePatch) } });
    else if (kase && Object.keys(casePatch).length > 0) writes.updateCase(kase.id, now, casePatch);
    writes.insertIntakeAnswers(answers);
    writes.insertStepEvents(steps);
  } else {
    // The rows the effects build on go first; the domain services then work on them through Prisma.
    if (kase && Object.keys(casePatch).length > 0) writes.updateCase(kase.id, now, casePatch);
    await writes.flush(store.sql);
    const tx = requirePrisma(store, 'effects');
    const outcome = await applyEffects(tx, effectContext, result.effects);
    post.reminders.push(...outcome.reminders);
    post.notifications.push(...outcome.notifications);
    post.pages.push(...outcome.pages);
    if (comeback) {
      const returned = await recordComeback(tx, comeback, outcome.caseId, now, deps.reminderPolicy);
      post.notifications.push(...returned.notifications);
      post.reminders.push(...returned.reminders);
      if (returned.caseId) post.publish.push([{ kind: 'staff' }, { type: 'case', caseId: returned.caseId, change: 'returned' }]);
    }
    if (outcome.dataDeleted) {
      post.publish.push([contactTopic, { type: 'conversation-deleted', conversationId }]);
    }
    if (outcome.staffVisibleChange && outcome.caseId) {
      post.publish.push([{ kind: 'staff' }, { type: 'case', caseId: outcome.caseId, change: outcome.staffVisibleChange }]);
    }
  }

  const reachable = event.input.kind !== 'stop' && !(person.blockedAt && event.input.kind !== 'start');
  if (reachable) {
    post.deliveries.push(...writes.insertDeliveries(deliveryRows(adapter, channel, conversationId, event.channelUserId, result.messages, now, event.replyToken)));
  }
}

function effectColumns({ language, consulterType, stage }: CasePatch): NewCaseColumns {
  return { ...(language ? { language } : {}), ...(consulterType ? { consulterType } : {}), ...(stage ? { stage } : {}) };
}

/** A phone number in what the person wrote finds them later by search, without storing it in clear. */
function indexPhoneNumbersOf(writes: WriteBatch, crypto: DataCrypto, contactId: string, record: { text?: string | null } | null, messageId: string | undefined, now: Date) {
  if (!record?.text || !messageId) return;
  const numbers = extractPhoneNumbers(record.text);
  writes.insertPhoneLookups(numbers.map((digits) => ({ hash: phoneHash(crypto, digits), contactId, messageId, createdAt: now })));
}

function publishMessages(post: PostCommit, topic: Topic, conversationId: string, messageIds: string[]) {
  for (const messageId of messageIds) post.publish.push([topic, { type: 'message', conversationId, messageId }]);
}

/** The channel calls for the core's messages (the first one may use the reply token). */
function deliveryRows(
  adapter: ChannelAdapter,
  channel: Channel,
  conversationId: string,
  recipient: string,
  messages: OutboundMessage[],
  now: Date,
  replyToken?: { token: string; expiresAt: Date },
): DeliveryRow[] {
  if (messages.length === 0) return [];
  const payloads = adapter.render(messages);
  if (!payloads) return [];
  // One millisecond apart: a sender keeps createdAt order (the batches of one answer would tie).
  return payloads.map((payload, index) => ({
    conversationId,
    channel,
    recipient,
    payload,
    createdAt: new Date(now.getTime() + index),
    replyToken: index === 0 ? replyToken : null,
  }));
}

/** Stores the channel calls for `messages` inside a Prisma transaction (a counsellor's reply). */
export async function createDeliveries(
  tx: Prisma.TransactionClient,
  adapter: ChannelAdapter,
  channel: Channel,
  conversationId: string,
  recipient: string,
  messages: OutboundMessage[],
  replyToken?: { token: string; expiresAt: Date },
): Promise<string[]> {
  const writes = new WriteBatch(dataCryptoOf(tx));
  const ids = writes.insertDeliveries(deliveryRows(adapter, channel, conversationId, recipient, messages, new Date(), replyToken));
  await writes.flush(prismaExecutor(tx));
  return ids;
}
