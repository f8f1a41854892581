import { z } from 'zod';
import type { Db, Prisma, StaffRole } from '../db/client.js';
import { HttpError } from '../http/errors.js';
import { operation, type Operation } from './operations.js';

const DESK: readonly StaffRole[] = ['COUNSELOR', 'SUPERVISOR', 'ADMIN'];

const notificationView = z.object({
  id: z.string().uuid(),
  kind: z.string(),
  urgency: z.enum(['EMERGENCY', 'HIGH', 'NORMAL']),
  audience: z.enum(['staff', 'supervisors', 'assignee']),
  caseId: z.string().uuid().nullable(),
  title: z.string(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});

/** The notifications a staff member should see: desk-wide ones, theirs, and escalations for supervisors. */
function visibleTo(staff: { id: string; role: StaffRole }): Prisma.NotificationWhereInput {
  const audiences: Prisma.NotificationWhereInput[] = [{ audience: 'staff' }, { audience: 'assignee', staffId: staff.id }];
  if (staff.role === 'SUPERVISOR' || staff.role === 'ADMIN') audiences.push({ audience: 'supervisors' });
  return { OR: audiences };
}

/** The console's live list of what waits: urgent alerts, reminders that fell due, escalations. */
export function notificationOperations(db: Db): Operation[] {
  return [
    operation({
      method: 'get',
      path: '/notifications',
      tag: 'notifications',
      roles: DESK,
      summary: 'Notifications for me, most urgent and newest first (unseen by me only unless `all=true`); claiming or closing a case clears its alerts for everyone',
      query: z.object({ all: z.enum(['true', 'false']).default('false') }),
      response: z.object({ notifications: z.array(notificationView), unread: z.number().int() }),
      handle: async ({ auth, query }) => {
        const where = visibleTo({ id: auth.actor.id, role: auth.actor.role });
        // "Seen" is per staff member: a colleague's seeing an alert leaves it unseen for me.
        const unseen: Prisma.NotificationWhereInput = { readAt: null, seenBy: { none: { staffId: auth.actor.id } } };
        const [notifications, unread] = await Promise.all([
          db.notification.findMany({
            where: query.all === 'true' ? where : { AND: [where, unseen] },
            orderBy: [{ urgency: 'asc' }, { createdAt: 'desc' }],
            take: 100,
            include: { seenBy: { where: { staffId: auth.actor.id }, select: { seenAt: true } } },
          }),
          db.notification.count({ where: { AND: [where, unseen] } }),
        ]);
        return {
          unread,
          notifications: notifications.map((n) => ({
            id: n.id,
            kind: n.kind,
            urgency: n.urgency,
            audience: n.audience as 'staff' | 'supervisors' | 'assignee',
            caseId: n.caseId,
            title: n.title,
            createdAt: n.createdAt.toISOString(),
            readAt: (n.seenBy[0]?.seenAt ?? n.readAt)?.toISOString() ?? null,
          })),
        };
      },
    }),
    operation({
      method: 'post',
      path: '/notifications/:id/read',
      tag: 'notifications',
      roles: DESK,
      summary: 'Mark a notification as seen by me (for my colleagues it stays unseen; it stays in my list with `all=true`)',
      params: z.object({ id: z.string().uuid() }),
      status: 204,
      errors: { 404: 'No such notification for you' },
      handle: async ({ auth, params }) => {
        const visible = await db.notification.findFirst({ where: { AND: [{ id: params.id }, visibleTo({ id: auth.actor.id, role: auth.actor.role })] }, select: { id: true } });
        if (!visible) throw new HttpError(404, 'not_found', 'No such notification.');
        // Concurrent clicks: the second insert is skipped, not an error.
        await db.notificationSeen.createMany({ data: [{ notificationId: visible.id, staffId: auth.actor.id }], skipDuplicates: true });
      },
    }),
  ];
}
