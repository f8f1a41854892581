import { z } from 'zod';
import { describeError, isTransientError } from '../platform/errors.js';
import { dataCryptoOf, Prisma, type Db } from '../db/client.js';
import type { Channel } from '../db/client.js';
import { applyEffects } from '../cases/effects.js';
import type { ConversationContext, ConversationInput, Language, OutboundMessage, StepResult, TriageResult } from '../conversation/types.js';
import type { DeskHours } from '../desk/desk-hours.js';
import type { Queues } from '../jobs/queues.js';
import type { Logger } from '../platform/logger.js';
import type { RealtimeEvent, RealtimePublisher, Topic } from '../realtime/bus.js';
import type { ChannelAdapter, InterpretedEvent } from './channel-adapter.js';
import { lockSource } from './inbox.js';
import { announceNotification } from '../notifications/notifications.js';
import type { ReminderPolicy } from '../reminders/policy.js';
import { reminderRules, scheduleReminderJob } from '../reminders/reminders.js';

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
  triage: (text: string) => TriageResult;
  reminderPolicy: ReminderPolicy;
  logger: Logger;
  now?: () => Date;
}

export const systemEventSchema = z.object({ system: z.enum(['staffJoined', 'staffLeft', 'inactivity', 'checkIn']), channelUserId: z.string() });
export type SystemEvent = z.infer<typeof systemEventSchema>;

/** After this many failed attempts an event is set aside (and audited) so later ones can flow. */
export const MAX_EVENT_ATTEMPTS = 10;

type PostCommit = {
  publish: [Topic, RealtimeEvent][];
  deliveries: string[];
  reminders: { id: string; dueAt: Date }[];
  notifications: string[];
};

/**
 * Processes every stored, unprocessed event of one source (one person on one channel), oldest
 * first, each in its own transaction under an advisory lock on the source. However many
 * workers and instances run, one person's messages are handled one at a time, in order, while
 * different people are handled in parallel.
 */
