import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWebSession } from '../../src/channels/web/sessions.js';
import { createDb, type Db } from '../../src/db/client.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchBrowser } from '../support/browser.js';
import { countMessagesWithText } from '../support/encrypted.js';
import { waitFor } from '../support/services.js';
import { createStaff, StaffClient } from '../support/staff.js';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

/** The choice buttons of the newest bot message that offers any. */
function lastChoices(page: Page) {
  return page.locator('#messages li.bot:has(.choices)').last().locator('.choices button');
}

async function botMessageCount(page: Page) {
  return page.locator('#messages li.bot').count();
}

/** Clicks a choice in the newest choice group and waits for the bot to answer. */
async function choose(page: Page, label: string | RegExp) {
  const before = await botMessageCount(page);
  await lastChoices(page).filter({ hasText: label }).first().click();
  await waitFor(async () => (await botMessageCount(page)) > before, { timeoutMs: 10_000 });
}

async function userMessages(page: Page) {
  return page.locator('#messages li.user .text').allTextContents();
}

describe('web chat in a real browser', () => {
  let app: TestApp;
  let db: Db;
  let browser: Browser;

  beforeAll(async () => {
    app = await startTestApp();
    db = createDb(app.config.databaseUrl);
    browser = await launchBrowser();
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await db?.$disconnect();
    await app?.dispose();
  });

  it('takes a new family member through the intake to the staff queue, and resumes after a reload', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${app.url}/`);

    // Accessible structure the issue asks for.
    expect(await page.getByRole('log').count()).toBe(1);
    const input = page.getByLabel('メッセージ');
    expect(await input.evaluate((el) => el.tagName)).toBe('TEXTAREA');
    const send = page.getByRole('button', { name: '送信' });
    expect(await send.count()).toBe(1);

    // Welcome, then "who is this about?" as real buttons.
    await lastChoices(page).first().waitFor({ timeout: 10_000 });
    expect(await page.locator('#messages li.bot').first().textContent()).toContain('名前は言わなくて大丈夫');
    await choose(page, '家族');
    await choose(page, '息子');

    // Typing with a Japanese IME: Enter that confirms a conversion must not send.
    await input.click();
    await input.evaluate((el) => el.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true })));
    await page.keyboard.insertText('さんじゅうだい');
    await input.evaluate((el) =>
      el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', keyCode: 229, isComposing: true, bubbles: true, cancelable: true })),
    );
    await page.keyboard.press('Enter'); // still composing: ignored
    await page.waitForTimeout(300);
    expect(await userMessages(page)).not.toContain('さんじゅうだい');
    await input.fill('30代です');
    await input.evaluate((el) => el.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: '30代です' })));
    await page.waitForTimeout(50);
    // Shift+Enter makes a new line, Enter sends.
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('よろしくお願いします');
    expect(await input.inputValue()).toBe('30代です\nよろしくお願いします');
    const before = await botMessageCount(page);
    await page.keyboard.press('Enter');
    await waitFor(async () => (await userMessages(page)).includes('30代です\nよろしくお願いします'), { timeoutMs: 10_000 });
    await waitFor(async () => (await botMessageCount(page)) > before, { timeoutMs: 10_000 });
    expect(await input.inputValue()).toBe('');
    await waitFor(async () => (await page.locator('#messages li.user[data-status="sent"]').count()) >= 3);

    // Reload: the same anonymous session, the conversation is still there.
    const shown = await page.locator('#messages li').count();
    await page.reload();
    await waitFor(async () => (await page.locator('#messages li').count()) >= shown, { timeoutMs: 10_000 });
    expect(await userMessages(page)).toContain('30代です\nよろしくお願いします');

    // Go on by keyboard and clicks until the summary, then send it to staff.
    for (let i = 0; i < 40; i++) {
      const labels = await lastChoices(page).allTextContents();
      if (labels.includes('この内容で送る')) break;
      const pick = labels.find((l) => ['はい', '答える', 'このチャットで', 'いつでもいい'].includes(l)) ?? labels.find((l) => l.includes('スキップ')) ?? labels[0]!;
      const button = lastChoices(page).filter({ hasText: pick }).first();
      const count = await botMessageCount(page);
      await button.focus();
      await page.keyboard.press('Enter');
      // Some answers come as two messages (a word, then the next question): wait for the
      // question's buttons, or the next round focuses the disabled ones just pressed.
      await waitFor(async () => (await botMessageCount(page)) > count && (await lastChoices(page).first().isEnabled()), { timeoutMs: 10_000 });
    }
    await choose(page, 'この内容で送る');
    expect(await page.locator('#messages li.bot').last().textContent()).toContain('相談員に届けました');

    await waitFor(async () => (await db.case.count({ where: { status: 'QUEUED', consulterType: 'FAMILY', channel: 'WEB' } })) === 1);
    const kase = await db.case.findFirstOrThrow({ where: { consulterType: 'FAMILY' }, include: { answers: true } });
    expect(kase.answers.some((a) => a.freeText?.includes('30代です'))).toBe(true);
    expect(errors).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}web-chat.png` });
    await context.close();
  });

  it('shows HTML and script in messages as text, never running it', async () => {
    const page = await browser.newPage({ locale: 'ja-JP' });
    await page.goto(`${app.url}/`);
    await lastChoices(page).first().waitFor({ timeout: 10_000 });
    const attack = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>太字</b>';
    await page.getByLabel('メッセージ').fill(attack);
    await page.getByRole('button', { name: '送信' }).click();
    await waitFor(async () => (await userMessages(page)).includes(attack), { timeoutMs: 10_000 });
    await page.reload();
    await waitFor(async () => (await userMessages(page)).includes(attack), { timeoutMs: 10_000 });
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#messages b, #messages img, #messages script').count()).toBe(0);
    await page.close();
  });

  it('keeps a message typed while offline and sends it once when the connection returns', async () => {
    const context = await browser.newContext({ locale: 'ja-JP' });
    const page = await context.newPage();
    await page.goto(`${app.url}/`);
    await lastChoices(page).first().waitFor({ timeout: 10_000 });
    await context.setOffline(true);
    await page.getByLabel('メッセージ').fill('電波が悪いところから送ります');
    await page.keyboard.press('Enter');
    await waitFor(async () => (await page.locator('#messages li.user[data-status="failed"]').count()) === 1, { timeoutMs: 10_000 });
    expect(await page.locator('#messages li.user .status').last().textContent()).toContain('自動でもう一度送ります');
    await context.setOffline(false);
    await waitFor(async () => (await page.locator('#messages li.user[data-status="sent"]').count()) === 1, { timeoutMs: 20_000 });
    await waitFor(async () => (await countMessagesWithText(db, '電波が悪いところから送ります')) === 1);
    await page.waitForTimeout(500);
    expect(await countMessagesWithText(db, '電波が悪いところから送ります')).toBe(1);
    await context.close();
  });

  it('deletes the conversation after confirmation', async () => {
    const page = await browser.newPage({ locale: 'ja-JP' });
    await page.goto(`${app.url}/`);
    await lastChoices(page).first().waitFor({ timeout: 10_000 });
    await page.getByLabel('メッセージ').fill('この会話は消します');
    await page.keyboard.press('Enter');
    await waitFor(async () => (await countMessagesWithText(db, 'この会話は消します')) === 1, { timeoutMs: 10_000 });
    await page.getByRole('button', { name: 'この会話を削除' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '削除する' }).click();
    await waitFor(async () => (await countMessagesWithText(db, 'この会話は消します')) === 0, { timeoutMs: 10_000 });
    await waitFor(async () => ((await page.locator('#connection').textContent()) ?? '').includes('削除しました'), { timeoutMs: 10_000 });
    expect(await userMessages(page)).not.toContain('この会話は消します');
    await page.close();
  });

  it("shows a counsellor's typing after the bot has answered, and 既読 in the page's language", async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/`);
    await lastChoices(page).first().waitFor({ timeout: 10_000 });
    const input = page.getByLabel('Message');
    for (const text of ['My son has stayed in his room for two years.', 'Talk to a person']) {
      const before = await botMessageCount(page);
      await input.fill(text);
      await page.keyboard.press('Enter');
      await waitFor(async () => (await botMessageCount(page)) > before, { timeoutMs: 10_000 });
    }
    await waitFor(async () => await page.locator('#typing').isHidden(), { timeoutMs: 5_000 });
    const token = await page.evaluate(() => localStorage.getItem('yorisoi.chat.token'));
    const contact = (await findWebSession(db, token!))!;
    let caseId = '';
    await waitFor(async () => {
      caseId = (await db.case.findFirst({ where: { status: 'QUEUED', conversation: { contactId: contact.id } } }))?.id ?? '';
      return caseId !== '';
    }, { timeoutMs: 10_000 });

    const counselor = await StaffClient.login(app.url, await createStaff(db, { role: 'COUNSELOR' }));
    expect((await counselor.post(`/cases/${caseId}/claim`)).status).toBe(200);
    // Everything the person sent has its answer, and still the counsellor's writing shows.
    expect((await counselor.post(`/cases/${caseId}/typing`, { on: true })).status).toBe(204);
    await page.locator('#typing').waitFor({ state: 'visible', timeout: 5_000 });
    expect(await page.locator('#typing').textContent()).toBe('Typing…');
    // In view at 390 px: above the composer, not scrolled away under it.
    await waitFor(async () => page.evaluate(() => document.getElementById('typing')!.getBoundingClientRect().bottom <= document.getElementById('composer')!.getBoundingClientRect().top), { timeoutMs: 3_000 });

    expect((await counselor.post(`/cases/${caseId}/read`, { chat: true })).status).toBe(200);
    await waitFor(async () => (await page.locator('#messages li.user[data-status="read"]').count()) === 2, { timeoutMs: 5_000 });
    expect(await page.locator('#messages li.user .status').allTextContents()).toEqual(['Read', 'Read']);

    expect((await counselor.post(`/cases/${caseId}/messages`, { text: 'Hello, I am a counsellor. I have read your messages.' })).status).toBe(201);
    await page.locator('#messages li.staff').waitFor({ timeout: 10_000 });
    await waitFor(async () => await page.locator('#typing').isHidden(), { timeoutMs: 5_000 });
    // Read again after a reload, still in English.
    await page.reload();
    await page.locator('#messages li.staff').waitFor({ timeout: 10_000 });
    await waitFor(async () => (await page.locator('#messages li.user .status').allTextContents()).join() === 'Read,Read', { timeoutMs: 5_000 });
    // The pane ends at the newest message (the reply), not somewhere above it.
    await waitFor(async () => page.locator('#chat').evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 2), { timeoutMs: 5_000 });
    await page.screenshot({ path: `${ARTIFACTS}web-chat-counsellor-390.png` });
    await context.close();
  });
});
