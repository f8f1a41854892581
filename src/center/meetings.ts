import { z } from 'zod';
import type { Prisma } from '../db/client.js';
import type { Actor } from '../cases/actor.js';
import { recordAudit } from '../cases/audit.js';
import { publishAll, scheduleReminders, type CaseDeps } from '../cases/deps.js';
import { CaseError } from '../cases/errors.js';
import { reminderRules } from '../reminders/reminders.js';
import { loadResources } from '../resources/catalog.js';
import { writeCenterCase } from './access.js';
import { calendarDay, codeSchema, optionalStaffText, staffText } from './input.js';
import { touchCenterCase } from './receiving.js';
import { centerSections, GOAL_OWNER_KINDS, GOAL_PROGRESS, PLAN_TRACKS } from './vocabulary.js';

const newGoal = z
  .object({
    track: z.enum(PLAN_TRACKS),
    ownerKind: z.enum(GOAL_OWNER_KINDS),
    /** A section code (data/center-sections.yaml) or a resource id (data/resources.yaml). */
    ownerCode: codeSchema,
    title: staffText(400),
    nextStep: optionalStaffText(400),
  })
  .strict();

const goalReview = z
  .object({
    goalId: z.uuid(),
    progress: z.enum(GOAL_PROGRESS),
    note: optionalStaffText(1000),
    nextStep: optionalStaffText(400),
  })
  .strict();

export const meetingInputSchema = z
  .object({
    heldOn: calendarDay,
    participants: z
      .object({
        sections: z.array(codeSchema).max(20).default([]),
        /** Resource ids of the agencies present (data/resources.yaml). They get no access through it. */
        agencies: z.array(codeSchema).max(30).default([]),
        /** Whether the desk counsellor who handed the case over took part (invited to the first meeting). */
        deskCounselorAttended: z.boolean().default(false),
      })
      .strict(),
    /** The center's assessment, building on the desk's initial one. */
    assessment: optionalStaffText(8000),
    notes: optionalStaffText(8000),
    goals: z.array(newGoal).max(30).default([]),
    reviews: z.array(goalReview).max(60).default([]),
    nextReviewOn: calendarDay.optional(),
  })
  .strict();
export type MeetingInput = z.infer<typeof meetingInputSchema>;

function checkCodes(input: MeetingInput) {
  const sections = new Set(centerSections().map((s) => s.code));
  const resources = loadResources();
  const unknown: string[] = [];
  for (const code of input.participants.sections) if (!sections.has(code)) unknown.push(code);
  for (const id of input.participants.agencies) if (!resources.find(id)) unknown.push(id);
  for (const goal of input.goals) {
    const known = goal.ownerKind === 'section' ? sections.has(goal.ownerCode) : resources.find(goal.ownerCode) !== undefined;
    if (!known) unknown.push(goal.ownerCode);
  }
  if (unknown.length > 0) throw new CaseError('invalid', `一覧にない参加者・担い手があります: ${[...new Set(unknown)].join(', ')}`);
  if (new Set(input.reviews.map((r) => r.goalId)).size !== input.reviews.length) throw new CaseError('invalid', '同じ目標の見直しが二つあります。');
}

/**
 * 支援調整会議: records one meeting — who took part, the center's assessment, new goals of the
 * plan (each on a track, with an owner and a next step), the review of existing goals, and the
 * next review date, which becomes a reminder. The first meeting is `initial`, later ones `review`.
 */
export async function recordMeeting(deps: CaseDeps, actor: Actor, caseId: string, input: MeetingInput) {
  checkCodes(input);
  const now = deps.now();
  const result = await deps.db.$transaction(async (tx) => {
    const { centerCase, handover } = await writeCenterCase(tx, actor, caseId);
    // One meeting at a time per case: concurrent submissions queue here, so "initial" is decided once.
    await tx.$queryRaw`SELECT 1 FROM "CenterCase" WHERE "caseId" = ${caseId}::uuid FOR UPDATE`;
    const earlier = await tx.supportMeeting.count({ where: { caseId } });
    const kind = earlier === 0 ? 'initial' : 'review';
    if (kind === 'initial' && input.reviews.length > 0) throw new CaseError('invalid', '最初の会議には、見直す目標がありません。');
    if (kind === 'initial' && input.goals.length === 0) throw new CaseError('invalid', '最初の会議では、支援計画の目標を一つ以上決めてください。');
    const goals = input.reviews.length ? await tx.supportGoal.findMany({ where: { caseId, id: { in: input.reviews.map((r) => r.goalId) } } }) : [];
    if (goals.length !== input.reviews.length) throw new CaseError('invalid', 'このケースにない目標が含まれています。');
    const participants = {
      sections: input.participants.sections,
      agencies: input.participants.agencies,
      deskCounselorId: handover.createdById,
      deskCounselorAttended: input.participants.deskCounselorAttended,
      recordedById: actor.id,
    } satisfies Prisma.InputJsonValue;
    const meeting = await tx.supportMeeting.create({
      data: {
        caseId,
        centerCode: centerCase.centerCode,
        kind,
        heldOn: input.heldOn,
        participants,
        assessment: input.assessment ?? null,
        notes: input.notes ?? null,
        nextReviewOn: input.nextReviewOn ?? null,
        createdById: actor.id,
        createdAt: now,
      },
    });
    for (const goal of input.goals) {
      await tx.supportGoal.create({
        data: { caseId, meetingId: meeting.id, track: goal.track, ownerKind: goal.ownerKind, ownerCode: goal.ownerCode, title: goal.title, nextStep: goal.nextStep ?? null, createdAt: now },
      });
    }
    for (const review of input.reviews) {
      await tx.supportGoalReview.create({
        data: { goalId: review.goalId, meetingId: meeting.id, progress: review.progress, note: review.note ?? null, nextStep: review.nextStep ?? null, createdAt: now },
      });
      await tx.supportGoal.update({
        where: { id: review.goalId },
        data: { progress: review.progress, ...(review.nextStep ? { nextStep: review.nextStep } : {}) },
      });
    }
    const target = { centerCode: centerCase.centerCode, staffId: centerCase.keyPersonId };
    const reviewReminder = input.nextReviewOn ? await reminderRules.centerReview(tx, deps.reminderPolicy, { id: caseId }, target, input.nextReviewOn, now) : null;
    if (!input.nextReviewOn) await reminderRules.cancel(tx, caseId, ['CENTER_REVIEW_DUE'], now);
    const activity = await touchCenterCase(tx, deps.reminderPolicy, centerCase, now);
    await recordAudit(tx, actor, 'center.meeting_recorded', caseId, {
      meetingId: meeting.id,
      kind,
      sections: input.participants.sections,
      agencies: input.participants.agencies,
      goalsAdded: input.goals.length,
      goalsReviewed: input.reviews.length,
      ...(input.nextReviewOn ? { nextReviewOn: input.nextReviewOn } : {}),
    }, now);
    return { meeting, reminders: [reviewReminder, activity], centerCode: centerCase.centerCode };
  });
  await scheduleReminders(deps, result.reminders);
  await publishAll(deps, [[{ kind: 'staff' }, { type: 'center-case', caseId, centerCode: result.centerCode, change: 'meeting' }]]);
  return result.meeting;
}
