// The staff API contract for people (#16): the person behind the cases, every way the desk is
// reached, finding work, replying. Re-exported from contract.ts; routes in people-routes.ts.
// Imports nothing from contract.ts (that file imports this one).
import { z } from 'zod';

const isoDate = z.iso.datetime();
const uuid = z.uuid();

/** Every way a case reaches the desk: the two chat channels and what staff record. */
export const CASE_CHANNELS = ['LINE', 'WEB', 'PHONE', 'WALK_IN', 'VISIT'] as const;
/** What a counsellor records by hand (phone call, walk-in at the desk, a visit). */
export const DESK_CONTACT_MODES = ['PHONE', 'WALK_IN', 'VISIT'] as const;
const STATUSES = ['INTAKE', 'QUEUED', 'ACTIVE', 'WAITING_USER', 'INFO_GIVEN', 'HANDED_OVER', 'CLOSED'] as const;
const URGENCY = ['EMERGENCY', 'HIGH', 'NORMAL'] as const;
const WHO = ['SELF', 'FAMILY', 'AGENCY', 'NEIGHBOUR', 'UNSURE'] as const;
export const LINK_KINDS = ['household', 'continuation'] as const;

/** Text from staff: no NUL, no lone surrogates, trimmed. */
const staffText = (max: number) =>
  z
    .string()
    .max(max * 2)
    .transform((t) => t.toWellFormed().replaceAll('\u0000', '').trim())
    .pipe(z.string().refine((t) => [...t].length <= max, `at most ${max} characters`));

// ----- the queue card (GET /cases, the shift view, search) -----

export const caseCard = z.object({
  id: uuid,
  number: z.number().int().describe('the case number staff say and search by (#123)'),
  urgency: z.enum(URGENCY),
  status: z.enum(STATUSES),
  waitingSince: isoDate.nullable().describe('since when the person has been waiting for a human; null when nobody waits'),
  assigneeId: uuid.nullable(),
  assigneeName: z.string().nullable(),
  channel: z.enum(CASE_CHANNELS),
  consulterType: z.enum(WHO).nullable(),
  language: z.string(),
  stage: z.string().nullable(),
  queuedAt: isoDate.nullable(),
  claimedAt: isoDate.nullable(),
  lastUserMessageAt: isoDate.nullable(),
  lastStaffMessageAt: isoDate.nullable(),
  followUpAt: isoDate.nullable(),
  createdAt: isoDate,
  triageScore: z.number().int().min(0).max(100).describe('highest triage score of the case (0–100): the order within a level'),
  preview: z
    .object({
      helpWanted: z.string().nullable().describe('coded intake answer (help_wanted); its words: labels-people / the catalogue'),
      signals: z.array(z.string()).describe('triage rule ids'),
      kinds: z.array(z.string()).describe('kinds of danger read (suicide, medical, …)'),
      handoverPending: z.boolean(),
      dataDeleted: z.boolean(),
    })
    .describe('coded, non-personal data'),
  unread: z.number().int().min(0).describe("the person's messages since you last looked (per staff member; all of them if you never opened the case)"),
  newSinceSeen: z.boolean().describe('anything happened (a message either way) since you last looked'),
  seenAt: isoDate.nullable().describe('when you last looked'),
  lastMessage: z
    .object({ author: z.enum(['user', 'bot', 'staff']), text: z.string().describe('the first 80 characters'), at: isoDate })
    .nullable()
    .describe('the latest message, shortened; null when there is none or the person deleted their data'),
  returning: z.boolean().describe('the person had an earlier case (reopened, or a linked new case)'),
  householdLinks: z.number().int().min(0),
});

export const queueFilterExtras = {
  unread: z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1').optional().describe('only cases with messages you have not seen'),
  stage: z.string().max(64).optional().describe('support stage code'),
  assigneeId: uuid.optional().describe('cases held by this colleague (supervisors)'),
  number: z.coerce.number().int().min(1).max(2_147_483_647).optional().describe('one case by its number'),
};

// ----- the person (contact) view -----

export const personParams = z.object({ id: uuid }).strict();

export const personCase = z.object({
  id: uuid,
  number: z.number().int(),
  status: z.enum(STATUSES),
  urgency: z.enum(URGENCY),
  channel: z.enum(CASE_CHANNELS),
  consulterType: z.enum(WHO).nullable(),
  assigneeName: z.string().nullable(),
  createdAt: isoDate,
  closedAt: isoDate.nullable(),
  dataDeleted: z.boolean(),
});

export const timelineEntry = z.object({
  id: z.string().describe('unique within the timeline, e.g. message:<uuid>'),
  kind: z.enum(['message', 'note', 'assessment', 'handover', 'desk_contact', 'event']),
  at: isoDate,
  caseId: uuid,
  caseNumber: z.number().int(),
  channel: z.enum(CASE_CHANNELS).describe('where it happened: the message channel, the desk contact mode, else the case channel'),
  author: z.enum(['user', 'bot', 'staff', 'system']),
  staffName: z.string().nullable(),
  title: z.string().describe('plain Japanese words for what this is (電話, メモ, つなぎ …)'),
  text: z.string().nullable().describe('what was said or written; null where the words were deleted'),
  durationMinutes: z.number().int().nullable().optional(),
});

export const caseLinkView = z.object({
  id: uuid,
  kind: z.enum(LINK_KINDS),
  kindLabel: z.string(),
  caseId: uuid.describe('the other case'),
  caseNumber: z.number().int(),
  status: z.enum(STATUSES),
  consulterType: z.enum(WHO).nullable(),
  createdAt: isoDate,
  createdByName: z.string().nullable(),
});

