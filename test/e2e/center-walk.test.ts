// The receiving center's walk in headless Chromium, as center staff: a new emergency handover
// appears live with a notification; receive it (受け止め); the counsellor is told; hold a
// 支援調整会議 with two agencies and a plan of three goals; the review reminder fires (its time
// brought forward here); close with a reason (終結); the supervisors' dashboard counts it.
// axe-core (serious/critical) and the internal-code scan at 390 px and 1366 px; screenshots.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { createLogger } from '../../src/platform/logger.js';
import { fireJobId, scheduleReminderJob } from '../../src/reminders/reminders.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchBrowser } from '../support/browser.js';
import { axeViolations, DESKTOP, internalCodesOnPage, openConsole, PHONE } from '../support/console.js';
import { waitFor } from '../support/services.js';
import { createStaff, grantHandoverConsent, queuedWebCase, StaffClient, type TestStaff } from '../support/staff.js';

const SHOTS = process.env.CENTER_SHOTS_DIR ?? '/work/status/shots/center';

async function shot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

async function checkPage(page: Page, name: string) {
  expect(await axeViolations(page), `${name}: axe`).toEqual([]);
  expect(await internalCodesOnPage(page), `${name}: codes on screen`).toEqual([]);
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(sideways, `${name}: sideways scroll`).toBeLessThanOrEqual(1);
  await shot(page, name);
}

