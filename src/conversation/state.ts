// The conversation state the pipeline stores as JSON between turns. It is validated on the way in
// (a stored value from an older release, or a corrupted one, must never crash the core); `version`
// lets a later release migrate old shapes.
import { z } from 'zod';
import { CONSULTER_TYPES, LANGUAGES } from '../flows/schema.js';
import { CRISIS_LANGUAGES, DANGER_KINDS } from '../flows/crisis-schema.js';

export const STATE_VERSION = 1;

/**
 * - `new`: nothing shown yet (or the user's data was deleted).
 * - `intake`: walking the flows; `cursor` is the question waiting for an answer.
 * - `safety`: an emergency was flagged; no questions until the user chooses to continue or staff join.
 * - `handedOff`: the intake was handed to staff (completed, or the user asked for a person);
 *   messages are acknowledged and passed on.
 * - `staff`: a counsellor has joined; the bot stays quiet except for data deletion.
 */
export const PHASES = ['new', 'intake', 'safety', 'handedOff', 'staff'] as const;
export type Phase = (typeof PHASES)[number];

/** A sub-question the bot is waiting on, on top of the phase. */
export const PENDING = ['resume', 'deleteConfirm', 'fixMenu', 'fixWrite', 'safetyCheck'] as const;
export type Pending = (typeof PENDING)[number];

const stepRefSchema = z.object({ flow: z.string(), step: z.string() });
export type StepRef = z.infer<typeof stepRefSchema>;

export const conversationStateSchema = z.object({
  version: z.literal(STATE_VERSION),
  phase: z.enum(PHASES),
  language: z.enum(LANGUAGES),
  consulterType: z.enum(CONSULTER_TYPES).nullable(),
  cursor: stepRefSchema.nullable(),
  /** After correcting one item from the summary, go back to this step (the summary). */
  returnTo: stepRefSchema.nullable(),
  pending: z.enum(PENDING).nullable(),
  /** Phase to go back to when the user leaves the safety pause. */
  safetyReturn: z.enum(['intake', 'handedOff']).nullable(),
  intakeCompleted: z.boolean(),
  /** Insertion order is the order of the summary. */
  answers: z.record(z.string(), z.string().nullable()),
  /** Kept short here (see MAX_FREE_TEXT_*); the recordAnswer effect carries the full text. */
  freeText: z.record(z.string(), z.array(z.string())),
  consents: z.record(z.string(), z.boolean()),
  /** Where each answer key was asked, so the summary can go back to it. */
  answeredAt: z.record(z.string(), stepRefSchema),
  alerts: z.object({ high: z.boolean(), staffEmergency: z.boolean() }),
  caseOpened: z.boolean(),
  /** The user blocked / unfollowed; cleared by their next message. */
  contactStopped: z.boolean(),
  /** An `inactive` hand-off was sent for the current idle period. */
  inactiveQueued: z.boolean(),
  /** ISO time of the last queueForStaff, to pace `message_after_intake`. */
  lastQueuedAt: z.string().nullable(),
  /** ISO time of the last input from the user, to notice a return after a long gap. */
  lastActivityAt: z.string().nullable(),
  /** ISO time of the last "a counsellor will reply when the desk opens" note while staff hold the chat. */
  afterHoursAckAt: z.string().nullable().default(null),
  /** The current crisis (see conversation/crisis.ts); older stored states have none. */
  crisis: z
    .object({
      /** ISO time the crisis answer was first given; null when no crisis is going on. */
      since: z.string().nullable(),
      /** The language the crisis answers are written in (the person's, as triage read it). */
      language: z.enum(CRISIS_LANGUAGES).nullable(),
      /** Kinds of danger whose answer (with its list of numbers) was already shown in this crisis. */
      shown: z.array(z.enum(DANGER_KINDS)),
      /** The kinds read in the message that brought up the safety question. */
      asking: z.array(z.enum(DANGER_KINDS)),
      /** ISO time the direct safety question was last asked (never twice within the cooldown). */
      askedAt: z.string().nullable(),
    })
    .default({ since: null, language: null, shown: [], asking: [], askedAt: null }),
});
export type ConversationState = z.infer<typeof conversationStateSchema>;

/** Free text kept in state for the summary: the latest entries, each cut to this length. */
export const MAX_FREE_TEXT_LENGTH = 1000;
export const MAX_FREE_TEXT_ENTRIES = 10;

export function initialState(language: ConversationState['language'] = 'ja'): ConversationState {
  return {
    version: STATE_VERSION,
    phase: 'new',
    language,
    consulterType: null,
    cursor: null,
    returnTo: null,
    pending: null,
    safetyReturn: null,
    intakeCompleted: false,
    answers: {},
    freeText: {},
    consents: {},
    answeredAt: {},
    alerts: { high: false, staffEmergency: false },
    caseOpened: false,
    contactStopped: false,
    inactiveQueued: false,
    lastQueuedAt: null,
    lastActivityAt: null,
    afterHoursAckAt: null,
    crisis: { since: null, language: null, shown: [], asking: [], askedAt: null },
  };
}

/**
 * Reads a stored state. Returns null when it is not a state this release understands; the core
 * then starts a fresh conversation instead of failing. Future versions migrate here.
 */
export function parseConversationState(value: unknown): ConversationState | null {
  const parsed = conversationStateSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
