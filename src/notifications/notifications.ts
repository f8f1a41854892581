import nodemailer from 'nodemailer';
import type { Config } from '../config.js';
import type { Channel, Db, Prisma, Urgency } from '../db/client.js';
import type { Queues } from '../jobs/queues.js';
import type { Logger } from '../platform/logger.js';
import type { RealtimePublisher } from '../realtime/bus.js';
import { centerNotifyTargets } from './center-targets.js';
import type { DangerKind } from '../conversation/types.js';
import { label } from '../labels/index.js';
import { caseNumber } from '../labels/crisis.js';

// Staff notifications: a row in the database (the console's live list), then outbound delivery
// to a Slack/Teams-compatible webhook and/or e-mail. A notification says what kind of thing waits
// and links to the case; it never carries what the person wrote or who they are.

export type NotificationKind =
  | 'emergency_alert'
  | 'high_alert'
  | 'UNCLAIMED'
  | 'AWAITING_STAFF_REPLY'
  | 'HANDOVER_UNACKNOWLEDGED'
  | 'FOLLOW_UP'
  | 'OUTREACH'
  | 'outreach_requested'
  | 'escalation'
  | 'handover_received'
  | 'handover_acknowledged'
  | 'exchange_from_desk'
  | 'exchange_from_center'
  | 'CENTER_REVIEW_DUE'
  | 'CENTER_CASE_INACTIVE'
  | 'center_closed'
  // ── people ──
  | 'case_transferred'
  | 'person_returned';

const titles: Record<NotificationKind, string> = {
  emergency_alert: '緊急: 危険のサインがある相談が届きました。すぐに確認してください。',
  high_alert: '注意: リスクの高い相談が届きました。',
  UNCLAIMED: 'まだ誰も担当していない相談があります。',
  AWAITING_STAFF_REPLY: '相談者が相談員の返事を待っています。',
  HANDOVER_UNACKNOWLEDGED: '保健福祉センターへの引き継ぎが、まだ受け止められていません。',
  FOLLOW_UP: 'フォローアップの予定日になった相談があります。',
  OUTREACH: 'アウトリーチ（面談・訪問）の期限になった相談があります。',
  outreach_requested: 'ご本人から面談・訪問の希望がありました。速やかにアウトリーチしてください。',
  escalation: '【エスカレーション】対応されていないリマインダーがあります。',
  handover_received: '相談窓口から新しいつなぎが届きました。受け止めをお願いします。',
  handover_acknowledged: '保健福祉センターが、つないだ相談を受け止めました。',
  exchange_from_desk: '相談窓口から、ケースについてのメッセージが届きました。',
  exchange_from_center: '保健福祉センターから、ケースについてのメッセージが届きました。',
  CENTER_REVIEW_DUE: '支援調整会議の見直し予定日になったケースがあります。',
  CENTER_CASE_INACTIVE: 'しばらく動きのないケースがあります。支援の状況を確かめてください。',
  center_closed: '保健福祉センターが、つないだケースの支援を終結しました。',
  case_transferred: '相談の担当があなたに替わりました。',
  person_returned: '以前担当した方から、また連絡がありました。',
};

const urgencyLabel: Record<Urgency, string> = { EMERGENCY: '緊急', HIGH: '高', NORMAL: '通常' };

export interface NewNotification {
  kind: NotificationKind;
  urgency: Urgency;
  /** center / center_lead: the staff (or the lead) of the ward center `centerCode`. */
  audience: 'staff' | 'supervisors' | 'assignee' | 'center' | 'center_lead';
  staffId?: string | null;
  centerCode?: string | null;
  caseId?: string | null;
  reminderId?: string | null;
  /** For alerts: what the title names — coded facts only, never what the person wrote. */
  about?: AlertFacts;
}

export interface AlertFacts {
  caseId: string;
  caseNumber: number;
  consulterType: 'SELF' | 'FAMILY' | 'AGENCY' | 'NEIGHBOUR' | 'UNSURE' | null;
  channel: Channel;
  kinds: DangerKind[];
}

/** Who is writing (本人/家族/…), as a page or an alert names it. */
export function writerLabel(consulterType: AlertFacts['consulterType']): string {
  return consulterType && consulterType !== 'UNSURE' ? label('consulterType', consulterType) : '相談者未確認';
}

