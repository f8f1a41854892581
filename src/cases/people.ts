// A person, not a ticket: every case of one contact (every conversation, on chat and as recorded
// by staff: phone, walk-in, visit) with messages, notes, assessments, handovers and desk contacts
// as one timeline. Support in this field runs for years (息の長い支援): a counsellor who opens
// today's case must reach what was said before.
import type { Channel, Db } from '../db/client.js';
import { canViewCase, type Actor } from './actor.js';
import { recordAudit, staffNames } from './audit.js';
import type { CaseDeps } from './deps.js';
import { caseNotFound } from './errors.js';
import { listCaseLinks, type CaseLinkView } from './case-links.js';
import { loadCenters } from './centers.js';
import { CHANNEL_LABELS, TIMELINE_TITLES } from '../staff/labels-people.js';
import { describeEvent, staffIdsIn } from './event-words.js';

/** The newest entries are kept when a person's history is longer than this. */
export const MAX_TIMELINE_ENTRIES = 2000;

/** Audit actions that read as moments in a person's history. */
const TIMELINE_EVENTS = new Set([
  'case.claimed',
  'case.transferred',
  'case.status_changed',
  'case.reopened',
  'case.continued',
  'case.link_added',
  'case.closed_after_deletion',
  'user.data_deleted',
  'case.anonymised',
]);

export interface TimelineEntry {
  id: string;
  kind: 'message' | 'note' | 'assessment' | 'handover' | 'desk_contact' | 'event';
  at: string;
  caseId: string;
  caseNumber: number;
  channel: Channel;
  author: 'user' | 'bot' | 'staff' | 'system';
  staffName: string | null;
  title: string;
  text: string | null;
  durationMinutes?: number | null;
}

/** The contact (person) a case belongs to. */
export async function personOfCase(db: Db, caseId: string): Promise<string> {
  const kase = await db.case.findUnique({ where: { id: caseId }, select: { conversation: { select: { contactId: true } } } });
  if (!kase) throw caseNotFound();
  return kase.conversation.contactId;
}

/**
 * The person view. Desk staff who may see any one of the person's cases see the whole history
 * (that is the point: the earlier, closed case is what they need); supervisors see everyone.
 * Every read is audited as `person.viewed`.
 */
