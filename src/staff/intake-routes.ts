import { z } from 'zod';
import { recordAudit } from '../cases/audit.js';
import type { CaseDeps } from '../cases/deps.js';
import type { StaffRole } from '../db/client.js';
import { HttpError } from '../http/errors.js';
import { outreachListResponse } from './contract-intake.js';
import { label } from '../labels/index.js';
import { operation, type Operation } from './operations.js';

const DESK: readonly StaffRole[] = ['COUNSELOR', 'SUPERVISOR', 'ADMIN'];

/** The desk's outreach tasks: a person asked for a meeting or a home visit, with the deadline. */
export function intakeOperations(deps: CaseDeps): Operation[] {
  const { db } = deps;
  return [
    operation({
      method: 'get',
      path: '/outreach',
      tag: 'cases',
      roles: DESK,
      summary: 'Open outreach tasks (a person asked for a meeting or home visit), soonest deadline first',
      description: 'A task stays open until it is marked done; an overdue one has already reminded the desk.',
      response: outreachListResponse,
      handle: async () => {
        const now = deps.now();
        const reminders = await db.reminder.findMany({
          where: { kind: 'OUTREACH', cancelledAt: null, case: { status: { not: 'CLOSED' } } },
          include: { case: { select: { id: true, status: true, urgency: true, markers: true } } },
          orderBy: { dueAt: 'asc' },
          take: 500,
        });
        return {
          tasks: reminders.map((r) => {
            const outreach = ((r.case?.markers ?? {}) as { outreach?: { kind?: string; requestedAt?: string } }).outreach ?? {};
            const kind = outreach.kind ?? 'meeting';
            return {
              reminderId: r.id,
              caseId: r.caseId!,
              kind,
              kindLabel: label('outreachKind', kind),
              requestedAt: outreach.requestedAt ?? r.createdAt.toISOString(),
              dueAt: r.dueAt.toISOString(),
              overdue: r.dueAt.getTime() <= now.getTime(),
              caseStatus: r.case?.status ?? 'QUEUED',
              urgency: r.case?.urgency ?? r.urgency,
            };
          }),
        };
      },
    }),
    operation({
      method: 'post',
      path: '/outreach/:reminderId/done',
      tag: 'cases',
      roles: DESK,
      summary: 'Mark an outreach task done (the desk reached out): its reminder stops',
      params: z.object({ reminderId: z.string().uuid() }),
      status: 204,
      errors: { 404: 'No such open outreach task' },
      handle: async ({ auth, params }) => {
        const now = deps.now();
        const reminder = await db.reminder.findFirst({ where: { id: params.reminderId, kind: 'OUTREACH', cancelledAt: null } });
        if (!reminder) throw new HttpError(404, 'not_found', 'このアウトリーチの依頼は見つからないか、すでに対応済みです。');
        await db.reminder.updateMany({ where: { id: reminder.id, cancelledAt: null }, data: { cancelledAt: now } });
        await recordAudit(db, auth.actor, 'case.outreach_done', reminder.caseId, { reminderId: reminder.id }, now);
      },
    }),
  ];
}
