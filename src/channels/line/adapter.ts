// LINE ⇄ core translation. interpret(): a stored webhook event → a core input plus what staff
// see; render(): the core's messages → LINE message objects within LINE's limits. Pure: no I/O.
import { z } from 'zod';
import type { Choice, MediaKind, OutboundMessage, TapAction } from '../../conversation/types.js';
import { LINE_LIMITS } from '../../conversation/text.js';
import type { Prisma } from '../../db/client.js';
import type { ChannelAdapter, InboundRecord, InterpretedEvent } from '../../pipeline/channel-adapter.js';
import { lineUserId, storedLineEventSchema, type LineEvent } from './events.js';

/**
 * LINE: a reply token works once within one minute of the webhook's arrival. Ten seconds of
 * margin cover queueing and the call itself; after that the sender pushes instead.
 */
export const REPLY_TOKEN_LIFETIME_MS = 50_000;

// LINE's per-request limits (UTF-16 code units, as LINE counts them). The core's flow linter
// checks the same numbers; the adapter still enforces them for texts staff or data produce.
export const MAX_TEXT_UNITS = LINE_LIMITS.textLength;
export const MAX_MESSAGES_PER_CALL = LINE_LIMITS.messagesPerReply;
export const MAX_QUICK_REPLY_ITEMS = LINE_LIMITS.choicesPerMessage;
export const MAX_LABEL_UNITS = LINE_LIMITS.labelLength;
export const MAX_DATA_UNITS = LINE_LIMITS.dataLength;
const MAX_DISPLAY_TEXT_UNITS = 300;
const MAX_BUTTONS_TEXT_UNITS = 160; // buttons template without title or image
const MAX_ALT_TEXT_UNITS = 400;
const MAX_URI_UNITS = 1000;

const ONE_TO_ONE_NOTICE = [
  'ご相談は、1対1のトークでお受けしています。',
  'グループやトークルームではお返事できません。よろしければ、このアカウントを友だち追加して、個別のトークからお気軽にメッセージをお送りください。',
  '',
  'Consultations here are one-to-one. Please add this account as a friend and write to us in a private chat.',
].join('\n');

// ---------------------------------------------------------------- postback data

/**
 * A postback event does not carry the text the user saw ("displayText"), so the label travels
 * inside the data after a newline: staff then read 「家族のこと」, not `a:intake:who:family`. The
 * core's data never contains a newline (its tokens are [a-z0-9_:]).
 */
export function encodePostbackData(data: string, displayText: string | undefined): string {
  if (!displayText || displayText.includes('\n')) return data;
  const encoded = `${data}\n${displayText}`;
  return encoded.length <= MAX_DATA_UNITS ? encoded : data;
}

export function decodePostbackData(raw: string): { data: string; displayText: string | null } {
  const newline = raw.indexOf('\n');
  if (newline === -1) return { data: raw, displayText: null };
  return { data: raw.slice(0, newline), displayText: raw.slice(newline + 1) || null };
}

// ---------------------------------------------------------------- interpret

const messageBaseSchema = z.looseObject({ id: z.string().min(1), type: z.string() });
const contentProviderSchema = z.looseObject({
  type: z.string(),
  originalContentUrl: z.string().optional(),
  previewImageUrl: z.string().optional(),
});
const mediaMessageSchemas = {
  text: z.looseObject({ text: z.string(), quotedMessageId: z.string().optional() }),
  sticker: z.looseObject({
    packageId: z.string(),
    stickerId: z.string(),
    stickerResourceType: z.string().optional(),
    keywords: z.array(z.string()).optional(),
    text: z.string().optional(),
  }),
  image: z.looseObject({
    contentProvider: contentProviderSchema.optional(),
    imageSet: z.looseObject({ id: z.string(), index: z.number().optional(), total: z.number().optional() }).optional(),
  }),
  video: z.looseObject({ contentProvider: contentProviderSchema.optional(), duration: z.number().optional() }),
  audio: z.looseObject({ contentProvider: contentProviderSchema.optional(), duration: z.number().optional() }),
  file: z.looseObject({ fileName: z.string().optional(), fileSize: z.number().optional() }),
  location: z.looseObject({
    title: z.string().nullish(),
    address: z.string().nullish(),
    latitude: z.number(),
    longitude: z.number(),
  }),
} as const;

const postbackSchema = z.looseObject({
  data: z.string(),
  params: z.record(z.string(), z.unknown()).optional(),
});

/** Only the listed keys whose value is present: a record keeps what staff need, nothing more. */
function pick(source: Record<string, unknown>, keys: string[]): Record<string, Prisma.InputJsonValue> {
  const result: Record<string, Prisma.InputJsonValue> = {};
  for (const key of keys) {
    const value = source[key];
    if (value !== undefined && value !== null) result[key] = value as Prisma.InputJsonValue;
  }
  return result;
}