export async function loadPerson(deps: CaseDeps, actor: Actor, contactId: string) {
  const { db } = deps;
  const contact = await db.contact.findUnique({ where: { id: contactId } });
  if (!contact) throw caseNotFound();
  const cases = await db.case.findMany({
    where: { conversation: { contactId } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    include: { assignee: { select: { name: true } } },
  });
  if (!cases.some((c) => canViewCase(actor, c)) && !(await wasEverAssigned(db, actor, cases.map((c) => c.id)))) throw caseNotFound();
  await recordAudit(db, actor, 'person.viewed', cases[0]?.id ?? null, { contactId }, deps.now());

  const caseIds = cases.map((c) => c.id);
  const byId = new Map(cases.map((c) => [c.id, c]));
  const byConversation = new Map(cases.map((c) => [c.conversationId, c]));
  const [messages, notes, handovers, deskContacts, events, links] = await Promise.all([
    db.message.findMany({
      where: { conversation: { contactId }, hiddenAt: null },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: MAX_TIMELINE_ENTRIES,
    }),
    db.note.findMany({ where: { caseId: { in: caseIds } }, include: { author: { select: { name: true } } }, orderBy: { createdAt: 'desc' }, take: MAX_TIMELINE_ENTRIES }),
    db.handover.findMany({ where: { caseId: { in: caseIds } }, orderBy: { createdAt: 'desc' } }),
    db.deskContact.findMany({ where: { caseId: { in: caseIds } }, orderBy: { occurredAt: 'desc' }, take: MAX_TIMELINE_ENTRIES }),
    db.auditEvent.findMany({ where: { caseId: { in: caseIds }, action: { in: [...TIMELINE_EVENTS] } }, orderBy: { id: 'desc' }, take: MAX_TIMELINE_ENTRIES }),
    listCaseLinksOfMany(db, caseIds),
  ]);
  const names = await staffNames(db, [
    ...messages.map((m) => m.staffId),
    ...handovers.flatMap((h) => [h.createdById, h.acknowledgedById]),
    ...deskContacts.map((d) => d.recordedById),
    ...events.flatMap((e) => [e.actorId, ...staffIdsIn(e.detail)]),
    ...cases.map((c) => (c.assessment as { assessedById?: string } | null)?.assessedById),
  ]);
  const name = (id: string | null | undefined) => (id ? (names.get(id) ?? null) : null);
  const centers = loadCenters();
  const entries: TimelineEntry[] = [];
  const at = (d: Date) => d.toISOString();

  for (const m of messages) {
    const kase = byConversation.get(m.conversationId);
    if (!kase) continue; // a conversation that never became a case (a greeting only)
    const author = m.author === 'USER' ? 'user' : m.author === 'BOT' ? 'bot' : 'staff';
    entries.push({
      id: `message:${m.id}`,
      kind: 'message',
      at: at(m.createdAt),
      caseId: kase.id,
      caseNumber: kase.number,
      channel: kase.channel,
      author,
      staffName: name(m.staffId),
      title: TIMELINE_TITLES[`message_${author}`],
      text: m.text ?? mediaWords(m.kind),
    });
  }
  for (const n of notes) {
    const kase = byId.get(n.caseId)!;
    entries.push({ id: `note:${n.id}`, kind: 'note', at: at(n.createdAt), caseId: kase.id, caseNumber: kase.number, channel: kase.channel, author: 'staff', staffName: n.author.name, title: TIMELINE_TITLES.note, text: n.text });
  }
  for (const kase of cases) {
    if (!kase.assessedAt) continue;
    const assessment = (kase.assessment ?? null) as { summary?: unknown; assessedById?: string } | null;
    entries.push({
      id: `assessment:${kase.id}`,
      kind: 'assessment',
      at: at(kase.assessedAt),
      caseId: kase.id,
      caseNumber: kase.number,
      channel: kase.channel,
      author: 'staff',
      staffName: name(assessment?.assessedById),
      title: TIMELINE_TITLES.assessment,
      text: typeof assessment?.summary === 'string' && assessment.summary ? assessment.summary : null,
    });
  }
  for (const h of handovers) {
    const kase = byId.get(h.caseId)!;
    const center = centers.find(h.centerCode)?.name ?? '保健福祉センター';
    const summary = (h.summary ?? {}) as { note?: unknown };
    entries.push({
      id: `handover:${h.id}`,
      kind: 'handover',
      at: at(h.createdAt),
      caseId: kase.id,
      caseNumber: kase.number,
      channel: kase.channel,
      author: 'staff',
      staffName: name(h.createdById),
      title: `${TIMELINE_TITLES.handover}（${center}）`,
      text: typeof summary.note === 'string' ? summary.note : null,
    });
    if (h.acknowledgedAt) {
      entries.push({
        id: `handover-ack:${h.id}`,
        kind: 'handover',
        at: at(h.acknowledgedAt),
        caseId: kase.id,
        caseNumber: kase.number,
        channel: kase.channel,
        author: 'staff',
        staffName: name(h.acknowledgedById),
        title: `${TIMELINE_TITLES.handover_acknowledged}（${center}）`,
        text: null,
      });
    }
  }
  for (const d of deskContacts) {
    const kase = byId.get(d.caseId)!;
    entries.push({
      id: `desk-contact:${d.id}`,
      kind: 'desk_contact',
      at: at(d.occurredAt),
      caseId: kase.id,
      caseNumber: kase.number,
      channel: d.mode,
      author: 'staff',
      staffName: name(d.recordedById),
      title: TIMELINE_TITLES[`desk_contact_${d.mode as 'PHONE' | 'WALK_IN' | 'VISIT'}`] ?? CHANNEL_LABELS[d.mode],
      text: d.summary,
      durationMinutes: d.durationMinutes,
    });
  }
  for (const e of events) {
    const kase = byId.get(e.caseId!)!;
    entries.push({
      id: `event:${e.id}`,
      kind: 'event',
      at: at(e.at),
      caseId: kase.id,
      caseNumber: kase.number,
      channel: kase.channel,
      author: e.actorType === 'staff' ? 'staff' : 'system',
      staffName: name(e.actorId),
      title: describeEvent(e.action, e.detail, name),
      text: null,
    });
  }
  entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : 1));
  const truncated = entries.length > MAX_TIMELINE_ENTRIES;

  return {
    person: {
      id: contact.id,
      channel: contact.channel,
      language: contact.language,
      firstContactAt: at(contact.createdAt),
      lastSeenAt: at(contact.lastSeenAt),
      blocked: contact.blockedAt !== null,
    },
    cases: cases.map((c) => ({
      id: c.id,
      number: c.number,
      status: c.status,
      urgency: c.urgency,
      channel: c.channel,
      consulterType: c.consulterType,
      assigneeName: c.assignee?.name ?? null,
      createdAt: at(c.createdAt),
      closedAt: c.closedAt ? at(c.closedAt) : null,
      dataDeleted: typeof (c.summary as { dataDeletedAt?: unknown } | null)?.dataDeletedAt === 'string',
    })),
    links: links.filter((l) => l.kind === 'household'),
    timeline: truncated ? entries.slice(entries.length - MAX_TIMELINE_ENTRIES) : entries,
    truncated,
  };
}

async function wasEverAssigned(db: Db, actor: Actor, caseIds: string[]): Promise<boolean> {
  if (actor.role !== 'COUNSELOR' || caseIds.length === 0) return false;
  // A counsellor who held one of these cases (claimed or was transferred it) may read its history.
  const held = await db.auditEvent.findFirst({
    where: { caseId: { in: caseIds }, OR: [{ action: 'case.claimed', actorId: actor.id }, { action: 'case.transferred', detail: { path: ['to'], equals: actor.id } }] },
    select: { id: true },
  });
  return held !== null;
}

async function listCaseLinksOfMany(db: Db, caseIds: string[]): Promise<CaseLinkView[]> {
  const seen = new Set<string>();
  const all: CaseLinkView[] = [];
  for (const caseId of caseIds.slice(0, 50)) {
    for (const link of await listCaseLinks(db, caseId)) {
      if (seen.has(link.id)) continue;
      seen.add(link.id);
      all.push(link);
    }
  }
  return all;
}

function mediaWords(kind: string): string | null {
  const words: Record<string, string> = { sticker: '（スタンプ）', image: '（画像）', video: '（動画）', audio: '（音声）', file: '（ファイル）', location: '（位置情報）' };
  return words[kind] ?? null;
}