export const personResponse = z.object({
  person: z.object({
    id: uuid,
    channel: z.enum(CASE_CHANNELS).describe('how this person first reached the desk'),
    language: z.string(),
    firstContactAt: isoDate,
    lastSeenAt: isoDate,
    blocked: z.boolean(),
  }),
  cases: z.array(personCase).describe('newest first; every case of this person on every channel'),
  links: z.array(caseLinkView).describe('household links of any of these cases'),
  timeline: z.array(timelineEntry).describe('oldest first, across all cases; at most 2,000 entries (the newest)'),
  truncated: z.boolean(),
});

// ----- links between cases -----

export const caseLinkParams = z.object({ id: uuid, linkId: uuid }).strict();
export const caseLinkBody = z
  .object({
    otherCase: z.union([uuid, z.coerce.number().int().min(1).max(2_147_483_647)]).describe('the other case: its id or its number'),
    kind: z.literal('household').default('household'),
  })
  .strict();
export const caseLinksResponse = z.object({ links: z.array(caseLinkView) });
export const caseLinkResponse = z.object({ link: caseLinkView });

// ----- desk contacts (phone, walk-in, visit) -----

export const deskContactFields = {
  mode: z.enum(DESK_CONTACT_MODES),
  consulterType: z.enum(WHO).nullable().default(null).describe('who the desk spoke with'),
  occurredAt: isoDate.describe('when it began'),
  durationMinutes: z.number().int().min(0).max(24 * 60).nullable().default(null),
  summary: staffText(8000).pipe(z.string().min(1, 'empty')).describe('what was said (encrypted at rest, deleted with the person)'),
};
export const deskContactBody = z.object(deskContactFields).strict();
export const newDeskContactBody = z
  .object({
    ...deskContactFields,
    samePersonAsCaseId: uuid.optional().describe("a case of the same person (the new case joins that person's history); omitted: a new person"),
  })
  .strict();

export const deskContactView = z.object({
  id: uuid,
  caseId: uuid,
  mode: z.enum(DESK_CONTACT_MODES),
  modeLabel: z.string(),
  consulterType: z.enum(WHO).nullable(),
  occurredAt: isoDate,
  durationMinutes: z.number().int().nullable(),
  summary: z.string().nullable(),
  recordedById: uuid,
  recordedByName: z.string().nullable(),
  createdAt: isoDate,
});
export const deskContactResponse = z.object({ deskContact: deskContactView, case: z.object({ id: uuid, number: z.number().int(), status: z.enum(STATUSES) }) });
export const deskContactsResponse = z.object({ deskContacts: z.array(deskContactView) });

// ----- search -----

export const searchQuery = z
  .object({
    q: staffText(200).pipe(z.string().min(1, 'empty')).describe('#123 or 123: a case number; a phone number (10–11 digits, any punctuation); else words'),
    limit: z.coerce.number().int().min(1).max(100).default(30),
  })
  .strict();
export const searchResult = z.object({
  matchedBy: z.enum(['number', 'phone', 'words']),
  excerpt: z.string().nullable().describe('for words: the matching passage, about 60 characters'),
  case: caseCard,
});
export const searchResponse = z.object({
  results: z.array(searchResult),
  scope: z.string().describe('what was searched, in words (the bounded scan for words)'),
});

// ----- seen / read, typing -----

export const readBody = z
  .object({ chat: z.boolean().default(true).describe('the conversation is open on screen: the person\'s messages are marked read (LINE mark-as-read, 既読 on the web chat)') })
  .strict();
export const readResponse = z.object({ seenAt: isoDate, readUpTo: isoDate.nullable().describe('null when you may not work this case (you only looked)') });
export const typingBody = z.object({ on: z.boolean() }).strict();

// ----- the shift view -----

export const shiftResponse = z.object({
  day: z.iso.date().describe('today in Kyoto (Asia/Tokyo)'),
  mine: z.array(caseCard).describe('my open cases'),
  followUpsToday: z.array(caseCard).describe('follow-ups due today or overdue (mine; every case for supervisors)'),
  waitingForReply: z.array(caseCard).describe('the person wrote and waits for a human (mine and unassigned; all for supervisors)'),
  handoversUnacknowledged: z.array(
    z.object({ handoverId: uuid, caseId: uuid, caseNumber: z.number().int(), centerCode: z.string(), centerName: z.string(), createdAt: isoDate, createdByName: z.string().nullable() }),
  ),
});

// ----- reply templates in every language the bot speaks -----

export const REPLY_LANGUAGES = ['ja', 'easy', 'en', 'zh', 'ko', 'vi', 'pt'] as const;
export const replyTemplatesQuery = z
  .object({
    q: staffText(100).optional().describe('words in the title, category, shortcut or text (case- and width-insensitive)'),
    language: z.enum(REPLY_LANGUAGES).optional().describe("the person's language: each template in it, or Japanese where it has none"),
  })
  .strict();
export const replyTemplateView = z.object({
  id: z.string(),
  shortcut: z.string().describe('type /shortcut in the reply box'),
  category: z.string(),
  title: z.string(),
  language: z.enum(REPLY_LANGUAGES).describe('the language of `text`'),
  text: z.string(),
  languages: z.array(z.enum(REPLY_LANGUAGES)).describe('languages this template exists in'),
});
export const replyTemplatesResponse = z.object({ templates: z.array(replyTemplateView) });
