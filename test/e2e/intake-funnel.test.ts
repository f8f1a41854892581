// The intake funnel on the supervisors' dashboard (#17), in headless Chromium at a phone's and a
// desk's width: every question people reached is a row, with its counts and a bar, named in
// Japanese (no codes), readable (axe), under the strict CSP. Real conversations through the web
// chat make the stored events.
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchBrowser } from '../support/browser.js';
import { axeViolations, DESKTOP, internalCodesOnPage, openConsole, PHONE } from '../support/console.js';
import { waitFor } from '../support/services.js';
import { createStaff, type TestStaff } from '../support/staff.js';
import { WebChatClient } from '../support/web-client.js';

const SHOTS = process.env.SHOTS_DIR ?? 'test-artifacts/first';

async function walk(baseUrl: string, inputs: Array<string | { data: string }>) {
  const chat = await WebChatClient.start(baseUrl);
  const bots = () => chat.messages().then((all) => all.filter((m) => m.author === 'bot').length, () => -1);
  await waitFor(async () => (await bots()) > 0, { timeoutMs: 15_000 });
  for (const input of inputs) {
    let before = -1;
    await waitFor(async () => (before = await bots()) >= 0);
    await chat.send(typeof input === 'string' ? { text: input } : { choice: { data: input.data, label: input.data } });
    await waitFor(async () => (await bots()) > before, { timeoutMs: 15_000 });
  }
}

describe('intake funnel on the dashboard (Chromium)', () => {
  let app: TestApp;
  let db: Db;
  let browser: Browser;
  let supervisor: TestStaff;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.runtime.db;
    supervisor = await createStaff(db, { role: 'SUPERVISOR', name: 'スーパーバイザー 京子' });
    await walk(app.url, [{ data: 'a:intake:who:self' }, { data: 'a:self:age_band:20s' }, { data: 'skip:self:help_wanted' }, { data: 'a:self:contact_method:chat' }, { data: 'a:self:more:no' }]);
    await walk(app.url, [{ data: 'a:intake:who:family' }, '🙇🙇🙇', { data: 'a:family:relation:son' }, { data: 'a:family:age_band:40s' }]);
    await walk(app.url, ['誰にも言えなかったことを書きます。']);
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.dispose();
  });

  it.each([
    ['phone', PHONE],
    ['desk', DESKTOP],
  ] as const)('shows reached / answered / skipped / wrote / stopped per question (%s)', async (name, viewport) => {
    const { page, problems, close } = await openConsole(browser, app.url, supervisor, { viewport });
    await page.goto(`${app.url}/staff/dashboard.html`);
    await page.locator('body[data-state="ready"]').waitFor({ timeout: 15_000 });
    const rows = page.locator('#chart-funnel table.funnel tbody tr');
    await rows.first().waitFor();
    const events = await db.intakeStepEvent.findMany({ select: { flowId: true, stepId: true } });
    expect(await rows.count()).toBe(new Set(events.map((e) => `${e.flowId}/${e.stepId}`)).size);
    const first = await rows.first().locator('th, td').allInnerTexts();
    expect(first.slice(0, 7)).toEqual(['はじめ 相談する人', '3', '2', '0', '1', '1', '']);
    const family = rows.filter({ hasText: 'ご本人との関係' });
    expect((await family.locator('td').allInnerTexts()).slice(0, 5)).toEqual(['1', '1', '0', '1', '0']);
    await expect(page.locator('#chart-funnel').innerText()).resolves.toContain('ここで止まった');
    expect(await internalCodesOnPage(page)).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.locator('#h-funnel').scrollIntoViewIfNeeded();
    await page.locator('#chart-funnel').screenshot({ path: `${SHOTS}/dashboard-funnel-${name}.png` });
    await page.screenshot({ path: `${SHOTS}/dashboard-${name}.png`, fullPage: true });
    await close();
  });
});
