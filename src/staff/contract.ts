// The staff API contract: every request body, query and the main responses as zod schemas.
// Routes parse with them; GET /api/staff/openapi.json is generated from them (openapi.ts).
import { z } from 'zod';
import { assessmentSchema } from '../cases/assessment.js';
import { handoverInputSchema } from '../cases/handover.js';
import { MANUAL_STATUSES } from '../cases/status.js';
import { accountInputSchema, accountPatchSchema, STAFF_ROLES } from './accounts.js';
import { MAX_PASSWORD_LENGTH } from './passwords.js';
import { CASE_CHANNELS, caseCard, queueFilterExtras } from './contract-people.js';

export * from './contract-people.js';

export const CASE_STATUSES = ['INTAKE', 'QUEUED', 'ACTIVE', 'WAITING_USER', 'INFO_GIVEN', 'HANDED_OVER', 'CLOSED'] as const;
export const URGENCIES = ['EMERGENCY', 'HIGH', 'NORMAL'] as const;
export const CHANNELS = CASE_CHANNELS;
export const CONSULTER_TYPES = ['SELF', 'FAMILY', 'AGENCY', 'NEIGHBOUR', 'UNSURE'] as const;

const isoDate = z.iso.datetime();
const uuid = z.uuid();

/** `a,b,c` → the listed enum values; an unknown value is a 400. */
const csvOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)));

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

// ----- auth -----

export const loginBody = z
  .object({ email: z.string().trim().min(1).max(254), password: z.string().min(1).max(MAX_PASSWORD_LENGTH * 4) })
  .strict();

export const staffSelf = z
  .object({
    id: uuid,
    name: z.string(),
    email: z.string(),
    role: z.enum(STAFF_ROLES),
    centerCode: z.string().nullable(),
  });

export const loginResponse = z
  .object({ csrfToken: z.string().describe('Send as the x-csrf-token header on every state-changing call.'), staff: staffSelf });

export const passwordChangeBody = z
  .object({ currentPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH * 4), newPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH * 4) })
  .strict();

// ----- the queue -----

export const casesQuery = z
  .object({
    status: z
      .string()
      .default('open')
      .transform((s, ctx) => {
        if (s === 'open' || s === 'closed' || s === 'all') return s;
        const parsed = csvOf(CASE_STATUSES).safeParse(s);
        if (!parsed.success || parsed.data.length === 0) {
          ctx.addIssue({ code: 'custom', message: 'open, closed, all or a comma-separated list of statuses' });
          return z.NEVER;
        }
        return parsed.data;
      })
      .describe('open (default): QUEUED, ACTIVE, WAITING_USER, INFO_GIVEN, and HANDED_OVER while unacknowledged or the person wrote again; closed; all; or a comma-separated list of statuses'),
    urgency: csvOf(URGENCIES).optional().describe('comma-separated: EMERGENCY,HIGH,NORMAL'),
    channel: csvOf(CHANNELS).optional().describe('comma-separated: LINE,WEB,PHONE,WALK_IN,VISIT'),
    consulterType: csvOf(CONSULTER_TYPES).optional().describe('who is writing, comma-separated'),
    mine: flag.optional().describe('only cases assigned to me'),
    unassigned: flag.optional().describe('only cases nobody has claimed'),
    ...queueFilterExtras,
    limit: z.coerce.number().int().min(1).max(500).default(200),
  })
  .strict();

/** A queue card: defined with the people contract (contract-people.ts), shared by the queue, the shift view and search. */
export const queueEntry = caseCard;

export const casesResponse = z
  .object({ cases: z.array(queueEntry).describe('EMERGENCY first, then HIGH, NORMAL; within each, the highest triageScore first, then the longest waiting (waitingSince ascending, nulls last)') });

// ----- acting on a case -----

export const caseIdParams = z.object({ id: uuid }).strict();

