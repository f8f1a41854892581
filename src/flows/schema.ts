// The shape of the files in flows/ and data/hotlines.yaml. Counsellors edit these files, so the
// schema is strict about typos (an unknown field is an error naming it) but lenient about missing
// translations: those are reported by the linter with the file and step, and the runtime falls
// back to Japanese rather than failing in front of a user.
import { z } from 'zod';
import type { ConsulterType, Language } from '../conversation/types.js';
import { MESSAGE_LANGUAGES, crisisTextSchema, type CrisisCatalog } from './crisis-schema.js';

export const LANGUAGES = ['ja', 'en', 'easy'] as const satisfies readonly Language[];
export const CONSULTER_TYPES = [
  'self',
  'family',
  'agency',
  'neighbour',
  'unsure',
] as const satisfies readonly ConsulterType[];

const idPattern = /^[a-z][a-z0-9_]*$/;
const idMessage = 'use lower-case letters, digits and _ (starting with a letter)';
export const idSchema = z.string().regex(idPattern, idMessage);
/** Choice values are stored as answers and travel inside postback data. */
const valueSchema = z.string().regex(/^[a-z0-9][a-z0-9_]*$/, 'use lower-case letters, digits and _');

/** A step reference: `step_id` (same file), `@flow` (that flow's start) or `@flow/step_id`. */
export const refSchema = z
  .string()
  .regex(
    /^(@[a-z][a-z0-9_]*(\/[a-z][a-z0-9_]*)?|[a-z][a-z0-9_]*)$/,
    'write a step id, "@flow" or "@flow/step_id"',
  );

export const localizedTextSchema = z
  .object({ ja: z.string().optional(), en: z.string().optional(), easy: z.string().optional() })
  .strict();
export type LocalizedText = z.infer<typeof localizedTextSchema>;

const wordListSchema = z.array(z.union([z.string(), z.number()]).transform(String));
export const localizedWordsSchema = z
  .object({ ja: wordListSchema.optional(), en: wordListSchema.optional(), easy: wordListSchema.optional() })
  .strict();
export type LocalizedWords = z.infer<typeof localizedWordsSchema>;