describe('the center walk (Chromium)', () => {
  let app: TestApp;
  let db: Db;
  let browser: Browser;
  let counselor: TestStaff;
  let supervisor: TestStaff;
  let center: TestStaff;
  let asCounselor: StaffClient;
  let caseId = '';

  beforeAll(async () => {
    app = await startTestApp();
    db = app.runtime.db;
    counselor = await createStaff(db, { role: 'COUNSELOR', name: '相談員 あおい' });
    supervisor = await createStaff(db, { role: 'SUPERVISOR', name: 'スーパーバイザー 京子' });
    center = await createStaff(db, { role: 'CENTER', name: '左京 保健師 みどり', centerCode: 'sakyo' });
    await createStaff(db, { role: 'CENTER', name: '左京 職員 はると', centerCode: 'sakyo' });
    const queued = await queuedWebCase(app.url, db, '息子が母に手をあげています。');
    caseId = queued.caseId;
    queued.chat.close();
    asCounselor = await StaffClient.login(app.url, counselor);
    expect((await asCounselor.post(`/cases/${caseId}/claim`)).status).toBe(200);
    await grantHandoverConsent(db, caseId);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    asCounselor?.close();
    await browser?.close();
    await app?.dispose();
  });

  it('walks from a live emergency handover to 終結, and the dashboard counts it', async () => {
    const { page, problems, close } = await openConsole(browser, app.url, center, { viewport: DESKTOP, path: '/staff/center' });
    await page.locator('#center-inbox').waitFor();
    await checkPage(page, '01-inbox-empty-1366');

    // A new emergency handover arrives: live in the list (within 2 s) and in the bell.
    const created = await asCounselor.post(`/cases/${caseId}/handovers`, { centerCode: 'sakyo', basis: 'emergency_override', note: '高齢の母への暴力の訴え。今日中の訪問を。', overrideReason: '命と体の安全のため' });
    expect(created.status).toBe(201);
    await page.locator(`.center-pending[data-case-id="${caseId}"]`).waitFor({ timeout: 2_000 });
    await page.waitForFunction(() => Number(document.querySelector('#notifications-count')?.textContent ?? '0') > 0, undefined, { timeout: 2_000 });
    await page.click('#notifications-button');
    await expect(page.locator('#notifications-list').innerText()).resolves.toContain('新しいつなぎが届きました');
    await checkPage(page, '02-inbox-emergency-with-bell-1366');
    await page.click('#notifications-button');

    // 受け止め: one click; the case page opens with the receiver as キーマン; the counsellor is told.
    await page.click(`.center-pending[data-case-id="${caseId}"] .receive-button`);
    await page.locator('#center-case-title').waitFor();
    await expect(page.locator('#key-person').innerText()).resolves.toContain('左京 保健師 みどり');
    await waitFor(async () => (await asCounselor.get('/notifications')).body.notifications.some((n: any) => n.kind === 'handover_acknowledged' && n.caseId === caseId));
    await checkPage(page, '03-case-received-1366');

    // 支援調整会議 with two agencies and a plan of three goals (one per track).
    await page.fill('#meeting-date', '2026-12-10');
    await page.check('#meeting-sections input[value="health_longevity"]');
    await page.check('#meeting-agencies input[value="community-comprehensive-support"]');
    await page.check('#meeting-agencies input[value="kokoro-center"]');
    await page.check('#meeting-desk-attended');
    await page.fill('#meeting-assessment', '母（80代）への暴力の背景に、本人の不安と昼夜逆転。');
    const goals: [string, string, string, string][] = [
      ['person', 'section:health_longevity', '本人と保健師が月1回会う', '手紙を渡す'],
      ['family', 'agency:community-comprehensive-support', '母の介護サービス利用', '要介護認定の申請'],
      ['community', 'agency:kokoro-center', '母が家族教室に参加', '次回の案内'],
    ];
    for (const [i, [track, owner, title, next]] of goals.entries()) {
      await page.click('#add-goal');
      const goal = page.locator('.new-goal').nth(i);
      await goal.locator('.goal-track').selectOption(track);
      await goal.locator('.goal-owner').selectOption(owner);
      await goal.locator('.goal-title').fill(title);
      await goal.locator('.goal-next').fill(next);
    }
    await page.fill('#meeting-next-review', '2027-01-14');
    await checkPage(page, '04-meeting-form-1366');
    await page.click('#meeting-save');
    await page.waitForFunction(() => document.querySelectorAll('.plan-goal').length === 3);
    await expect(page.locator('#meeting-list').innerText()).resolves.toContain('地域包括支援センター');
    await expect(page.locator('[data-track="family"]').innerText()).resolves.toContain('母の介護サービス利用');

    // The review date's reminder fires (brought forward from 2027-01-14 09:30 to now).
    const reminder = await db.reminder.findFirstOrThrow({ where: { caseId, kind: 'CENTER_REVIEW_DUE', cancelledAt: null } });
    const due = await db.reminder.update({ where: { id: reminder.id }, data: { dueAt: new Date() } });
    await (await app.runtime.queues.reminders.getJob(fireJobId(reminder.id)))?.remove();
    await scheduleReminderJob({ queues: app.runtime.queues, logger: createLogger({ level: 'silent' }) }, due);
    await page.click('#notifications-button');
    await page.locator('#notifications-list li', { hasText: '見直し予定日' }).waitFor({ timeout: 15_000 });
    await page.click('#notifications-button');
    await checkPage(page, '05-plan-and-review-reminder-1366');

    // The same page on a phone.
    const phone = await openConsole(browser, app.url, center, { viewport: PHONE, path: `/staff/center/cases/${caseId}` });
    await phone.page.locator('#center-case-title').waitFor();
    await phone.page.waitForFunction(() => document.querySelectorAll('.plan-goal').length === 3);
    await checkPage(phone.page, '06-case-plan-390');
    await phone.close();

    // 終結 with a coded reason.
    await page.selectOption('#closure-reason', 'connected_to_service');
    await page.fill('#closure-note', '介護サービスと家族教室につながった');
    await page.click('#closure-save');
    await page.locator('#closure-done').waitFor();
    await expect(page.locator('#closure-done').innerText()).resolves.toContain('継続的な支援・サービスにつながった');
    expect((await db.case.findUniqueOrThrow({ where: { id: caseId } })).status).toBe('CLOSED');
    await checkPage(page, '07-closed-1366');
    expect(problems).toEqual([]);
    await close();

    // The supervisors' dashboard counts it.
    const boss = await openConsole(browser, app.url, supervisor, { viewport: DESKTOP });
    await boss.page.goto(`${app.url}/staff/dashboard.html`);
    await boss.page.locator('body[data-state="ready"]').waitFor({ timeout: 15_000 });
    await expect(boss.page.locator('#chart-center-closures').innerText()).resolves.toContain('継続的な支援・サービスにつながった');
    await expect(boss.page.locator('#chart-center-closures').innerText()).resolves.toContain('終結 1件');
    await expect(boss.page.locator('#chart-center-goals').innerText()).resolves.toContain('会議 1回（1件）');
    expect(await axeViolations(boss.page)).toEqual([]);
    await shot(boss.page, '08-dashboard-1366');
    expect(boss.problems).toEqual([]);
    await boss.close();
  }, 180_000);

  it('the center inbox and resources view on a phone, and the quote-into-reply picker for the desk', async () => {
    const { page, close } = await openConsole(browser, app.url, center, { viewport: PHONE, path: '/staff/center?closed=true' });
    await page.locator('.center-case-item').first().waitFor();
    await checkPage(page, '09-inbox-closed-390');
    await page.goto(`${app.url}/staff/resources?q=${encodeURIComponent('家族')}`);
    await page.locator('#resources-list li').first().waitFor();
    await checkPage(page, '10-resources-390');
    await close();

    // The desk: in a case, search a resource and quote it into the reply in one click (the referral is recorded).
    const other = await queuedWebCase(app.url, db, '家族のことで相談したいです');
    other.chat.close();
    expect((await asCounselor.post(`/cases/${other.caseId}/claim`)).status).toBe(200);
    const desk = await openConsole(browser, app.url, counselor, { viewport: DESKTOP, path: `/staff/cases/${other.caseId}` });
    await desk.page.locator('#reply-text').waitFor();
    await desk.page.click('.resource-picker summary');
    await desk.page.fill('#resource-search', '家族教室');
    await desk.page.locator('.resource-results li[data-resource-id="kokoro-family-class"] .quote-resource').click();
    await expect(desk.page.locator('#reply-text').inputValue()).resolves.toContain('ひきこもり家族教室');
    await waitFor(async () => (await db.referral.count({ where: { caseId: other.caseId, via: 'desk', resourceId: 'kokoro-family-class' } })) === 1);
    await checkPage(desk.page, '11-desk-quote-resource-1366');
    await desk.close();
  }, 120_000);
});
