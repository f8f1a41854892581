// The supervisors' analytics dashboard in headless Chromium, on seeded weeks of consultations:
// every chart is drawn (inline SVG, strict CSP), the export link carries the range, a counsellor
// is turned away. Also: a person's deletion as the console shows it (a marker, no words).
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { seedAnalytics, type SeededAnalytics } from '../support/analytics-seed.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchBrowser } from '../support/browser.js';
import { createStaff, queuedWebCase, type TestStaff } from '../support/staff.js';

describe('analytics dashboard (Chromium)', () => {
  let app: TestApp;
  let db: Db;
  let browser: Browser;
  let supervisor: TestStaff;
  let counselor: TestStaff;
  let seeded: SeededAnalytics;
  const problems: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    db = app.runtime.db;
    seeded = await seedAnalytics(db, { weeks: 12, count: 72 });
    supervisor = await createStaff(db, { role: 'SUPERVISOR', name: 'スーパーバイザー 京子' });
    counselor = await createStaff(db, { role: 'COUNSELOR', name: '相談員 一郎' });
    browser = await launchBrowser();
    mkdirSync('test-artifacts', { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await app?.dispose();
  });

  async function loggedInPage(staff: TestStaff): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1360, height: 1000 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(`csp: ${message.text()}`);
    });
    await page.goto(`${app.url}/staff`);
    await page.locator('#login-view').waitFor({ state: 'visible' });
    await page.fill('#login-email', staff.email);
    await page.fill('#login-password', staff.password);
    await page.click('#login-submit');
    await page.locator('#app-view').waitFor({ state: 'visible' });
    return page;
  }

  it('draws every chart from the seeded weeks, readable, with an export link for the range', async () => {
    const page = await loggedInPage(supervisor);
    await page.goto(`${app.url}/staff/dashboard.html`);
    await page.locator('body[data-state="ready"]').waitFor({ timeout: 15_000 });

    const consultations = await db.case.count({ where: { status: { not: 'INTAKE' } } });
    await expect(page.locator('#summary .stat').first().innerText()).resolves.toContain(`${consultations}件`);
    for (const id of ['chart-consulter', 'chart-channel', 'chart-age', 'chart-stage', 'chart-urgency', 'chart-reply', 'chart-handover', 'chart-ack', 'chart-reminders']) {
      const chart = page.locator(`#${id} svg[role="img"]`).first();
      await expect(chart.getAttribute('aria-label')).resolves.toBeTruthy();
      expect(await page.locator(`#${id} svg rect`).count(), id).toBeGreaterThan(1);
      expect(await page.locator(`#${id} .empty-chart`).count(), id).toBe(0);
    }
    // Weekly bars add up to the number of consultations.
    const weeklyTotal = await page.locator('#chart-channel details table tbody tr td:last-child').allTextContents();
    expect(weeklyTotal.map(Number).reduce((a, b) => a + b, 0)).toBe(consultations);
    await expect(page.locator('#chart-consulter .legend').innerText()).resolves.toContain('家族');
    await expect(page.locator('#chart-age').innerText()).resolves.toContain('40代');
    await expect(page.locator('#chart-urgency').innerText()).resolves.toContain('緊急');

    // The words and ids stored with the cases are nowhere on the page.
    const html = await page.content();
    for (const secret of seeded.secrets) expect(html).not.toContain(secret);

    const href = await page.locator('#export-link').getAttribute('href');
    expect(href).toMatch(/^\/api\/staff\/analytics\/export\.csv\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/);
    const csv = await page.evaluate(async (url) => (await fetch(url!, { credentials: 'same-origin' })).text(), href);
    expect(csv.split('\r\n')[0]).toContain('case,first_contact_week,channel');

    // A preset re-reads a longer range.
    await page.click('button[data-weeks="26"]');
    await page.locator('body[data-state="ready"]').waitFor();
    expect(await page.locator('#chart-consulter details table tbody tr').count()).toBeGreaterThanOrEqual(26);
    await page.click('button[data-weeks="12"]');
    await page.locator('body[data-state="ready"]').waitFor();

    await page.screenshot({ path: 'test-artifacts/analytics-dashboard.png', fullPage: true });
    expect(problems).toEqual([]);
    expect(await db.auditEvent.count({ where: { action: 'analytics.export' } })).toBeGreaterThan(0);
    await page.close();
  });

  it('turns a counsellor away', async () => {
    const page = await loggedInPage(counselor);
    await page.goto(`${app.url}/staff/dashboard.html`);
    await page.locator('body[data-state="error"]').waitFor();
    await expect(page.locator('#dash-message').innerText()).resolves.toContain('スーパーバイザーだけ');
    await page.close();
  });

  it("shows a person's deletion in the console as a marker, without their words", async () => {
    const words = '消してほしい私の話（コンソール確認）';
    const { chat, caseId } = await queuedWebCase(app.url, db, words);
    expect((await fetch(`${app.url}/api/chat/conversation`, { method: 'DELETE', headers: chat.headers() })).status).toBe(204);

    const page = await loggedInPage(supervisor);
    // An unclaimed case whose person deleted their data leaves the open queue (#16); the case
    // itself still opens by its link, marked, without the words.
    await page.goto(`${app.url}/staff/cases/${caseId}?status=all`);
    await page.locator('#case-badges', { hasText: 'データ削除済み' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('#app-view').innerText()).not.toContain(words);
    await page.close();
    expect(problems).toEqual([]);
  });
});