const ignore = (reason: string): InterpretedEvent => ({ kind: 'ignore', reason });

function interpretMessage(event: LineEvent, userId: string): InterpretedEvent {
  const base = messageBaseSchema.safeParse(event.message);
  if (!base.success) return ignore('malformed message event');
  const message = base.data;
  if (!Object.hasOwn(mediaMessageSchemas, message.type)) return ignore(`unsupported message type ${message.type}`);
  const type = message.type as keyof typeof mediaMessageSchemas;
  const parsed = mediaMessageSchemas[type].safeParse(message);
  if (!parsed.success) return ignore(`malformed ${message.type} message`);
  const fields = parsed.data as Record<string, unknown>;

  if (type === 'text') {
    const text = fields.text as string;
    // The mark-as-read token is kept (encrypted with the message) for when a counsellor opens the chat.
    const quoted = pick(fields, ['quotedMessageId', 'markAsReadToken']);
    const record: InboundRecord = {
      kind: 'text',
      text,
      channelMessageId: message.id,
      ...(Object.keys(quoted).length > 0 ? { payload: quoted } : {}),
    };
    return { kind: 'conversation', channelUserId: userId, input: { kind: 'text', text }, record };
  }

  // Content stays on LINE's side: we keep what staff need to know what arrived, never the bytes.
  const keep: Record<Exclude<typeof type, 'text'>, string[]> = {
    sticker: ['packageId', 'stickerId', 'stickerResourceType', 'keywords', 'text'],
    image: ['contentProvider', 'imageSet'],
    video: ['contentProvider', 'duration'],
    audio: ['contentProvider', 'duration'],
    file: ['fileName', 'fileSize'],
    location: ['title', 'address', 'latitude', 'longitude'],
  };
  return {
    kind: 'conversation',
    channelUserId: userId,
    input: { kind: 'media', media: type as MediaKind },
    record: { kind: type, text: null, payload: pick(fields, [...keep[type], 'markAsReadToken']), channelMessageId: message.id },
  };
}

type ReplyToken = { token: string; expiresAt: Date };

function interpretUserEvent(event: LineEvent, userId: string, replyToken: ReplyToken | undefined): InterpretedEvent {
  switch (event.type) {
    case 'follow': {
      const follow = z.looseObject({ isUnblocked: z.boolean().optional() }).safeParse(event.follow ?? {});
      const returning = follow.success && follow.data.isUnblocked === true;
      return { kind: 'conversation', channelUserId: userId, input: { kind: 'start', returning }, record: null, ...(replyToken ? { replyToken } : {}) };
    }
    case 'unfollow':
      return { kind: 'conversation', channelUserId: userId, input: { kind: 'stop' }, record: null };
    case 'message': {
      const interpreted = interpretMessage(event, userId);
      if (interpreted.kind !== 'conversation') return interpreted;
      return { ...interpreted, ...(replyToken ? { replyToken } : {}) };
    }
    case 'postback': {
      const postback = postbackSchema.safeParse(event.postback);
      if (!postback.success) return ignore('malformed postback event');
      const { data, displayText } = decodePostbackData(postback.data.data);
      return {
        kind: 'conversation',
        channelUserId: userId,
        input: { kind: 'choice', data },
        record: {
          kind: 'choice',
          text: displayText ?? data,
          payload: { data, ...(postback.data.params ? { params: postback.data.params as Prisma.InputJsonValue } : {}) },
        },
        ...(replyToken ? { replyToken } : {}),
      };
    }
    case 'unsend': {
      const unsend = z.looseObject({ messageId: z.string().min(1) }).safeParse(event.unsend);
      if (!unsend.success) return ignore('malformed unsend event');
      return { kind: 'unsend', channelUserId: userId, channelMessageId: unsend.data.messageId };
    }
    default:
      return ignore(`event type ${event.type} needs no action`);
  }
}

/** Reads what the webhook stored (see `StoredLineEvent`). */
export function interpretLineEvent(payload: unknown): InterpretedEvent {
  const stored = storedLineEventSchema.safeParse(payload);
  if (!stored.success) return ignore('malformed stored LINE event');
  const { event, receivedAt } = stored.data;
  // Standby: another channel (e.g. a chat tool staff use) holds the chat. Record, never answer.
  const standby = event.mode === 'standby';
  const replyToken =
    !standby && event.replyToken
      ? { token: event.replyToken, expiresAt: new Date(Date.parse(receivedAt) + REPLY_TOKEN_LIFETIME_MS) }
      : undefined;

  const source = event.source;
  if (source?.type === 'group' || source?.type === 'room') {
    const recipient = source.type === 'group' ? source.groupId : source.roomId;
    if (!recipient || standby) return ignore('group or room event needs no answer');
    if (['message', 'follow', 'join', 'postback'].includes(event.type)) {
      return { kind: 'notice', recipient, notice: 'one_to_one_only', ...(replyToken ? { replyToken } : {}) };
    }
    return ignore(`group or room event ${event.type} needs no answer`);
  }

  const userId = lineUserId(event);
  if (!userId) return ignore('event without a user');
  const interpreted = interpretUserEvent(event, userId, replyToken);
  // An unfollow in standby still makes the person unreachable, so it runs as usual (it never answers).
  if (standby && interpreted.kind === 'conversation' && interpreted.input.kind !== 'stop') {
    return { ...interpreted, silent: true };
  }
  return interpreted;
}

