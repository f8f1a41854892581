// Consultations spread over past weeks, with what the analytics count: who writes, channel, age
// band, stage, urgency, first reply, handovers and acknowledgements, reminders — and words and
// ids that must never reach the analytics (free text, notes, LINE user ids).
import { randomUUID } from 'node:crypto';
import type { CaseStatus, Channel, ConsulterType, Db, ReminderKind, Urgency } from '../../src/db/client.js';

const DAY = 24 * 60 * 60_000;
const HOUR = 60 * 60_000;

export interface SeededAnalytics {
  cases: { id: string; createdAt: Date }[];
  /** Words and ids stored with the cases: none may appear in analytics or exports. */
  secrets: string[];
  intakeOnly: number;
}

const CONSULTERS: (ConsulterType | null)[] = ['FAMILY', 'SELF', 'FAMILY', 'AGENCY', 'SELF', 'NEIGHBOUR', 'FAMILY', 'UNSURE', null];
const AGES = ['40s', '20s', '30s', '50s', '40s', '30s', 'under15', '15_19', '20s', '60s'];
const STAGES = ['encounter_assessment', 'encounter_assessment', 'individual_support', null, 'intermediate_group', 'encounter_assessment', 'social_participation'];
const URGENCIES: Urgency[] = ['NORMAL', 'NORMAL', 'HIGH', 'NORMAL', 'EMERGENCY', 'NORMAL', 'HIGH'];
const REMINDERS: ReminderKind[] = ['UNCLAIMED', 'AWAITING_STAFF_REPLY', 'HANDOVER_UNACKNOWLEDGED', 'FOLLOW_UP'];

/** `count` consultations over the `weeks` weeks before `now` (plus two bot-only sessions). */
export async function seedAnalytics(db: Db, options: { now?: Date; weeks?: number; count?: number } = {}): Promise<SeededAnalytics> {
  const now = options.now ?? new Date();
  const weeks = options.weeks ?? 12;
  const count = options.count ?? 72;
  const staff = await db.staffUser.create({ data: { email: `seed-${randomUUID().slice(0, 8)}@staff.test`, name: '集計 太郎', role: 'COUNSELOR', passwordHash: 'x' } });
  const secrets: string[] = [];
  const cases: SeededAnalytics['cases'] = [];
  // A fixed pseudo-random sequence: the same data on every run, mixed like real weeks.
  let seed = 20_261_124;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; i < count; i++) {
    // Somewhat more consultations in recent weeks.
    const weekAgo = Math.min(weeks - 1, Math.floor(random() ** 1.3 * weeks));
    const createdAt = new Date(now.getTime() - weekAgo * 7 * DAY - Math.floor(random() * 6) * DAY - 3 * HOUR);
    const channel: Channel = random() < 0.35 ? 'WEB' : 'LINE';
    const userId = `U${randomUUID().replaceAll('-', '')}`;
    const freeText = `自由記述${i}-${randomUUID().slice(0, 6)}`;
    secrets.push(userId, freeText);
    const contact = await db.contact.create({ data: { channel, channelUserId: userId, createdAt } });
    const conversation = await db.conversation.create({ data: { contactId: contact.id, createdAt, state: { version: 1, phase: 'staff' } } });
    const status: CaseStatus = i % 5 === 0 ? 'CLOSED' : i % 7 === 0 ? 'HANDED_OVER' : i % 2 === 0 ? 'ACTIVE' : 'QUEUED';
    const replied = status !== 'QUEUED';
    const kase = await db.case.create({
      data: {
        conversationId: conversation.id,
        channel,
        status,
        urgency: URGENCIES[i % URGENCIES.length]!,
        consulterType: CONSULTERS[Math.floor(random() * CONSULTERS.length)]!,
        stage: STAGES[i % STAGES.length]!,
        markers: { quality: { ownWish: { value: i % 2 ? 'reflected' : 'undecided' }, householdRisk: { value: 'medium' }, supportConnections: { value: 'none' } } },
        summary: { answers: { age_band: AGES[i % AGES.length] }, freeText: { message: [freeText] } },
        createdAt,
        queuedAt: createdAt,
        firstStaffReplyAt: replied ? new Date(createdAt.getTime() + ((i % 9) + 1) * 37 * 60_000) : null,
        closedAt: status === 'CLOSED' ? new Date(createdAt.getTime() + 2 * DAY) : null,
      },
    });
    cases.push({ id: kase.id, createdAt });
    await db.intakeAnswer.createMany({
      data: [
        ...(i % 11 === 10 ? [] : [{ caseId: kase.id, flowId: 'family', stepId: 'age_band', key: 'age_band', value: AGES[i % AGES.length]!, createdAt }]),
        { caseId: kase.id, flowId: 'family', stepId: 'worries', key: 'household_worries', value: 'money', freeText, createdAt },
        { caseId: kase.id, flowId: 'family', stepId: 'health_care', key: 'health_care', value: 'current', createdAt },
      ],
    });
    await db.message.create({ data: { conversationId: conversation.id, direction: 'INBOUND', author: 'USER', kind: 'text', text: freeText, createdAt } });
    if (i % 4 === 0) {
      const note = `メモ${i}-${randomUUID().slice(0, 6)}`;
      secrets.push(note);
      await db.note.create({ data: { caseId: kase.id, authorId: staff.id, text: note, createdAt } });
    }
    if (status === 'HANDED_OVER' || i % 6 === 0) {
      const acknowledged = i % 4 !== 0;
      await db.handover.create({
        data: {
          caseId: kase.id,
          centerCode: 'sakyo',
          createdById: staff.id,
          basis: i % 12 === 0 ? 'emergency_override' : 'consent',
          summary: { deskNote: freeText },
          createdAt: new Date(createdAt.getTime() + HOUR),
          acknowledgedAt: acknowledged ? new Date(Math.min(now.getTime() - 60_000, createdAt.getTime() + HOUR + ((i % 5) + 1) * 9 * HOUR)) : null,
        },
      });
    }
    if (i % 3 !== 2) {
      const firedAt = new Date(createdAt.getTime() + 2 * HOUR);
      if (firedAt < now) {
        await db.reminder.create({ data: { kind: REMINDERS[i % REMINDERS.length]!, caseId: kase.id, dueAt: firedAt, firedAt, escalatedAt: i % 9 === 0 ? firedAt : null, urgency: 'NORMAL' } });
        await db.notification.create({ data: { kind: REMINDERS[i % REMINDERS.length]!, urgency: 'NORMAL', audience: 'staff', caseId: kase.id, title: 'リマインダー', createdAt: firedAt } });
      }
    }
  }
  // Sessions that never got past the bot: not consultations.
  for (let i = 0; i < 2; i++) {
    const contact = await db.contact.create({ data: { channel: 'WEB', channelUserId: randomUUID() } });
    const conversation = await db.conversation.create({ data: { contactId: contact.id } });
    await db.case.create({ data: { conversationId: conversation.id, channel: 'WEB', status: 'INTAKE', createdAt: new Date(now.getTime() - DAY) } });
  }
  return { cases, secrets, intakeOnly: 2 };
}
