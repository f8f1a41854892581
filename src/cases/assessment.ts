import { z } from 'zod';
import type { Prisma } from '../db/client.js';
import { canWorkCase, type Actor } from './actor.js';
import { recordAudit } from './audit.js';
import { publishAll, type CaseDeps } from './deps.js';
import type { QualityMarkers } from './quality-markers.js';
import { CaseError, caseNotFound } from './errors.js';

/**
 * Support stages as common vocabulary across agencies (MHLW 2010 guideline; names to verify):
 * 出会い・評価段階 → 個人的支援段階 → 中間的・過渡的な集団との再会段階（居場所） → 社会参加の試行段階.
 * Family support runs alongside every stage (the `track`).
 */
export const SUPPORT_STAGES = ['encounter_assessment', 'individual_support', 'intermediate_group', 'social_participation'] as const;

const note = z.string().trim().max(2000).default('');

/**
 * The desk's initial assessment (初期段階のアセスメント), with the consultation-quality markers
 * the council asked for: is the person's own wish reflected, is the household at high risk, is a
 * supporter already connected. Stored as structured data on Case.assessment.
 */
export const assessmentSchema = z
  .object({
    /** Separate tracks for the person and the family. */
    track: z.enum(['person', 'family', 'both']),
    ownWish: z
      .object({
        value: z.enum(['reflected', 'undecided', 'not_reflected', 'unknown']),
        personAware: z.enum(['yes', 'no', 'unknown']).default('unknown'),
        note,
      })
      .strict(),
    householdRisk: z
      .object({
        value: z.enum(['high', 'medium', 'low', 'unknown']),
        /** elderly_parents, violence, money, care, family_exhaustion … or a triage signal id (the intake's vocabulary). */
        factors: z.array(z.string().regex(/^[a-z0-9_]{1,40}$/)).max(16).default([]),
        note,
      })
      .strict(),
    supportConnections: z
      .object({
        value: z.enum(['connected', 'past', 'none', 'unknown']),
        note,
      })
      .strict(),
    stage: z.enum(SUPPORT_STAGES).nullable(),
    needs: z
      .array(z.enum(['listen', 'information', 'counselling', 'outreach', 'place', 'family_class', 'family_group', 'medical', 'welfare']))
      .max(9)
      .default([]),
    urgency: z.enum(['EMERGENCY', 'HIGH', 'NORMAL']),
    consulterType: z.enum(['SELF', 'FAMILY', 'AGENCY', 'NEIGHBOUR', 'UNSURE']).nullable().default(null),
    /** The counsellor's view of the situation (見立て). */
    summary: z.string().trim().max(4000).default(''),
    /** Required when the assessment changes a stage, urgency, consulter type or quality marker recorded before. */
    overrideReason: z.string().trim().max(1000).optional(),
  })
  .strict();
export type AssessmentInput = z.infer<typeof assessmentSchema>;

type QualityField = keyof QualityMarkers;
const QUALITY_FIELDS: QualityField[] = ['ownWish', 'householdRisk', 'supportConnections'];

export async function saveAssessment(deps: CaseDeps, actor: Actor, caseId: string, input: AssessmentInput) {
  const now = deps.now();
  const { overrideReason, ...assessment } = input;
  await deps.db.$transaction(async (tx) => {
    const kase = await tx.case.findUnique({ where: { id: caseId } });
    if (!kase || !canWorkCase(actor, kase)) throw caseNotFound();
    if (kase.status === 'CLOSED') throw new CaseError('case_closed', 'この相談は終了しています。');

    // An override replaces what the intake, triage or an earlier assessment recorded.
    const overrides: { field: string; from: string; to: string | null }[] = [];
    if (kase.stage !== null && assessment.stage !== kase.stage) overrides.push({ field: 'stage', from: kase.stage, to: assessment.stage });
    if (assessment.urgency !== kase.urgency) overrides.push({ field: 'urgency', from: kase.urgency, to: assessment.urgency });
    if (kase.consulterType !== null && assessment.consulterType !== null && assessment.consulterType !== kase.consulterType) {
      overrides.push({ field: 'consulterType', from: kase.consulterType, to: assessment.consulterType });
    }
    // The markers the intake derived (or an earlier assessment set) are a starting point; a
    // counsellor who sees it differently says why.
    const markers = (kase.markers ?? {}) as { quality?: Partial<Record<QualityField, { value?: string }>> } & Record<string, unknown>;
    for (const field of QUALITY_FIELDS) {
      const before = markers.quality?.[field]?.value;
      if (before && before !== 'unknown' && before !== assessment[field].value) overrides.push({ field, from: before, to: assessment[field].value });
    }
    if (overrides.length > 0 && !overrideReason) {
      throw new CaseError('reason_required', `記録済みの値（${overrides.map((o) => o.field).join('、')}）を変えるときは、理由を書いてください。`);
    }

    const from = ['assessment'];
    const quality: QualityMarkers = {
      ownWish: { value: assessment.ownWish.value, from },
      householdRisk: { value: assessment.householdRisk.value, factors: assessment.householdRisk.factors, from },
      supportConnections: { value: assessment.supportConnections.value, from },
    };
    await tx.case.update({
      where: { id: caseId },
      data: {
        assessment: { version: 1, ...assessment, assessedById: actor.id, assessedAt: now.toISOString() } as Prisma.InputJsonValue,
        assessedAt: now,
        stage: assessment.stage,
        urgency: assessment.urgency,
        ...(assessment.consulterType ? { consulterType: assessment.consulterType } : {}),
        markers: { ...markers, quality } as unknown as Prisma.InputJsonValue,
      },
    });
    await recordAudit(tx, actor, 'case.assessed', caseId, {
      stage: assessment.stage,
      urgency: assessment.urgency,
      track: assessment.track,
      quality: { ownWish: quality.ownWish.value, householdRisk: quality.householdRisk.value, supportConnections: quality.supportConnections.value },
    }, now);
    for (const override of overrides) {
      await recordAudit(tx, actor, 'case.assessment_override', caseId, { ...override, reason: overrideReason ?? '' }, now);
    }
  });
  await publishAll(deps, [[{ kind: 'staff' }, { type: 'case', caseId, change: 'assessment' }]]);
}
