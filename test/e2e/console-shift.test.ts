// A counsellor's shift in headless Chromium: find a case by its number and by a phone number,
// open it by URL, reply with a template found by `/`, see the person typing, record a phone call,
// link a household, transfer it to a colleague (their shift view has it), who closes it; the
// person writes again and that counsellor sees the history at once.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { RealtimePublisher } from '../../src/realtime/bus.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchBrowser } from '../support/browser.js';
import { axeViolations, internalCodesOnPage, openConsole, screenshot } from '../support/console.js';
import { waitFor } from '../support/services.js';
import { createStaff, queuedWebCase, type TestStaff } from '../support/staff.js';

describe('a shift in the console (Chromium)', () => {
  let app: TestApp;
  let db: Db;
  let browser: Browser;
  let counselor: TestStaff;
  let colleague: TestStaff;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.runtime.db;
    counselor = await createStaff(db, { role: 'COUNSELOR', name: '相談員 あおい' });
    colleague = await createStaff(db, { role: 'COUNSELOR', name: '相談員 ひかり' });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.dispose();
  });

  it('finds, answers, records, links, transfers and closes a case; the returning person is recognised', async () => {
    const { chat, caseId } = await queuedWebCase(app.url, db, '母です。息子のことで相談したいです。');
    const { number, conversationId } = await db.case.findUniqueOrThrow({ where: { id: caseId }, select: { number: true, conversationId: true } });
    const other = await queuedWebCase(app.url, db, '父です。同じ家のことです。');
    other.chat.close();
    const otherNumber = (await db.case.findUniqueOrThrow({ where: { id: other.caseId }, select: { number: true } })).number;

    const { page, problems, close } = await openConsole(browser, app.url, counselor);
    // The card shows the unread message and its beginning.
    const card = page.locator(`#queue .queue-item[data-case-id="${caseId}"]`);
    await card.waitFor({ timeout: 15_000 });
    await expect(card.locator('.badge.unread').innerText()).resolves.toMatch(/未読 \d+/);
    await expect(card.locator('.queue-preview').innerText()).resolves.toBeTruthy();

    // Find it by its number from the header.
    await page.fill('#search-input', `#${number}`);
    await page.press('#search-input', 'Enter');
    await page.locator(`#search-results .queue-item[data-case-id="${caseId}"] a`).click();
    await page.waitForURL(`**/staff/cases/${caseId}`);
    await page.click('#claim-button');
    await page.locator('#reply-form').waitFor();
    // Opened: no longer unread for me.
    await waitFor(async () => (await page.locator(`#queue .queue-item[data-case-id="${caseId}"] .badge.unread`).count()) === 0, { timeoutMs: 15_000 });

    // A note with the phone number the person gave; then find the case by that number.
    await page.fill('#note-text', '折り返しの電話番号は 075-123-4567 とのこと。');
    await page.click('#note-form button[type="submit"]');
    await page.locator('#notes li', { hasText: '075-123-4567' }).waitFor();
    await page.fill('#search-input', '０７５（１２３）４５６７');
    await page.press('#search-input', 'Enter');
    await page.locator(`#search-results .queue-item[data-case-id="${caseId}"]`).waitFor();
    await expect(page.locator('#search-results').innerText()).resolves.toContain('電話番号で見つかりました');

    // Open it by its URL, reply with a template found with `/`.
    await page.goto(`${app.url}/staff/cases/${caseId}`);
    await page.locator('#reply-text').waitFor();
    await page.click('#reply-text');
    await page.keyboard.type('/はじめ');
    await page.locator('#template-suggestions li').first().waitFor();
    await page.keyboard.press('Enter');
    const drafted = await page.inputValue('#reply-text');
    expect(drafted).not.toContain('/はじめ');
    expect(drafted).toContain('よりそいの相談員です');
    await page.click('#reply-send');
    await waitFor(async () => (await chat.messages()).some((m) => m.author === 'staff' && m.text?.includes('よりそいの相談員です')), { timeoutMs: 15_000 });

    // The person is typing (the web chat's typing signal reaches the console through the staff stream).
    const publisher = new RealtimePublisher(app.runtime.redisFailFast, app.config.redisPrefix, app.runtime.logger);
    await publisher.publish({ kind: 'staff' }, { type: 'typing', conversationId, on: true, by: 'user', caseId });
    await page.locator('#typing-indicator', { hasText: '相談者が入力しています' }).waitFor({ timeout: 10_000 });
    await publisher.publish({ kind: 'staff' }, { type: 'typing', conversationId, on: false, by: 'user', caseId });
    await waitFor(async () => (await page.locator('#typing-indicator').innerText()) === '', { timeoutMs: 10_000 });

    // A phone call with the same person, recorded on the case.
    await page.click('#desk-contacts > summary');
    await page.check('#desk-contacts input[value="PHONE"]');
    await page.selectOption('#dc-who', 'FAMILY');
    await page.fill('#dc-minutes', '15');
    await page.fill('#dc-summary', 'お母さまから電話。来週の家族教室に参加したいとのこと。');
    await page.click('#dc-submit');
    await page.locator('#desk-contacts li', { hasText: '家族教室に参加したい' }).waitFor();
    expect(await db.deskContact.count({ where: { caseId } })).toBe(1);

    // The father's case belongs to the same household: linked, and shown on both cases.
    await page.fill('#link-other', `#${otherNumber}`);
    await page.click('#link-form button[type="submit"]');
    await page.locator('#household-links li', { hasText: `相談 #${otherNumber}` }).waitFor();
    await page.goto(`${app.url}/staff/cases/${other.caseId}`);
    await page.locator('#household-links li', { hasText: `相談 #${number}` }).waitFor();
    await page.goto(`${app.url}/staff/cases/${caseId}`);
    await page.locator('#household-links li', { hasText: `相談 #${otherNumber}` }).waitFor();
    await page.click('#desk-contacts > summary');
    await page.locator('#desk-contacts li', { hasText: '家族教室に参加したい' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    expect(await internalCodesOnPage(page)).toEqual([]);
    await screenshot(page, 'shift-walk-case');

    // The person's timeline has the messages, the note and the call.
    await page.click('#person-link');
    await page.locator('#timeline li', { hasText: '家族教室に参加したい' }).waitFor();
    await expect(page.locator('#timeline').innerText()).resolves.toContain('息子のことで相談したいです');
    expect(await internalCodesOnPage(page)).toEqual([]);
    await screenshot(page, 'shift-walk-person');

    // Transfer to a colleague, who is logged in: they are told at once; the history names them.
    const next = await openConsole(browser, app.url, colleague, { path: '/staff/shift' });
    await next.page.locator('#live-status', { hasText: 'ライブ更新中' }).waitFor({ timeout: 15_000 });
    await page.goto(`${app.url}/staff/cases/${caseId}`);
    await page.selectOption('#transfer-select', colleague.id);
    await page.click('#transfer-button');
    await waitFor(async () => (await db.case.findUniqueOrThrow({ where: { id: caseId } })).assigneeId === colleague.id, { timeoutMs: 15_000 });
    expect(problems).toEqual([]);
    await close();

    await next.page.locator('#transfer-notices', { hasText: `相談 #${number} の担当があなたに替わりました` }).waitFor({ timeout: 15_000 });

    // The colleague has it in the shift view and closes it.
    await next.page.locator(`#shift-mine .queue-item[data-case-id="${caseId}"]`).waitFor({ timeout: 15_000 });
    await next.page.locator(`#shift-mine .queue-item[data-case-id="${caseId}"] a`).click();
    await next.page.locator('#history li', { hasText: '担当を替えました' }).waitFor();
    await expect(next.page.locator('#history li', { hasText: '担当を替えました' }).innerText()).resolves.toContain('相談員 ひかり');
    await next.page.click('#status-section > summary');
    await next.page.selectOption('#status-select', 'CLOSED');
    await next.page.fill('#status-reason', '家族教室につながったため');
    await next.page.click('#status-form button[type="submit"]');
    await waitFor(async () => (await db.case.findUniqueOrThrow({ where: { id: caseId } })).status === 'CLOSED', { timeoutMs: 15_000 });

    // The person writes again: the colleague sees it in the queue at once, with the history.
    await next.page.goto(`${app.url}/staff/queue`);
    await next.page.locator('#queue').waitFor();
    await chat.send({ text: 'またお世話になります。先日はありがとうございました。' });
    const back = next.page.locator('#queue .queue-item', { hasText: '再びの相談' });
    await back.first().waitFor({ timeout: 20_000 });
    await back.first().locator('a').click();
    await next.page.click('#person-link');
    await next.page.locator('#timeline li', { hasText: '家族教室に参加したい' }).waitFor();
    await expect(next.page.locator('#timeline').innerText()).resolves.toContain('またお世話になります');
    expect(await internalCodesOnPage(next.page)).toEqual([]);
    await next.page.goBack();
    await next.page.locator('#history li').first().waitFor();
    expect(await internalCodesOnPage(next.page)).toEqual([]);
    expect(next.problems).toEqual([]);
    chat.close();
    await next.close();
  }, 240_000);
});