export async function processSource(deps: PipelineDeps, sourceKey: string): Promise<number> {
  let processed = 0;
  for (;;) {
    let eventId: string | undefined;
    let post: PostCommit | null;
    try {
      post = await deps.db.$transaction(
        async (tx) => {
          await lockSource(tx, sourceKey);
          const event = await tx.inboundEvent.findFirst({
            where: { sourceKey, processedAt: null, attempts: { lt: MAX_EVENT_ATTEMPTS } },
            orderBy: [{ occurredAt: 'asc' }, { receivedAt: 'asc' }],
          });
          if (!event) return null;
          eventId = event.id;
          const adapter = deps.adapters[event.channel];
          if (!adapter) throw new Error(`no adapter for channel ${event.channel}`);
          const result = await handleEvent(tx, deps, adapter, event.channel, interpretStored(adapter, event.payload));
          await tx.inboundEvent.update({ where: { id: event.id }, data: { processedAt: (deps.now ?? (() => new Date()))() } });
          return result;
        },
        { timeout: 20_000, maxWait: 10_000 },
      );
    } catch (error) {
      if (eventId) await recordFailure(deps, eventId, error);
      throw error;
    }
    if (!post) return processed;
    processed++;
    await runPostCommit(deps, post);
    // Most jobs find one event. Look (one query) before opening another locked transaction
    // (four) only to find nothing; an event stored after this look has its own job.
    const more = await deps.db.inboundEvent.findFirst({
      where: { sourceKey, processedAt: null, attempts: { lt: MAX_EVENT_ATTEMPTS } },
      select: { id: true },
    });
    if (!more) return processed;
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
  const results = await Promise.allSettled(post.deliveries.map((id) => deps.queues.add('delivery', id, { deliveryId: id })));
  if (results.some((r) => r.status === 'rejected')) {
    deps.logger.warn('could not enqueue deliveries; the sweeper will pick them up');
  }
}

async function handleEvent(
  tx: Prisma.TransactionClient,
  deps: PipelineDeps,
  adapter: ChannelAdapter,
  channel: Channel,
  interpreted: InterpretedEvent,
): Promise<PostCommit> {
  const now = (deps.now ?? (() => new Date()))();
  const post: PostCommit = { publish: [], deliveries: [], reminders: [], notifications: [] };

  switch (interpreted.kind) {
    case 'ignore':
      return post;

    case 'unsend': {
      const contact = await tx.contact.findUnique({
        where: { channel_channelUserIdHash: { channel, channelUserIdHash: dataCryptoOf(tx).lookupHash(interpreted.channelUserId) } },
      });
      if (!contact) return post;
      const hidden = await tx.message.updateMany({
        where: { channelMessageId: interpreted.channelMessageId, conversation: { contactId: contact.id } },
        data: { hiddenAt: now, text: null, payload: Prisma.DbNull },
      });
      if (hidden.count > 0) post.publish.push([{ kind: 'staff' }, { type: 'case', caseId: '', change: 'message_unsent' }]);
      return post;
    }

    case 'notice': {
      const payloads = adapter.renderNotice?.(interpreted.notice) ?? [];
      for (const [index, payload] of payloads.entries()) {
        const delivery = await tx.outboundDelivery.create({
          data: {
            channel,
            recipient: interpreted.recipient,
            payload,
            ...(index === 0 && interpreted.replyToken
              ? { replyToken: interpreted.replyToken.token, replyTokenExpiresAt: interpreted.replyToken.expiresAt }
              : {}),
          },
        });
        post.deliveries.push(delivery.id);
      }
      return post;
    }

    case 'conversation':
      return handleConversationEvent(tx, deps, adapter, channel, interpreted, now, post);
  }
}

async function handleConversationEvent(
  tx: Prisma.TransactionClient,
  deps: PipelineDeps,
  adapter: ChannelAdapter,
  channel: Channel,
  event: Extract<InterpretedEvent, { kind: 'conversation' }>,
  now: Date,
  post: PostCommit,
): Promise<PostCommit> {
  // Found by the keyed hash of the channel user id: the id itself is stored encrypted.
  const channelUserIdHash = dataCryptoOf(tx).lookupHash(event.channelUserId);
  const contact = await tx.contact.upsert({
    where: { channel_channelUserIdHash: { channel, channelUserIdHash } },
    create: { channel, channelUserId: event.channelUserId, channelUserIdHash, lastSeenAt: now },
    update: {
      lastSeenAt: now,
      // Following again (LINE unblock) makes the person reachable again.
      ...(event.input.kind === 'start' ? { blockedAt: null } : {}),
    },
  });

  let conversation = await tx.conversation.findFirst({
    where: { contactId: contact.id },
    orderBy: { createdAt: 'desc' },
    include: { case: { select: { id: true, status: true } } },
  });
  // A person writing after their case was closed starts a new consultation; the desk's own
  // events (a check-in, a counsellor joining) belong to the conversation they are about.
  const deskEvent = ['staffJoined', 'staffLeft', 'inactivity', 'checkIn'].includes(event.input.kind);
  if (!conversation || (conversation.case?.status === 'CLOSED' && !deskEvent)) {
    conversation = {
      ...(await tx.conversation.create({ data: { contactId: contact.id } })),
      case: null,
    };
  }
  const contactTopic: Topic = { kind: 'contact', contactId: contact.id };

  if (event.record) {
    const message = await tx.message.create({
      data: {
        conversationId: conversation.id,
        direction: 'INBOUND',
        author: 'USER',
        kind: event.record.kind,
        text: event.record.text ?? null,
        payload: event.record.payload,
        channelMessageId: event.record.channelMessageId ?? null,
        clientMessageId: event.record.clientMessageId ?? null,
        createdAt: now,
      },
    });
    post.publish.push([contactTopic, { type: 'message', conversationId: conversation.id, messageId: message.id }]);
    if (conversation.case) {
      const kase = await tx.case.findUniqueOrThrow({ where: { id: conversation.case.id } });
      // A person who writes after staff answered is waiting for a human again.
      const staffInvolved = ['ACTIVE', 'WAITING_USER', 'INFO_GIVEN', 'HANDED_OVER'].includes(kase.status);
      if (staffInvolved && kase.assigneeId) {
        const reminder = await reminderRules.userWaiting(tx, deps.reminderPolicy, kase, kase.waitingSince ?? now);
        if (reminder) post.reminders.push(reminder);
      }
      await tx.case.update({
        where: { id: kase.id },
        data: {
          lastUserMessageAt: now,
          ...(staffInvolved ? { waitingSince: kase.waitingSince ?? now } : {}),
          ...(kase.status === 'WAITING_USER' ? { status: 'ACTIVE' } : {}),
        },
      });
      post.publish.push([{ kind: 'staff' }, { type: 'case', caseId: kase.id, change: 'message' }]);
    }
  }

  if (event.silent) {
    await tx.conversation.update({ where: { id: conversation.id }, data: { lastInboundAt: now } });
    return post;
  }

  const triage = event.input.kind === 'text' ? deps.triage(event.input.text) : null;
  const nextOpening = deps.desk.isOpen(now) ? null : deps.desk.describe(deps.desk.nextOpening(now));
  const result = deps.engine.step(conversation.state ?? null, event.input, {
    now,
    triage,
    desk: { open: nextOpening === null, nextOpening },
  });
  const language = ((result.state as { language?: Language } | null)?.language ?? 'ja') as Language;

  await tx.conversation.update({
    where: { id: conversation.id },
    data: {
      state: result.state as Prisma.InputJsonValue,
      lastInboundAt: event.record ? now : undefined,
      ...(result.messages.length > 0 ? { lastOutboundAt: now } : {}),
    },
  });

  // Each outbound message gets its own millisecond so the stored order is the order sent.
  for (const [index, message] of result.messages.entries()) {
    const stored = await tx.message.create({
      data: {
        conversationId: conversation.id,
        direction: 'OUTBOUND',
        author: 'BOT',
        kind: message.type,
        text: message.text,
        payload: message as unknown as Prisma.InputJsonValue,
        createdAt: new Date(now.getTime() + index + 1),
      },
    });
    post.publish.push([contactTopic, { type: 'message', conversationId: conversation.id, messageId: stored.id }]);
  }

  const outcome = await applyEffects(
    tx,
    { conversationId: conversation.id, contactId: contact.id, channel, language, now, reminderPolicy: deps.reminderPolicy },
    result.effects,
  );
  post.reminders.push(...outcome.reminders);
  post.notifications.push(...outcome.notifications);
  if (outcome.dataDeleted) {
    post.publish.push([contactTopic, { type: 'conversation-deleted', conversationId: conversation.id }]);
  }
  if (outcome.staffVisibleChange && outcome.caseId) {
    post.publish.push([{ kind: 'staff' }, { type: 'case', caseId: outcome.caseId, change: outcome.staffVisibleChange }]);
  }

  const reachable = event.input.kind !== 'stop' && !(contact.blockedAt && event.input.kind !== 'start');
  if (reachable) {
    post.deliveries.push(
      ...(await createDeliveries(tx, adapter, channel, conversation.id, event.channelUserId, result.messages, event.replyToken)),
    );
  }
  return post;
}

/** Stores the channel calls for the core's messages (the first one may use the reply token). */
export async function createDeliveries(
  tx: Prisma.TransactionClient,
  adapter: ChannelAdapter,
  channel: Channel,
  conversationId: string,
  recipient: string,
  messages: OutboundMessage[],
  replyToken?: { token: string; expiresAt: Date },
): Promise<string[]> {
  if (messages.length === 0) return [];
  const payloads = adapter.render(messages);
  if (!payloads) return [];
  const ids: string[] = [];
  // One millisecond apart: a sender keeps createdAt order (the batches of one answer would tie).
  const base = Date.now();
  for (const [index, payload] of payloads.entries()) {
    const delivery = await tx.outboundDelivery.create({
      data: {
        conversationId,
        channel,
        recipient,
        payload,
        createdAt: new Date(base + index),
        ...(index === 0 && replyToken ? { replyToken: replyToken.token, replyTokenExpiresAt: replyToken.expiresAt } : {}),
      },
    });
    ids.push(delivery.id);
  }
  return ids;
}
