import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

// The center's coded vocabulary. Codes are stored and counted; their Japanese labels live in
// src/staff/labels-center.ts (until the shared label catalogue), so no code reaches a screen.

/** 本人支援, 家族支援, 地域での見守り (seed, 別紙). */
export const PLAN_TRACKS = ['person', 'family', 'community'] as const;
export type PlanTrack = (typeof PLAN_TRACKS)[number];

export const GOAL_PROGRESS = ['not_started', 'in_progress', 'achieved', 'paused', 'discontinued'] as const;
export type GoalProgress = (typeof GOAL_PROGRESS)[number];

export const GOAL_OWNER_KINDS = ['section', 'agency'] as const;

/** Why support ended (終結): decided at a meeting or by the key person, always coded. */
export const CLOSURE_REASONS = [
  'connected_to_service',
  'goals_achieved',
  'own_wish',
  'moved',
  'no_contact',
  'transferred',
  'other',
] as const;
export type ClosureReason = (typeof CLOSURE_REASONS)[number];

/** Desk ↔ center on a case. `invitation`: the center invites the desk counsellor to the first 支援調整会議. */
export const EXCHANGE_KINDS = ['question', 'answer', 'update', 'invitation'] as const;
export type ExchangeKind = (typeof EXCHANGE_KINDS)[number];

/** The person's consent that the center may read what they write after the handover. */
export const CENTER_SHARE_CONSENT_KIND = 'center_share_messages';

const sectionsFile = new URL('../../data/center-sections.yaml', import.meta.url);
const sectionsSchema = z
  .object({
    verify: z.boolean().default(true),
    sections: z.array(z.object({ code: z.string().regex(/^[a-z][a-z0-9_]*$/), name: z.string().min(1) }).strict()).min(1),
  })
  .strict();

let sections: z.infer<typeof sectionsSchema>['sections'] | undefined;

/** The center sections that take part in meetings and own goals (data/center-sections.yaml). */
export function centerSections() {
  sections ??= sectionsSchema.parse(parse(readFileSync(sectionsFile, 'utf8'))).sections;
  return sections;
}