// ---------------------------------------------------------------- render

/** A LINE message object as Yorisoi sends it (text or buttons template). */
export type LineMessage = Record<string, Prisma.InputJsonValue> & { type: string; quickReply?: Prisma.InputJsonValue };

/** One LINE API call's worth of messages: what a delivery stores and the sender posts. */
export interface LinePayload {
  messages: LineMessage[];
}

const graphemes = new Intl.Segmenter('ja', { granularity: 'grapheme' });

/** The longest prefix of whole characters (grapheme clusters) within `maxUnits` UTF-16 units. */
function prefixWithin(text: string, maxUnits: number): string {
  if (text.length <= maxUnits) return text;
  let end = 0;
  for (const { segment } of graphemes.segment(text)) {
    if (end + segment.length > maxUnits) break;
    end += segment.length;
  }
  // A single cluster longer than the limit (pathological): never cut inside a surrogate pair.
  if (end === 0) {
    end = maxUnits;
    const code = text.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff) end--;
  }
  return text.slice(0, end);
}

/** Shortens to `maxUnits`, marking the cut with '…', never splitting a character. */
export function truncate(text: string, maxUnits: number): string {
  if (text.length <= maxUnits) return text;
  return `${prefixWithin(text, maxUnits - 1)}…`;
}

const SENTENCE_ENDS = new Set(['。', '！', '？', '!', '?', '．', '\n']);

/**
 * Splits a text into parts of at most `maxUnits` UTF-16 units, preferring a paragraph break,
 * then a sentence end, then a space; a part is never shorter than half the limit unless the
 * text ends, and a character is never cut in two.
 */
export function splitText(text: string, maxUnits: number = MAX_TEXT_UNITS): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > maxUnits) {
    const window = rest.slice(0, maxUnits);
    const floor = Math.floor(maxUnits / 2);
    let cut = window.lastIndexOf('\n\n');
    if (cut < floor) {
      cut = -1;
      for (let i = window.length - 1; i >= floor; i--) {
        const ch = window[i]!;
        if (SENTENCE_ENDS.has(ch) || (ch === '.' && /\s/.test(rest[i + 1] ?? ''))) {
          cut = i + 1;
          break;
        }
      }
    }
    if (cut < floor) cut = Math.max(window.lastIndexOf(' '), window.lastIndexOf('　')) + 1;
    if (cut < floor) cut = prefixWithin(rest, maxUnits).length;
    const part = rest.slice(0, cut).trimEnd();
    if (part) parts.push(part);
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest) parts.push(rest);
  return parts.length > 0 ? parts : [text];
}

function choiceAction(choice: Choice): Prisma.InputJsonValue {
  const label = truncate(choice.label, MAX_LABEL_UNITS) || '…';
  const displayText = truncate(choice.label, MAX_DISPLAY_TEXT_UNITS) || label;
  if (choice.data.length <= MAX_DATA_UNITS) {
    return { type: 'postback', label, data: encodePostbackData(choice.data, displayText), displayText };
  }
  // Data LINE cannot carry: the label, sent as the user's text, is matched by the core instead.
  return { type: 'message', label, text: displayText };
}

function textMessages(text: string): LineMessage[] {
  return splitText(text.length > 0 ? text : '…').map((part) => ({ type: 'text', text: part }));
}

function absoluteUrl(url: string, publicBaseUrl: string): string {
  if (url.startsWith('/') && !url.startsWith('//')) return `${publicBaseUrl}${url}`;
  return url;
}

