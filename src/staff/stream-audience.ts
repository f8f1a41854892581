import type { Db } from '../db/client.js';
import { canViewCase, type Actor } from '../cases/actor.js';
import type { RealtimeEvent } from '../realtime/bus.js';

// The staff live stream fans every change out through Redis to every console. Even ids and the
// kind of change say something ("case X just got an urgent reply"), so each stream passes on
// only what its staff member may open: supervisors every case; a counsellor what their queue
// shows (canViewCase), plus claims (a claimed case was in every counsellor's queue a moment
// ago, and their queue must drop it); center staff the cases handed over to their center;
// admins no case at all. Notifications follow the notification list's audiences.

export interface CaseAudience {
  status: string;
  assigneeId: string | null;
  centerCodes: string[];
}

/** Who may open the case now: taken when a change is published, so the stream judges the event by the case as it was then. */
export async function caseAudienceOf(db: Db, caseId: string): Promise<CaseAudience | null> {
  const kase = await db.case.findUnique({
    where: { id: caseId },
    select: { status: true, assigneeId: true, handovers: { select: { centerCode: true } } },
  });
  return kase ? { status: kase.status, assigneeId: kase.assigneeId, centerCodes: kase.handovers.map((h) => h.centerCode) } : null;
}

interface NotificationAudience {
  audience: string;
  staffId: string | null;
}

/** Looks cases and notifications up once per burst, however many consoles are connected. */
export class StreamAudience {
  private readonly cases = new Map<string, Promise<CaseAudience | null>>();
  private readonly notifications = new Map<string, Promise<NotificationAudience | null>>();

  constructor(
    private readonly db: Db,
    private readonly memoMs = 250,
  ) {}

  async mayReceive(actor: Actor, event: RealtimeEvent): Promise<boolean> {
    if (event.type === 'case') {
      if (actor.role === 'SUPERVISOR') return true;
      if (actor.role === 'ADMIN') return false;
      // A deletion without an id: desk consoles re-read their queue.
      if (event.caseId === '') return actor.role === 'COUNSELOR';
      const kase = event.audience ?? (await this.caseAudience(event.caseId, event.change));
      if (!kase) return false;
      if (actor.role === 'CENTER') return actor.centerCode !== null && kase.centerCodes.includes(actor.centerCode);
      return canViewCase(actor, { status: kase.status as never, assigneeId: kase.assigneeId }) || event.change === 'claimed';
    }
    if (event.type === 'typing') {
      // "The person is typing" goes to the desk staff who may open that case, like its changes.
      if (event.by !== 'user' || !event.caseId) return false;
      if (actor.role === 'SUPERVISOR') return true;
      if (actor.role !== 'COUNSELOR') return false;
      const kase = await this.caseAudience(event.caseId);
      return kase !== null && canViewCase(actor, { status: kase.status as never, assigneeId: kase.assigneeId });
    }
    if (event.type === 'notification') {
      if (actor.role === 'CENTER') return false;
      const notification = await this.notificationAudience(event.notificationId);
      if (!notification) return false;
      if (notification.audience === 'supervisors') return actor.role === 'SUPERVISOR' || actor.role === 'ADMIN';
      if (notification.audience === 'assignee') return notification.staffId === actor.id;
      return true;
    }
    return false;
  }

  /**
   * Memoised per change as well as per case: a burst of one kind of change shares one read, but
   * the 'queued' that follows an intake event a few milliseconds later must see the new status
   * (else counsellors would not hear of a newly queued case).
   */
  private caseAudience(caseId: string, change = ''): Promise<CaseAudience | null> {
    return this.memo(this.cases, caseId, () => caseAudienceOf(this.db, caseId), change);
  }

  private notificationAudience(id: string): Promise<NotificationAudience | null> {
    return this.memo(this.notifications, id, () => this.db.notification.findUnique({ where: { id }, select: { audience: true, staffId: true } }));
  }

  private memo<T>(cache: Map<string, Promise<T>>, id: string, load: () => Promise<T>, variant = ''): Promise<T> {
    const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    if (!UUID.test(id)) return Promise.resolve(null as T);
    const key = variant ? `${id}|${variant}` : id;
    let found = cache.get(key);
    if (!found) {
      found = load().catch(() => null as T);
      cache.set(key, found);
      setTimeout(() => cache.delete(key), this.memoMs).unref();
    }
    return found;
  }
}
