import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotification, deliverNotification } from '../../../src/notifications/notifications.js';
import { createLogger } from '../../../src/platform/logger.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/services.js';
import { createStaff, StaffClient } from '../../support/staff.js';
import { WebChatClient } from '../../support/web-client.js';
import { startFakeSmtp } from '../../fakes/fake-smtp.js';

describe('staff notifications', () => {
  let app: TestApp;
  let webhook: http.Server;
  const received: { body: any }[] = [];
  let smtp: Awaited<ReturnType<typeof startFakeSmtp>>;
  let webhookUrl = '';

  beforeAll(async () => {
    webhook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ body: JSON.parse(body) });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
    webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`;
    smtp = await startFakeSmtp();
    app = await startTestApp({
      env: { NOTIFY_WEBHOOK_URL: webhookUrl, SMTP_URL: smtp.url, NOTIFY_EMAIL_FROM: 'yorisoi@city.example.jp', NOTIFY_EMAIL_TO: 'desk@city.example.jp,lead@city.example.jp', PUBLIC_BASE_URL: 'https://yorisoi.example.jp' },
    });
  });
  afterAll(async () => {
    await app?.dispose();
    await smtp?.close();
    await new Promise((r) => webhook?.close(r));
  });

  const db = () => app.runtime.db;
  const CRISIS_TEXT = 'もう死にたい。今夜で終わりにします';

  it('an emergency raises one alert: in the console list, to the webhook and by e-mail — without personal data', async () => {
    const counselor = await createStaff(db(), { role: 'COUNSELOR' });
    const staff = await StaffClient.login(app.url, counselor);
    const person = await WebChatClient.start(app.url);
    await person.send({ text: CRISIS_TEXT });
    await waitFor(async () => (await db().notification.count({ where: { kind: 'emergency_alert' } })) === 1, { timeoutMs: 10_000 });
    const notification = await db().notification.findFirstOrThrow({ where: { kind: 'emergency_alert' } });

    const list = await fetch(`${app.url}/api/staff/notifications`, { headers: { cookie: staff.cookie } });
    const body = await list.json();
    expect(body.unread).toBeGreaterThanOrEqual(1);
    expect(body.notifications[0]).toMatchObject({ id: notification.id, urgency: 'EMERGENCY', kind: 'emergency_alert', caseId: notification.caseId });

    await waitFor(() => received.length >= 1 && smtp.mails.length >= 1, { timeoutMs: 10_000 });
    const hook = received.find((r) => r.body.id === notification.id)!.body;
    expect(hook.text).toContain('緊急');
    expect(hook.url).toBe(`https://yorisoi.example.jp/staff/#case=${notification.caseId}`);
    const mail = smtp.mails[0]!;
    expect(mail.to).toEqual(['desk@city.example.jp', 'lead@city.example.jp']);
    expect(mail.from).toBe('yorisoi@city.example.jp');
    for (const outside of [JSON.stringify(hook), mail.data]) {
      expect(outside).not.toContain('死にたい');
      const contact = await db().contact.findFirstOrThrow({ where: { channel: 'WEB' }, orderBy: { createdAt: 'desc' } });
      expect(outside).not.toContain(contact.channelUserId);
    }
    expect((await db().notification.findUniqueOrThrow({ where: { id: notification.id } })).deliveredAt).not.toBeNull();

    // Marked as seen, it leaves the unread list.
    const read = await fetch(`${app.url}/api/staff/notifications/${notification.id}/read`, { method: 'POST', headers: { cookie: staff.cookie, 'x-csrf-token': staff.csrfToken } });
    expect(read.status).toBe(204);
    const after = await (await fetch(`${app.url}/api/staff/notifications`, { headers: { cookie: staff.cookie } })).json();
    expect(after.notifications.map((n: { id: string }) => n.id)).not.toContain(notification.id);
  });

  it('alerts the whole desk when a person on a claimed case writes in crisis, paced, with emergency reply timing', async () => {
    const counselor = await createStaff(db(), { role: 'COUNSELOR' });
    const staff = await StaffClient.login(app.url, counselor);
    const person = await WebChatClient.start(app.url);
    await person.send({ text: '人と話したい' });
    await waitFor(async () => (await db().case.count({ where: { status: 'QUEUED', urgency: 'NORMAL' } })) >= 1, { timeoutMs: 10_000 });
    const kase = await db().case.findFirstOrThrow({ where: { status: 'QUEUED', urgency: 'NORMAL' }, orderBy: { createdAt: 'desc' } });
    const claim = await fetch(`${app.url}/api/staff/cases/${kase.id}/claim`, { method: 'POST', headers: { cookie: staff.cookie, 'x-csrf-token': staff.csrfToken } });
    expect(claim.status).toBe(200);

    const before = Date.now();
    await person.send({ text: '今から飛び降ります' });
    await waitFor(async () => (await db().notification.count({ where: { caseId: kase.id, kind: 'emergency_alert' } })) === 1, { timeoutMs: 10_000 });
    const alert = await db().notification.findFirstOrThrow({ where: { caseId: kase.id, kind: 'emergency_alert' } });
    expect(alert.audience).toBe('staff'); // everyone on duty, not only the assignee
    const waiting = await db().reminder.findFirstOrThrow({ where: { caseId: kase.id, kind: 'AWAITING_STAFF_REPLY', cancelledAt: null } });
    expect(waiting.urgency).toBe('EMERGENCY');
    expect(waiting.dueAt.getTime() - before).toBeLessThan(11 * 60_000);

    await person.send({ text: 'もう死にたい' });
    await waitFor(async () => (await db().auditEvent.count({ where: { caseId: kase.id, action: 'case.alert' } })) === 2, { timeoutMs: 10_000 });
    expect(await db().notification.count({ where: { caseId: kase.id, kind: 'emergency_alert' } })).toBe(1);
  });

  it('shows assignee reminders only to the assignee and escalations only to supervisors', async () => {
    const alice = await createStaff(db(), { role: 'COUNSELOR' });
    const bob = await createStaff(db(), { role: 'COUNSELOR' });
    const boss = await createStaff(db(), { role: 'SUPERVISOR' });
    const [forAlice, escalation] = await db().$transaction(async (tx) => [
      await createNotification(tx, { kind: 'AWAITING_STAFF_REPLY', urgency: 'NORMAL', audience: 'assignee', staffId: alice.id }),
      await createNotification(tx, { kind: 'escalation', urgency: 'HIGH', audience: 'supervisors' }),
    ]);
    const idsFor = async (who: { email: string; password: string }) => {
      const client = await StaffClient.login(app.url, who);
      const body = await (await fetch(`${app.url}/api/staff/notifications`, { headers: { cookie: client.cookie } })).json();
      return body.notifications.map((n: { id: string }) => n.id);
    };
    expect(await idsFor(alice)).toContain(forAlice.id);
    expect(await idsFor(bob)).not.toContain(forAlice.id);
    expect(await idsFor(bob)).not.toContain(escalation.id);
    expect(await idsFor(boss)).toContain(escalation.id);
    const bobClient = await StaffClient.login(app.url, bob);
    const steal = await fetch(`${app.url}/api/staff/notifications/${forAlice.id}/read`, { method: 'POST', headers: { cookie: bobClient.cookie, 'x-csrf-token': bobClient.csrfToken } });
    expect(steal.status).toBe(404);
  });

  it('retries a failing webhook and sends nothing when nothing is configured', async () => {
    const notification = await db().$transaction((tx) => createNotification(tx, { kind: 'UNCLAIMED', urgency: 'NORMAL', audience: 'staff' }));
    const logger = createLogger({ level: 'silent' });
    const failing = { notify: { webhookUrl: 'http://127.0.0.1:1/unreachable', smtpUrl: undefined, emailFrom: 'x@y.jp', emailTo: [] }, publicBaseUrl: 'https://y.jp' };
    await expect(deliverNotification({ db: db(), config: failing, logger }, notification.id)).rejects.toThrow();
    expect((await db().notification.findUniqueOrThrow({ where: { id: notification.id } })).deliveredAt).toBeNull();
    const none = { notify: { webhookUrl: undefined, smtpUrl: undefined, emailFrom: 'x@y.jp', emailTo: [] }, publicBaseUrl: 'https://y.jp' };
    await deliverNotification({ db: db(), config: none, logger }, notification.id);
    expect((await db().notification.findUniqueOrThrow({ where: { id: notification.id } })).deliveredAt).not.toBeNull();
  });

  it('after a failed e-mail, the retry sends the e-mail only: the webhook got it once', async () => {
    const notification = await db().$transaction((tx) => createNotification(tx, { kind: 'UNCLAIMED', urgency: 'NORMAL', audience: 'staff' }));
    const logger = createLogger({ level: 'silent' });
    const posts = () => received.filter((r) => r.body.id === notification.id).length;
    const smtpDown = { notify: { webhookUrl, smtpUrl: 'smtp://127.0.0.1:1', emailFrom: 'yorisoi@city.example.jp', emailTo: ['desk@city.example.jp'] }, publicBaseUrl: 'https://y.jp' };
    await expect(deliverNotification({ db: db(), config: smtpDown, logger }, notification.id)).rejects.toThrow();
    await expect(deliverNotification({ db: db(), config: smtpDown, logger }, notification.id)).rejects.toThrow();
    expect(posts()).toBe(1);
    const marks = await db().notification.findUniqueOrThrow({ where: { id: notification.id } });
    expect(marks.webhookSentAt).not.toBeNull();
    expect(marks.emailSentAt).toBeNull();
    expect(marks.deliveredAt).toBeNull();

    const before = smtp.mails.length;
    const smtpBack = { ...smtpDown, notify: { ...smtpDown.notify, smtpUrl: smtp.url } };
    await deliverNotification({ db: db(), config: smtpBack, logger }, notification.id);
    expect(posts()).toBe(1);
    expect(smtp.mails.length).toBe(before + 1);
    const done = await db().notification.findUniqueOrThrow({ where: { id: notification.id } });
    expect(done.emailSentAt).not.toBeNull();
    expect(done.deliveredAt).not.toBeNull();
  });

  it('serves the job queue board to admins only', async () => {
    const admin = await StaffClient.login(app.url, await createStaff(db(), { role: 'ADMIN' }));
    const counselor = await StaffClient.login(app.url, await createStaff(db(), { role: 'COUNSELOR' }));
    const page = await fetch(`${app.url}/staff/queues/`, { headers: { cookie: admin.cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const queues = await fetch(`${app.url}/staff/queues/api/queues`, { headers: { cookie: admin.cookie } });
    expect(queues.status).toBe(200);
    expect(JSON.stringify(await queues.json())).toContain('reminders');
    expect((await fetch(`${app.url}/staff/queues/`, { headers: { cookie: counselor.cookie } })).status).toBe(403);
    // Its own API changes nothing for a cross-site request (it has no CSRF token of its own).
    const crossSite = await fetch(`${app.url}/staff/queues/api/queues/reminders/retry/failed`, {
      method: 'PUT',
      headers: { cookie: admin.cookie, origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    expect((await fetch(`${app.url}/staff/queues/`)).status).toBe(401);
  });
});
