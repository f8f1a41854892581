// Every way the desk is reached (一元化): staff record a phone call, a walk-in or a visit as a
// desk contact, on an existing case or on a new one. A new case is an ordinary case (channel
// PHONE / WALK_IN / VISIT, held by whoever recorded it), so the same assessment, notes, handover
// and statistics apply. The summary is encrypted at rest and removed with the person's data.
import { canViewCase, canWorkCase, DESK_ROLES, type Actor } from './actor.js';
import { recordAudit, staffNames } from './audit.js';
import { publishAll, type CaseDeps } from './deps.js';
import { CaseError, caseNotFound } from './errors.js';
import { dataCryptoOf, type Channel, type ConsulterType, type Db, type DeskContact, type Prisma } from '../db/client.js';
import { indexPhoneNumbers } from './phone-lookup.js';
import { CHANNEL_LABELS } from '../staff/labels-people.js';

export type DeskContactMode = 'PHONE' | 'WALK_IN' | 'VISIT';

export interface DeskContactInput {
  mode: DeskContactMode;
  consulterType: ConsulterType | null;
  occurredAt: string;
  durationMinutes: number | null;
  summary: string;
}

/** How far ahead a contact may be dated (clocks differ a little); later is a typing mistake. */
const FUTURE_TOLERANCE_MS = 10 * 60_000;

function checkWhen(input: DeskContactInput, now: Date): Date {
  const at = new Date(input.occurredAt);
  if (at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) throw new CaseError('invalid', '日時が未来になっています。電話や来所のあった日時を入れてください。');
  if (at.getTime() < Date.UTC(2000, 0, 1)) throw new CaseError('invalid', '日時を確かめてください。');
  return at;
}

export async function toDeskContactViews(db: Db, rows: DeskContact[]) {
  const names = await staffNames(db, rows.map((r) => r.recordedById));
  return rows.map((r) => ({
    id: r.id,
    caseId: r.caseId,
    mode: r.mode as DeskContactMode,
    modeLabel: CHANNEL_LABELS[r.mode],
    consulterType: r.consulterType,
    occurredAt: r.occurredAt.toISOString(),
    durationMinutes: r.durationMinutes,
    summary: r.summary,
    recordedById: r.recordedById,
    recordedByName: names.get(r.recordedById) ?? null,
    createdAt: r.createdAt.toISOString(),
  }));
}

async function insertDeskContact(tx: Prisma.TransactionClient, actor: Actor, kase: { id: string; contactId: string }, input: DeskContactInput, at: Date, now: Date, newCase: boolean) {
  const row = await tx.deskContact.create({
    data: {
      caseId: kase.id,
      mode: input.mode,
      consulterType: input.consulterType,
      occurredAt: at,
      durationMinutes: input.durationMinutes,
      summary: input.summary,
      recordedById: actor.id,
      createdAt: now,
    },
  });
  await indexPhoneNumbers(tx, dataCryptoOf(tx), { contactId: kase.contactId, source: 'desk_contact', sourceId: row.id, text: input.summary, at: now });
  await recordAudit(tx, actor, 'desk_contact.recorded', kase.id, { deskContactId: row.id, mode: input.mode, newCase, durationMinutes: input.durationMinutes }, now);
  return row;
}

