// Outside desk hours an emergency pages the person on call (fake webhook and fake SMTP), who
// acknowledges with one signed, single-use link; unacknowledged pages escalate to the next person
// and then the supervisor (a 3-second timeout here). The person in danger is told honestly.
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSmtp } from '../../fakes/fake-smtp.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/services.js';
import { WebChatClient } from '../../support/web-client.js';
import { reconcilePages } from '../../../src/oncall/paging.js';
import { loadDeskHours } from '../../../src/desk/load.js';
import { loadOnCallRota } from '../../../src/oncall/rota.js';

/** Closed now and for days to come: open one minute on a weekday three days from today (Tokyo). */
const ALWAYS_CLOSED = (() => {
  const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
  const tokyoDay = new Date(Date.now() + 9 * 3_600_000).getUTCDay();
  const open = days[(tokyoDay + 3) % 7]!;
  const weekly = days.map((d) => `${d}: ${d === open ? '["03:00", "03:01"]' : 'null'}`).join(', ');
  return `timeZone: Asia/Tokyo\nweekly: { ${weekly} }\nclosedOnPublicHolidays: true\n`;
})();

function rota(webhookUrl: string) {
  return `escalateAfterMinutes: 0.05
people:
  - { id: night_a, name: 当番A, contacts: { email: night-a@city.example.jp, webhook: "${webhookUrl}" } }
  - { id: night_b, name: 当番B, contacts: { email: night-b@city.example.jp } }
  - { id: boss, name: スーパーバイザー, contacts: { email: boss@city.example.jp } }
supervisors: [boss]
shifts:
  - { days: [mon, tue, wed, thu, fri, sat, sun, holiday], people: [night_a, night_b] }
`;
}