export const claimResponse = z
  .object({ case: z.object({ id: uuid, status: z.enum(CASE_STATUSES), assigneeId: uuid, claimedAt: isoDate }) });

export const replyBody = z
  .object({
    text: z
      .string()
      .transform((t) => t.toWellFormed().replaceAll('\u0000', '').trim())
      .pipe(z.string().min(1, 'empty').refine((t) => [...t].length <= 5000, 'at most 5,000 characters (the LINE limit)')),
    clientMessageId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/).optional().describe('idempotency key: a retried send is stored and sent once'),
  })
  .strict();

export const replyResponse = z
  .object({
    message: z.object({ id: uuid, createdAt: isoDate }),
    duplicate: z.boolean(),
    deliverable: z.boolean().describe('false when the person blocked the LINE account: stored, not sent'),
  });

export const noteBody = z.object({ text: z.string().trim().min(1).max(4000) }).strict();

export const statusBody = z
  .object({
    status: z.enum(MANUAL_STATUSES),
    reason: z.string().trim().min(1).max(1000),
    followUpOn: z.iso.date().nullable().optional().describe('the day (Asia/Tokyo, YYYY-MM-DD) to get back in touch: a FOLLOW_UP reminder fires that day; null clears it'),
  })
  .strict();

export const releaseBody = z.object({ reason: z.string().trim().max(1000).optional() }).strict();
export const transferBody = z.object({ toStaffId: uuid, reason: z.string().trim().max(1000).optional() }).strict();
export const consentBody = z
  .object({ granted: z.boolean(), messageId: uuid.describe("the person's message in this conversation that expresses the consent") })
  .strict();

export { assessmentSchema as assessmentBody, handoverInputSchema as handoverBody };

export const acknowledgeBody = z
  .object({ note: z.string().trim().max(1000).optional().describe('required for supervisors: who at the center received it') })
  .strict();

export const handoversQuery = z
  .object({
    state: z.enum(['pending', 'acknowledged', 'all']).default('pending'),
    centerCode: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(200),
  })
  .strict();

export const handoverIdParams = z.object({ id: uuid }).strict();
export const handoverQuery = z.object({ purpose: z.enum(['view', 'print']).default('view') }).strict();

// ----- supervision and administration -----

export const auditQuery = z
  .object({
    caseId: uuid.optional(),
    actorId: uuid.optional(),
    action: z.string().max(100).optional(),
    before: z
      .string()
      .regex(/^\d{1,19}$/)
      .refine((v) => !/^\d{1,19}$/.test(v) || BigInt(v) <= 9_223_372_036_854_775_807n, 'at most 9223372036854775807 (an event id)')
      .optional()
      .describe('page backwards: events with a smaller id'),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .strict();

export const auditEntry = z
  .object({
    id: z.string(),
    at: isoDate,
    actorType: z.string(),
    actorId: z.string().nullable(),
    actorName: z.string().nullable(),
    action: z.string(),
    caseId: z.string().nullable(),
    caseNumber: z.number().int().nullable().describe('the case number staff read (#123); null once the case is deleted'),
    detail: z.unknown(),
    actionLabel: z.string().describe('the action in words'),
    actionText: z.string().describe('what happened, in words naming staff'),
    text: z.string().describe('who did what, one sentence naming staff (never a UUID)'),
  });

export const reportQuery = z
  .object({ from: isoDate.optional(), to: isoDate.optional() })
  .strict();

export { accountInputSchema as accountBody, accountPatchSchema as accountPatch };
export const staffIdParams = z.object({ id: uuid }).strict();

// ----- the console's reference data -----

export const labelsResponse = z.object({
  intake: z
    .record(z.string(), z.object({ label: z.string(), values: z.record(z.string(), z.string()) }))
    .describe('intake answer key → its question label and choice labels (Japanese, from flows/)'),
});
export * from './contract-intake.js';

export * from './contract-center.js';
export * from './contract-crisis.js';