/** Records a phone call, walk-in or visit on a case the actor works. */
export async function recordDeskContact(deps: CaseDeps, actor: Actor, caseId: string, input: DeskContactInput) {
  const now = deps.now();
  const at = checkWhen(input, now);
  const { row, kase } = await deps.db.$transaction(async (tx) => {
    const kase = await tx.case.findUnique({ where: { id: caseId }, include: { conversation: { select: { contactId: true } } } });
    if (!kase || !canWorkCase(actor, kase)) throw caseNotFound();
    if (kase.status === 'CLOSED') {
      throw new CaseError('case_closed', 'この相談は終了しています。同じ方として、新しい相談に記録してください。');
    }
    const row = await insertDeskContact(tx, actor, { id: kase.id, contactId: kase.conversation.contactId }, input, at, now, false);
    // Talking with the person is staff contact: the case is being worked now.
    await tx.case.update({
      where: { id: kase.id },
      data: {
        lastStaffMessageAt: now,
        ...(kase.status === 'QUEUED' ? { status: 'ACTIVE' } : {}),
        ...(input.consulterType && !kase.consulterType ? { consulterType: input.consulterType } : {}),
      },
    });
    return { row, kase };
  });
  await publishAll(deps, [[{ kind: 'staff' }, { type: 'case', caseId, change: 'desk_contact' }]]);
  const [view] = await toDeskContactViews(deps.db, [row]);
  return { deskContact: view!, case: { id: kase.id, number: kase.number, status: kase.status === 'QUEUED' ? ('ACTIVE' as const) : kase.status } };
}

/**
 * A new case from a phone call, walk-in or visit. With `samePersonAsCaseId` it joins that
 * person's history (and links to their latest case when that one is closed); otherwise a new
 * person is recorded, with no channel id (nobody can write to them through a chat).
 */
export async function openCaseFromDeskContact(deps: CaseDeps, actor: Actor, input: DeskContactInput & { samePersonAsCaseId?: string | undefined }) {
  if (!DESK_ROLES.includes(actor.role)) throw new CaseError('forbidden', '相談を記録できるのは相談員とスーパーバイザーです。');
  const now = deps.now();
  const at = checkWhen(input, now);
  const result = await deps.db.$transaction(async (tx) => {
    let contactId: string;
    let language = 'ja';
    let earlier: { id: string; status: string } | null = null;
    if (input.samePersonAsCaseId) {
      const same = await tx.case.findUnique({ where: { id: input.samePersonAsCaseId }, include: { conversation: { select: { contactId: true } } } });
      if (!same) throw new CaseError('invalid', '同じ方の相談が見つかりません。');
      // Anyone at the desk may record that a known person phoned; they need not hold that case.
      contactId = same.conversation.contactId;
      language = same.language;
      earlier = await tx.case.findFirst({ where: { conversation: { contactId } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], select: { id: true, status: true } });
    } else {
      const contact = await tx.contact.create({ data: { channel: input.mode as Channel, createdAt: at < now ? at : now, lastSeenAt: now } });
      contactId = contact.id;
    }
    const conversation = await tx.conversation.create({ data: { contactId, createdAt: now, lastInboundAt: at } });
    const kase = await tx.case.create({
      data: {
        conversationId: conversation.id,
        channel: input.mode as Channel,
        status: 'ACTIVE',
        language,
        consulterType: input.consulterType,
        assigneeId: actor.id,
        claimedAt: now,
        queuedAt: now,
        lastUserMessageAt: at,
        lastStaffMessageAt: now,
        createdAt: now,
      },
    });
    if (earlier) {
      await tx.caseLink.create({ data: { caseId: kase.id, otherCaseId: earlier.id, kind: 'continuation', createdById: actor.id, createdAt: now } });
      await recordAudit(tx, actor, 'case.continued', kase.id, { earlierCaseId: earlier.id, via: input.mode }, now);
    }
    const row = await insertDeskContact(tx, actor, { id: kase.id, contactId }, input, at, now, true);
    return { kase, row };
  });
  await publishAll(deps, [[{ kind: 'staff' }, { type: 'case', caseId: result.kase.id, change: 'queued' }]]);
  const [view] = await toDeskContactViews(deps.db, [result.row]);
  return { deskContact: view!, case: { id: result.kase.id, number: result.kase.number, status: result.kase.status } };
}

export async function listDeskContacts(deps: CaseDeps, actor: Actor, caseId: string) {
  const kase = await deps.db.case.findUnique({ where: { id: caseId }, select: { assigneeId: true, status: true } });
  if (!kase || !canViewCase(actor, kase)) throw caseNotFound();
  const rows = await deps.db.deskContact.findMany({ where: { caseId }, orderBy: { occurredAt: 'asc' } });
  return toDeskContactViews(deps.db, rows);
}