async function startWebhook() {
  const received: any[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { received, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, close: () => new Promise((r) => server.close(r)) };
}

async function startConversation(app: TestApp) {
  const person = await WebChatClient.start(app.url);
  await waitFor(async () => (await person.messages()).some((m) => m.choices?.length));
  return person;
}

describe('the on-call rota outside desk hours', () => {
  let app: TestApp;
  let smtp: Awaited<ReturnType<typeof startFakeSmtp>>;
  let webhook: Awaited<ReturnType<typeof startWebhook>>;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yorisoi-oncall-'));
    webhook = await startWebhook();
    smtp = await startFakeSmtp();
    writeFileSync(join(dir, 'desk.yaml'), ALWAYS_CLOSED);
    writeFileSync(join(dir, 'oncall.yaml'), rota(webhook.url));
    app = await startTestApp({
      env: { DESK_HOURS_FILE: join(dir, 'desk.yaml'), ONCALL_FILE: join(dir, 'oncall.yaml'), SMTP_URL: smtp.url, PUBLIC_BASE_URL: 'https://yorisoi.example.jp' },
    });
  });
  afterAll(async () => {
    await app?.dispose();
    await smtp?.close();
    await webhook?.close();
  });
  const db = () => app.runtime.db;
  const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));

  it('pages the person on call within 10 s, names the case but not the words, and tells the person the truth', async () => {
    const person = await startConversation(app);
    const sentAt = Date.now();
    await person.send({ text: '死にたい。薬をたくさん飲んだ' });
    await waitFor(() => webhook.received.length >= 1 && mailsTo('night-a@city.example.jp').length >= 1, { timeoutMs: 10_000, intervalMs: 50 });
    expect(Date.now() - sentAt).toBeLessThan(10_000);
    const kase = await db().case.findFirstOrThrow({ where: { urgency: 'EMERGENCY' }, orderBy: { createdAt: 'desc' } });
    const hook = webhook.received[0]!;
    expect(hook.kind).toBe('oncall_page');
    expect(hook.text).toContain(`#${kase.number}`);
    expect(hook.text).toContain('ウェブチャット');
    expect(hook.text).toMatch(/自殺の危険|体の緊急/);
    expect(hook.ackUrl).toMatch(/^https:\/\/yorisoi\.example\.jp\/oncall\/ack\//);
    for (const outside of [JSON.stringify(hook), mailsTo('night-a@city.example.jp')[0]!.data]) expect(outside).not.toContain('薬をたくさん');

    // "The on-call counsellor is being alerted": said because a page really goes out.
    const answer = (await person.messages()).find((m) => m.actions?.length)!;
    expect(answer.text).toContain('当番の相談員に、いま連絡しています');
    expect(answer.actions[0].uri).toBe('tel:119');
  });

  it('escalates when nobody acknowledges: the next person, then the supervisor', async () => {
    const before = smtp.mails.length;
    const person = await startConversation(app);
    const startedAt = new Date();
    await person.send({ text: '夫に殴られている。助けて' });
    await waitFor(async () => (await db().onCallPage.count({ where: { createdAt: { gte: startedAt } } })) >= 1);
    const { caseId } = await db().onCallPage.findFirstOrThrow({ where: { createdAt: { gte: startedAt } } });
    const kase = await db().case.findUniqueOrThrow({ where: { id: caseId } });
    // Each page is sent (fake SMTP) only after the previous one timed out unacknowledged.
    const sentTo = async (personId: string) => (await db().onCallPage.findFirst({ where: { caseId: kase.id, personId, sentAt: { not: null } } })) !== null;
    await waitFor(() => sentTo('night_a'), { timeoutMs: 10_000 });
    await waitFor(() => sentTo('night_b'), { timeoutMs: 15_000 });
    await waitFor(() => sentTo('boss'), { timeoutMs: 15_000 });
    for (const address of ['night-b@city.example.jp', 'boss@city.example.jp']) expect(smtp.mails.slice(before).some((m) => m.to.includes(address))).toBe(true);
    const pages = await db().onCallPage.findMany({ where: { caseId: kase.id }, orderBy: { level: 'asc' } });
    expect(pages.map((p) => p.personId)).toEqual(['night_a', 'night_b', 'boss']);
    for (const [earlier, later] of [[pages[0]!, pages[1]!], [pages[1]!, pages[2]!]] as const) {
      expect(later.createdAt.getTime() - earlier.createdAt.getTime()).toBeGreaterThanOrEqual(2_900); // the 3 s timeout
    }
    // Nobody left in the chain: the supervisors see it in the console too.
    await waitFor(async () => (await db().notification.count({ where: { caseId: kase.id, kind: 'escalation', audience: 'supervisors' } })) === 1, { timeoutMs: 15_000 });
  });

  it('one link acknowledges, once: the chain stops; a forged or reused link changes nothing', async () => {
    const person = await startConversation(app);
    const startedAt = new Date();
    await person.send({ text: 'もう消えたい' });
    let kaseId = '';
    await waitFor(async () => {
      const page = await db().onCallPage.findFirst({ where: { level: 0, sentAt: { not: null }, createdAt: { gte: startedAt } }, orderBy: { createdAt: 'desc' } });
      kaseId = page?.caseId ?? '';
      return page !== null && webhook.received.some((h) => h.pageId === page.id);
    }, { timeoutMs: 10_000 });
    const { number } = await db().case.findUniqueOrThrow({ where: { id: kaseId }, select: { number: true } });
    const hook = webhook.received.find((h) => h.text.includes(`相談 #${number}（`))!;
    const path = new URL(hook.ackUrl).pathname;

    const view = await fetch(`${app.url}${path}`);
    expect(view.status).toBe(200);
    expect(await view.text()).toContain('受け取りました');
    // Opening the link alone (a mail scanner) acknowledges nothing.
    expect((await db().onCallPage.findFirstOrThrow({ where: { caseId: kaseId, level: 0 } })).acknowledgedAt).toBeNull();

    const [first, second] = await Promise.all([fetch(`${app.url}${path}`, { method: 'POST' }), fetch(`${app.url}${path}`, { method: 'POST' })]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    expect((await db().onCallPage.findFirstOrThrow({ where: { caseId: kaseId, level: 0 } })).acknowledgedAt).not.toBeNull();
    expect(await db().auditEvent.count({ where: { caseId: kaseId, action: 'oncall.acknowledged' } })).toBe(1);

    const forged = path.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await fetch(`${app.url}${forged}`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${app.url}/oncall/ack/not-a-token%00`, { method: 'POST' })).status).toBe(404);

    // Past the timeout, nobody else is paged for this case.
    await new Promise((r) => setTimeout(r, 4_000));
    expect(await db().onCallPage.count({ where: { caseId: kaseId } })).toBe(1);
  });
});

describe('pages whose jobs Redis lost', () => {
  let app: TestApp;
  let webhook: Awaited<ReturnType<typeof startWebhook>>;
  let dir = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yorisoi-reconcile-'));
    webhook = await startWebhook();
    writeFileSync(join(dir, 'desk.yaml'), ALWAYS_CLOSED);
    writeFileSync(join(dir, 'oncall.yaml'), rota(webhook.url));
    app = await startTestApp({ env: { DESK_HOURS_FILE: join(dir, 'desk.yaml'), ONCALL_FILE: join(dir, 'oncall.yaml') } });
  });
  afterAll(async () => {
    await app?.dispose();
    await webhook?.close();
  });

  it('are sent by the reconciler: a stored page with no job still reaches the person', async () => {
    const person = await startConversation(app);
    await person.send({ text: 'こんにちは' });
    await waitFor(async () => (await app.runtime.db.case.count()) >= 1);
    const kase = await app.runtime.db.case.findFirstOrThrow({});
    // As if the process died between commit and enqueue: the row exists, no job does.
    const page = await app.runtime.db.onCallPage.create({ data: { caseId: kase.id, level: 0, personId: 'night_a', createdAt: new Date(Date.now() - 60_000) } });
    const desk = loadDeskHours(join(dir, 'desk.yaml'));
    const oncall = { rota: loadOnCallRota(desk, join(dir, 'oncall.yaml')), transports: [] };
    expect(await reconcilePages({ db: app.runtime.db, queues: app.runtime.queues, logger: app.runtime.logger, oncall })).toBe(1);
    await waitFor(() => webhook.received.some((h) => h.pageId === page.id), { timeoutMs: 10_000 });
    // Marked sent once the transport answered (just after the webhook got it).
    await waitFor(async () => (await app.runtime.db.onCallPage.findUniqueOrThrow({ where: { id: page.id } })).sentAt !== null);
  });
});

describe('outside desk hours with nobody on call', () => {
  let app: TestApp;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yorisoi-nobody-'));
    writeFileSync(join(dir, 'desk.yaml'), ALWAYS_CLOSED);
    app = await startTestApp({ env: { DESK_HOURS_FILE: join(dir, 'desk.yaml') } });
  });
  afterAll(async () => {
    await app?.dispose();
  });

  it('says honestly that nobody can read it now and gives the 24-hour services; no page', async () => {
    const person = await startConversation(app);
    await person.send({ text: 'もう消えたい' });
    await waitFor(async () => (await person.messages()).some((m) => m.actions?.length), { timeoutMs: 10_000 });
    const answer = (await person.messages()).find((m) => m.actions?.length)!;
    expect(answer.text).toContain('相談員がすぐには読めません');
    expect(answer.text).not.toContain('当番');
    expect(answer.actions.map((a: { uri: string }) => a.uri)).toContain('https://talkme.jp/');
    expect(await app.runtime.db.onCallPage.count()).toBe(0);
  });
});
