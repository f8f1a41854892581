// The shape of flows/crisis.yaml: what the bot says when someone is in danger, by kind of danger,
// in the bot's languages and the languages people in Kyoto write in. Which numbers come first is
// data here too (lists of hotline ids from data/hotlines.yaml), so the desk can change the order
// without code. This module imports nothing from schema.ts (which imports from here).
import { z } from 'zod';
import type { DangerKind, MessageLanguage } from '../conversation/types.js';

/** The languages a crisis answer can be written in: the bot's own three and the triage's others. */
export const CRISIS_LANGUAGES = ['ja', 'en', 'easy', 'zh', 'zh-Hant', 'ko', 'vi', 'pt', 'es', 'tl', 'ne', 'id'] as const;
export type CrisisLanguage = (typeof CRISIS_LANGUAGES)[number];

export const MESSAGE_LANGUAGES = ['ja', 'en', 'zh', 'zh-Hant', 'ko', 'vi', 'pt', 'es', 'tl', 'ne', 'id'] as const satisfies readonly MessageLanguage[];

export const DANGER_KINDS = [
  'suicide',
  'self_harm',
  'medical',
  'violence',
  'child_abuse',
  'dv',
  'elder_abuse',
  'harm_to_others',
] as const satisfies readonly DangerKind[];

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'use lower-case letters, digits and _ (starting with a letter)');

/** A text in any of the crisis languages; ja, en and easy are required by the linter. */
export const crisisTextSchema = z
  .object({
    ja: z.string().optional(),
    en: z.string().optional(),
    easy: z.string().optional(),
    zh: z.string().optional(),
    'zh-Hant': z.string().optional(),
    ko: z.string().optional(),
    vi: z.string().optional(),
    pt: z.string().optional(),
    es: z.string().optional(),
    tl: z.string().optional(),
    ne: z.string().optional(),
    id: z.string().optional(),
  })
  .strict();
export type CrisisText = z.infer<typeof crisisTextSchema>;

/** The answer to one kind of danger: the words, then the lines as tap targets, first one first. */
export const crisisAnswerSchema = z
  .object({
    text: crisisTextSchema,
    /** Hotline ids, in the order shown. The first is the one to call first. */
    lines: z.array(id).min(1),
    /** Ask the direct safety question with this answer (suicidal thoughts: ask directly). */
    ask: z.boolean().default(false),
  })
  .strict();
export type CrisisAnswer = z.infer<typeof crisisAnswerSchema>;

/** The reply to a button that flags risk (a flow choice with `risk: <id>`). */
export const riskAnswerSchema = z
  .object({
    text: crisisTextSchema,
    lines: z.array(id).default([]),
    /** How the case is alerted: high (queued at once) or emergency (the crisis answer's path). */
    urgency: z.enum(['high', 'emergency']).default('high'),
  })
  .strict();
export type RiskAnswer = z.infer<typeof riskAnswerSchema>;

export const CRISIS_MESSAGE_KEYS = [
  /** Said once an alert went to staff on duty (desk hours). */
  'alerted_desk',
  /** Said when the on-call counsellor is being paged (outside desk hours, someone on the rota). */
  'alerted_on_call',
  /** Outside desk hours with nobody on call: honest, and the 24-hour services. */
  'alerted_none',
  /** A counsellor holds the conversation. */
  'alerted_counsellor',
  /** A later message in the same crisis: no list, an acknowledgement. */
  'followup',
  'followup_danger',
  'numbers_again_label',
  'talk_now_label',
  'continue_label',
  /** The direct safety question (C-SSRS-style screening: asking does not raise risk). */
  'safety_question',
  'safety_yes_label',
  'safety_no_label',
  'safety_unsure_label',
  'safety_no_ack',
  /** 110 and 119 work with interpreters: said to people writing in other languages. */
  'interpreters_note',
  /** Shown above the list when someone asks for the numbers. */
  'numbers_intro',
  /** Button of a phone line ({number}) and of a chat service. */
  'call_label',
  'open_label',
] as const;
export type CrisisMessageKey = (typeof CRISIS_MESSAGE_KEYS)[number];

export const crisisFileSchema = z
  .object({
    /** By kind of danger; `general` when a danger is read without a kind (or the safety question's yes). */
    answers: z
      .object({
        general: crisisAnswerSchema,
        ...(Object.fromEntries(DANGER_KINDS.map((k) => [k, crisisAnswerSchema])) as Record<DangerKind, typeof crisisAnswerSchema>),
      })
      .strict(),
    /** Lines offered first to someone writing in another language, when the kind's own lines do not speak it. */
    foreignLines: z.array(id).default([]),
    risks: z.record(id, riskAnswerSchema),
    messages: z.record(z.enum(CRISIS_MESSAGE_KEYS), crisisTextSchema),
  })
  .strict();
export type CrisisCatalog = z.infer<typeof crisisFileSchema>;