const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.union([item, z.array(item)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);

/** All listed parts must hold. `consulter: unsure` also matches "not said yet". */
export const conditionSchema = z
  .object({
    consulter: oneOrMany(z.enum(CONSULTER_TYPES)).optional(),
    /** A consent kind that was granted. */
    consent: z.string().optional(),
    /** answer key → the value (or one of the values) it must have. A skipped answer matches nothing. */
    answer: z.record(z.string(), oneOrMany(valueSchema)).optional(),
  })
  .strict();
export type Condition = z.infer<typeof conditionSchema>;

export const choiceSchema = z
  .object({
    value: valueSchema,
    label: localizedTextSchema,
    /** Where this choice leads; the step's own `next` when absent. */
    next: refSchema.optional(),
    /** Typed words that also select this choice (besides the label itself). */
    words: localizedWordsSchema.optional(),
    /** Tell staff at once when this choice is picked (e.g. "close to my limit"). */
    alert: z.literal('high').optional(),
    /**
     * This answer flags risk: the bot answers at once with the help in `risks.<id>` of
     * flows/crisis.yaml, offers a person now, and queues the case with what was collected so far.
     */
    risk: idSchema.optional(),
  })
  .strict();
export type FlowChoice = z.infer<typeof choiceSchema>;

/** Command buttons a question may show beside its choices. */
export const STEP_COMMAND_BUTTONS = ['language', 'talk', 'help'] as const;

const baseStep = {
  id: idSchema,
  text: localizedTextSchema,
  /** Other wording for a given consulter (e.g. agency staff). */
  textFor: z.partialRecord(z.enum(CONSULTER_TYPES), localizedTextSchema).optional(),
  /** Show the step only when this holds; otherwise go straight on to `next`. */
  when: conditionSchema.optional(),
  /** Skip the step when this holds. */
  unless: conditionSchema.optional(),
};

export const messageStepSchema = z
  .object({
    ...baseStep,
    type: z.literal('message'),
    next: refSchema.optional(),
    link: z.object({ url: z.string().min(1), label: localizedTextSchema }).strict().optional(),
  })
  .strict();

export const questionStepSchema = z
  .object({
    ...baseStep,
    type: z.literal('question'),
    /** The assessment item this question fills. `consulter` also sets who is writing. */
    key: idSchema,
    /** Short name of the item, shown in the summary the user confirms. */
    label: localizedTextSchema,
    choices: z.array(choiceSchema).default([]),
    /** Where skip and free text lead (and choices without their own `next`). */
    next: refSchema.optional(),
    /** Recording a consent: value `yes` grants it, `no` refuses it, anything else records nothing. */
    consent: z.object({ kind: idSchema, version: z.string().min(1) }).strict().optional(),
    commands: z.array(z.enum(STEP_COMMAND_BUTTONS)).optional(),
  })
  .strict();

export const summaryStepSchema = z
  .object({ ...baseStep, type: z.literal('summary'), next: refSchema.optional() })
  .strict();

export const handoffStepSchema = z.object({ ...baseStep, type: z.literal('handoff') }).strict();

export const stepSchema = z.discriminatedUnion('type', [
  messageStepSchema,
  questionStepSchema,
  summaryStepSchema,
  handoffStepSchema,
]);
export type FlowStep = z.infer<typeof stepSchema>;
export type MessageStep = z.infer<typeof messageStepSchema>;
export type QuestionStep = z.infer<typeof questionStepSchema>;
export type SummaryStep = z.infer<typeof summaryStepSchema>;
export type HandoffStep = z.infer<typeof handoffStepSchema>;

export const flowFileSchema = z
  .object({
    /** Optional; when present it must equal the file name. */
    id: idSchema.optional(),
    title: localizedTextSchema.optional(),
    description: z.string().optional(),
    /** The first step; the first in the list when absent. */
    start: idSchema.optional(),
    steps: z.array(stepSchema).min(1),
  })
  .strict();
export type FlowFile = z.infer<typeof flowFileSchema>;

// ----- system messages -----

export const MESSAGE_KEYS = [
  'reply_time_open',
  'reply_time_closed',
  'reply_time_unknown',
  'hotline_line',
  'free_text_ack',
  'stale_button',
  'media_sticker',
  'media_file',
  'media_location',
  'talk_requested',
  'continue_questions_label',
  'continue_label',
  'restart_ack',
  'pause_ack',
  'delete_confirm',
  'delete_yes_label',
  'delete_no_label',
  'delete_done',
  'delete_cancelled',
  'help',
  'language_prompt',
  'language_switched',
  'hotlines',
  'safety',
  'safety_followup',
  'high_ack',
  'resume_prompt',
  'resume_continue_label',
  'welcome_back_after_intake',
  'after_intake_ack',
  'after_intake_ack_short',
  'after_intake_hint',
  'summary_item',
  'summary_skipped',
  'summary_empty',
  'summary_confirm_label',
  'summary_fix_label',
  'fix_prompt',
  'fix_write_label',
  'fix_keep_label',
  'fix_write_prompt',
  'correction_ack',
  'correction_label',
  'note_label',
  'fallback_handoff',
  'checkin_prompt',
  'checkin_stop_label',
  'checkin_stopped',
  'staff_after_hours',
] as const;
export type MessageKey = (typeof MESSAGE_KEYS)[number];

export const messagesFileSchema = z
  .object({ messages: z.record(z.enum(MESSAGE_KEYS), localizedTextSchema) })
  .strict();
export type MessageCatalog = Record<MessageKey, LocalizedText>;

// ----- anywhere commands -----

export const COMMAND_NAMES = [
  'talk',
  'restart',
  'pause',
  'delete',
  'help',
  'language',
  'lang_ja',
  'lang_en',
  'lang_easy',
  'hotlines',
  'start',
  'skip',
  'no_checkin',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export const commandSchema = z
  .object({ button: localizedTextSchema, words: localizedWordsSchema })
  .strict();
export type CommandDefinition = z.infer<typeof commandSchema>;

export const commandsFileSchema = z
  .object({
    commands: z.record(z.enum(COMMAND_NAMES), commandSchema),
    /** Polite endings ignored when matching words ("人と話したいです" → "人と話したい"). */
    politeEndings: wordListSchema.default([]),
  })
  .strict();
export type CommandCatalog = z.infer<typeof commandsFileSchema>;

// ----- crisis numbers -----

export const hotlineSchema = z
  .object({
    id: idSchema,
    name: crisisTextSchema,
    /** A phone number (shown and dialled as a tel: link); absent for a chat service. */
    number: z.union([z.string(), z.number()]).transform(String).optional(),
    /** A chat or SNS service's page (https), for people who cannot phone. */
    url: z.string().regex(/^https:\/\/[^\s]+$/, 'an https:// address').optional(),
    hours: crisisTextSchema,
    /** The languages the line answers in; `any` when it has interpreters (110, 119). Japanese when absent. */
    languages: z.union([z.literal('any'), z.array(z.enum(MESSAGE_LANGUAGES))]).default(['ja']),
    /** Shown in the safety message (24-hour lines). */
    safety: z.boolean().default(false),
    /** Must be re-checked by the desk before launch. */
    verify: z.boolean().default(true),
  })
  .strict()
  .refine((h) => h.number !== undefined || h.url !== undefined, { message: 'give a number or a url' });
export type Hotline = z.infer<typeof hotlineSchema>;

export const hotlinesFileSchema = z
  .object({ checked: z.string().optional(), hotlines: z.array(hotlineSchema).min(1) })
  .strict();

// ----- the loaded catalog -----

export interface Flow {
  id: string;
  /** File name as given to the loader, used in every error. */
  file: string;
  start: string;
  steps: FlowStep[];
}

export interface FlowCatalog {
  /** The flow every new conversation starts with. */
  entryFlow: string;
  flows: Record<string, Flow>;
  messages: MessageCatalog;
  commands: CommandCatalog;
  hotlines: Hotline[];
  /** flows/crisis.yaml: what the bot says in danger, by kind. */
  crisis: CrisisCatalog;
  /** Where messages, commands, hotlines and the crisis texts came from, for reports. */
  files: { messages: string; commands: string; hotlines: string; crisis: string };
}

export const ENTRY_FLOW = 'intake';