function renderOne(message: OutboundMessage, publicBaseUrl: string): LineMessage[] {
  switch (message.type) {
    case 'actions': {
      const bubble = tapTargetBubble(message.text, message.actions);
      const shown = message.choices.slice(0, MAX_QUICK_REPLY_ITEMS);
      if (shown.length > 0) bubble.quickReply = { items: shown.map((choice) => ({ type: 'action', action: choiceAction(choice) })) };
      return [bubble];
    }
    case 'text':
      return textMessages(message.text);
    case 'choices': {
      const shown = message.choices.slice(0, MAX_QUICK_REPLY_ITEMS);
      // More choices than LINE shows as buttons: list the rest, the core also accepts them typed.
      const overflow = message.choices.slice(MAX_QUICK_REPLY_ITEMS).map((c) => `・${c.label}`);
      const text = overflow.length > 0 ? `${message.text}\n\n${overflow.join('\n')}` : message.text;
      const parts = textMessages(text);
      if (shown.length > 0) {
        const last = parts[parts.length - 1]!;
        last.quickReply = { items: shown.map((choice) => ({ type: 'action', action: choiceAction(choice) })) };
      }
      return parts;
    }
    case 'link': {
      const url = absoluteUrl(message.url, publicBaseUrl);
      const fitsButtons =
        message.text.length > 0 &&
        message.text.length <= MAX_BUTTONS_TEXT_UNITS &&
        url.length <= MAX_URI_UNITS &&
        /^https?:\/\//.test(url);
      if (!fitsButtons) return textMessages(`${message.text}\n${url}`);
      return [
        {
          type: 'template',
          altText: truncate(`${message.text}\n${url}`, MAX_ALT_TEXT_UNITS),
          template: {
            type: 'buttons',
            text: message.text,
            actions: [{ type: 'uri', label: truncate(message.label || url, MAX_LABEL_UNITS), uri: url }],
          },
        },
      ];
    }
  }
}

/** Flex texts have no documented limit of their own; the bubble must stay well under LINE's 30 KB. */
const MAX_FLEX_TEXT_UNITS = 2000;
const MAX_TAP_TARGETS = 10;

/**
 * A crisis answer as one flex bubble: the words, then each line with its name and hours above a
 * button that dials it (URI action `tel:`) or opens the chat. A flex message rather than a
 * buttons template (at most 4 actions, 160 characters of text) or quick replies (gone after
 * the next message, so the numbers could no longer be tapped). The alt text, shown in the chat
 * list and notifications, carries the numbers too.
 */
function tapTargetBubble(text: string, actions: TapAction[]): LineMessage {
  const shown = actions.filter((a) => /^(tel:[0-9+]+|https:\/\/\S+)$/.test(a.uri) && a.uri.length <= MAX_URI_UNITS).slice(0, MAX_TAP_TARGETS);
  const numbers = shown.map((a) => `・${a.name} ${a.uri.startsWith('tel:') ? a.label : a.uri}`).join('\n');
  const rows = shown.map((a, i) => ({
    type: 'box',
    layout: 'vertical',
    spacing: 'xs',
    contents: [
      { type: 'text', text: truncate(a.name || a.label, 200), weight: 'bold', size: 'sm', wrap: true },
      ...(a.hours ? [{ type: 'text', text: truncate(a.hours, 200), size: 'xs', color: '#555555', wrap: true }] : []),
      {
        type: 'button',
        style: i === 0 ? 'primary' : 'secondary',
        height: 'sm',
        ...(i === 0 ? { color: '#B3261E' } : {}),
        action: { type: 'uri', label: truncate(a.label, MAX_LABEL_UNITS) || '…', uri: a.uri },
      },
    ],
  }));
  return {
    type: 'flex',
    altText: truncate(`${text}\n${numbers}`, MAX_ALT_TEXT_UNITS),
    contents: {
      type: 'bubble',
      body: {
        type: 'box',
        layout: 'vertical',
        spacing: 'lg',
        contents: [{ type: 'text', text: truncate(text || '…', MAX_FLEX_TEXT_UNITS), wrap: true }, ...rows],
      },
    },
  };
}

/**
 * The core's messages as LINE API calls of at most five messages each. Only the last message of
 * a call can show quick-reply buttons, so a message with buttons always ends its call.
 */
export function renderLineMessages(messages: OutboundMessage[], publicBaseUrl: string): LinePayload[] {
  const calls: LinePayload[] = [];
  let current: LineMessage[] = [];
  for (const message of messages.flatMap((m) => renderOne(m, publicBaseUrl))) {
    current.push(message);
    if (current.length === MAX_MESSAGES_PER_CALL || message.quickReply) {
      calls.push({ messages: current });
      current = [];
    }
  }
  if (current.length > 0) calls.push({ messages: current });
  return calls;
}

export function createLineAdapter(publicBaseUrl: string): ChannelAdapter {
  const base = publicBaseUrl.replace(/\/+$/, '');
  return {
    channel: 'LINE',
    interpret: interpretLineEvent,
    render: (messages) => renderLineMessages(messages, base) as unknown as Prisma.InputJsonValue[],
    renderNotice: () => [{ messages: [{ type: 'text', text: ONE_TO_ONE_NOTICE }] }],
  };
}
