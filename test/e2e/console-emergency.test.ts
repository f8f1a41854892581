// #15 in the console (Chromium): with a case open, a new emergency raises the banner, the tab
// title changes, a desktop notification is requested (Notification stubbed in the page), the
// alert is announced through a live region in the accessibility tree, and the new case sorts
// above an older emergency with a lower score. The sound is off until the staff member turns it on.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchBrowser } from '../support/browser.js';
import { axeViolations, DESKTOP, openConsole, PHONE, screenshot } from '../support/console.js';
import { waitFor } from '../support/services.js';
import { createStaff, type TestStaff } from '../support/staff.js';
import { WebChatClient } from '../support/web-client.js';

/** Records what the page asks of the Notification API, and answers `answer` ("granted" or a dismissal). */
const notificationStub = (answer: 'granted' | 'default') => `
  window.__notifications = { requested: 0, shown: [] };
  class StubNotification {
    static permission = 'default';
    static async requestPermission() { window.__notifications.requested++; StubNotification.permission = '${answer}'; return '${answer}'; }
    constructor(title, options) { window.__notifications.shown.push({ title, body: options && options.body }); }
    close() {}
  }
  window.Notification = StubNotification;
`;

describe('emergencies in the console', () => {
  let app: TestApp;
  let browser: Browser;
  let staff: TestStaff;

  async function emergency(text: string) {
    const person = await WebChatClient.start(app.url);
    await waitFor(async () => (await person.messages()).some((m) => m.choices?.length));
    const before = await app.runtime.db.case.count({ where: { urgency: 'EMERGENCY' } });
    await person.send({ text });
    await waitFor(async () => (await app.runtime.db.case.count({ where: { urgency: 'EMERGENCY' } })) > before);
    return app.runtime.db.case.findFirstOrThrow({ where: { urgency: 'EMERGENCY' }, orderBy: { createdAt: 'desc' } });
  }

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchBrowser();
    staff = await createStaff(app.runtime.db, { role: 'COUNSELOR', name: '相談員 みどり' });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.dispose();
  });

  async function queueOrder(page: Page) {
    return page.locator('.queue-item[data-case-id]').evaluateAll((items) => items.map((el) => (el as HTMLElement).dataset.caseId));
  }

  it.each([
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const)('%s: a new emergency raises the banner, flashes the title, asks for desktop notifications once, is announced, and sorts first', async (name, viewport) => {
    const older = await emergency('もう消えたい');
    const { page, problems, close } = await openConsole(browser, app.url, staff, { viewport, path: `/staff/cases/${older.id}` });
    try {
      await page.addInitScript(notificationStub('granted'));
      await page.reload();
      await page.locator('#app-view').waitFor({ state: 'visible' });
      await page.locator('#case-view, .case-view').first().waitFor({ state: 'visible' }).catch(() => {});
      const titleBefore = await page.title();
      // The live region is in the page (and the accessibility tree) before anything happens.
      expect(await page.locator('#emergency-live').count()).toBe(1);
      expect(await page.locator('#emergency-live').isHidden()).toBe(false);

      const newer = await emergency('死にたい。薬をたくさん飲んだ');
      expect(newer.triageScore).toBeGreaterThan(older.triageScore);
      const ref = `相談 #${newer.number}（`;

      const banner = page.locator('#emergency-banner');
      await banner.waitFor({ state: 'visible', timeout: 10_000 });
      await expect.poll(() => banner.innerText(), { timeout: 10_000 }).toContain(ref);
      const announced = page.getByRole('alert').filter({ hasText: '緊急のお知らせ' });
      await expect.poll(() => announced.innerText(), { timeout: 10_000 }).toContain(ref);
      await expect.poll(() => page.title(), { timeout: 5_000 }).toBe('【緊急】新しい緊急の相談があります');
      expect(titleBefore).not.toBe('【緊急】新しい緊急の相談があります');
      const asked = await page.evaluate(() => (window as any).__notifications);
      expect(asked.requested).toBe(1);
      expect(asked.shown.at(-1).body).toContain(ref);
      expect(asked.shown.at(-1).body).not.toContain('薬をたくさん');

      await expect.poll(async () => (await queueOrder(page)).indexOf(newer.id), { timeout: 10_000 }).toBeGreaterThanOrEqual(0);
      const order = await queueOrder(page);
      expect(order.indexOf(newer.id)).toBeLessThan(order.indexOf(older.id));

      // The sound is a personal setting, off until turned on.
      expect(await page.locator('#alert-sound').isChecked()).toBe(false);
      await screenshot(page, `crisis-console-emergency-${name}`);
      expect(await axeViolations(page)).toEqual([]);

      // Seen by me: gone from my banner; the title stops flashing.
      const item = banner.locator(`li[data-id]`).filter({ hasText: ref });
      await item.getByRole('button', { name: '確認しました' }).click();
      await expect.poll(() => banner.locator('li').filter({ hasText: ref }).count(), { timeout: 10_000 }).toBe(0);
      await expect.poll(() => page.title()).not.toBe('【緊急】新しい緊急の相談があります');
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('the sound setting is per staff member and survives a reload; the desktop permission is asked only once', async () => {
    const { page, close } = await openConsole(browser, app.url, staff, { path: '/staff/queue' });
    try {
      // The staff member dismisses the permission prompt: the console does not ask again.
      await page.addInitScript(notificationStub('default'));
      await page.reload();
      await page.locator('#app-view').waitFor({ state: 'visible' });
      await emergency('父を殺してしまいそう');
      await expect.poll(() => page.evaluate(() => (window as any).__notifications.requested), { timeout: 10_000 }).toBe(1);

      await page.locator('#alert-sound').check();
      await waitFor(async () => (await app.runtime.db.staffAlertSettings.findUnique({ where: { staffId: staff.id } }))?.sound === true);
      await page.reload();
      await page.locator('#app-view').waitFor({ state: 'visible' });
      await expect.poll(() => page.locator('#alert-sound').isChecked()).toBe(true);
      const another = await emergency('夫に殴られている。助けて');
      await expect.poll(() => page.locator('#emergency-banner').innerText(), { timeout: 10_000 }).toContain(`相談 #${another.number}（`);
      expect(await page.evaluate(() => (window as any).__notifications.requested)).toBe(0);
      // Another colleague's setting is their own.
      expect(await app.runtime.db.staffAlertSettings.count()).toBe(1);
    } finally {
      await close();
    }
  });
});