/**
 * "緊急: 相談 #1a2b3c4d（家族・LINE）自殺の危険。すぐに確認してください。" — the case number, who is
 * writing, the channel and the kind of danger, so the person on duty knows what waits before
 * opening anything. Built from codes and labels only.
 */
export function alertTitle(kind: 'emergency_alert' | 'high_alert', facts: AlertFacts): string {
  const where = `相談 ${caseNumber(facts.caseNumber)}（${writerLabel(facts.consulterType)}・${label('channel', facts.channel)}）`;
  const kinds = facts.kinds.map((k) => label('dangerKind', k)).join('・');
  if (kind === 'emergency_alert') return `緊急: ${where}${kinds || '危険のサイン'}。すぐに確認してください。`;
  return `注意: ${where}${kinds ? `${kinds}。` : ''}リスクの高い相談です。`;
}

/** The stored row of a new notification (its title from the catalogue, never user text). */
export function notificationRow(input: NewNotification) {
  const alert = input.kind === 'emergency_alert' || input.kind === 'high_alert' ? input.kind : null;
  return {
    kind: input.kind,
    urgency: input.urgency,
    audience: input.audience,
    staffId: input.staffId ?? null,
    centerCode: input.centerCode ?? null,
    caseId: input.caseId ?? null,
    reminderId: input.reminderId ?? null,
    title: alert && input.about ? alertTitle(alert, input.about) : titles[input.kind],
  };
}

/** Creates the notification inside the caller's transaction; call `announce` after commit. */
export async function createNotification(tx: Prisma.TransactionClient, input: NewNotification) {
  return tx.notification.create({ data: notificationRow(input) });
}

/** After commit: live in every console at once, then outbound delivery through the queue. */
export async function announceNotification(
  deps: { queues: Queues; realtime: Pick<RealtimePublisher, 'publish'>; logger: Logger },
  notificationId: string,
) {
  await deps.realtime.publish({ kind: 'staff' }, { type: 'notification', notificationId });
  try {
    await deps.queues.add('notify', notificationId, { notificationId });
  } catch {
    deps.logger.warn({ notificationId }, 'could not enqueue notification delivery; the sweeper will retry');
  }
}

export function caseLink(publicBaseUrl: string, caseId: string | null) {
  return caseId ? `${publicBaseUrl}/staff/#case=${caseId}` : `${publicBaseUrl}/staff/`;
}

/** Sends a stored notification to the configured webhook and e-mail recipients, once. */
export async function deliverNotification(
  deps: { db: Db; config: Pick<Config, 'notify' | 'publicBaseUrl'>; logger: Logger },
  notificationId: string,
) {
  const notification = await deps.db.notification.findUnique({ where: { id: notificationId } });
  if (!notification || notification.deliveredAt) return;
  const { smtpUrl, emailFrom } = deps.config.notify;
  // A center's notifications go to that center's own targets, never to the desk's.
  const { webhookUrl, emailTo } = notification.centerCode ? centerNotifyTargets(notification.centerCode) : deps.config.notify;
  const link = caseLink(deps.config.publicBaseUrl, notification.caseId);
  const text = `[よりそい・${urgencyLabel[notification.urgency]}] ${notification.title}\n${link}`;
  // Each target is marked as soon as it has the notification: when the other one fails, the
  // job's retry sends only what is missing.
  if (webhookUrl && !notification.webhookSentAt) {
    // `text` is what Slack and Teams incoming webhooks display; the rest is for other receivers.
    const response = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, urgency: notification.urgency.toLowerCase(), kind: notification.kind, url: link, id: notification.id }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`notification webhook answered ${response.status}`);
    await deps.db.notification.update({ where: { id: notification.id }, data: { webhookSentAt: new Date() } });
  }
  if (smtpUrl && emailTo.length > 0 && !notification.emailSentAt) {
    const transport = nodemailer.createTransport(smtpUrl);
    try {
      await transport.sendMail({
        from: emailFrom,
        to: emailTo,
        subject: `[よりそい・${urgencyLabel[notification.urgency]}] ${notification.title}`,
        text: `${notification.title}\n\n${link}\n\n(このメールに相談の内容は含まれていません。コンソールで確認してください。)`,
      });
    } finally {
      transport.close();
    }
    await deps.db.notification.update({ where: { id: notification.id }, data: { emailSentAt: new Date() } });
  }
  await deps.db.notification.update({ where: { id: notification.id }, data: { deliveredAt: new Date() } });
}
