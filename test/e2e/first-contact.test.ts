// The first contact as a person meets it on a phone (#17): at 360 and 390 px every choice of the
// first three screens is visible above the composer without scrolling, the page speaks the
// person's language (the English page has no Japanese label), やさしい日本語 shows furigana, the
// typing indicator ends when the answer arrives, a paste over the limit is told (and can be sent
// in parts, nothing cut), and deleting says what it did. Screenshots: /work/status/shots/first/
// (or SHOTS_DIR).
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/client.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchBrowser } from '../support/browser.js';
import { countMessagesWithText } from '../support/encrypted.js';
import { waitFor } from '../support/services.js';

const SHOTS = process.env.SHOTS_DIR ?? new URL('../../test-artifacts/first/', import.meta.url).pathname;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const lastChoices = (page: Page) => page.locator('#messages li.bot:has(.choices)').last().locator('.choices button');
const botCount = (page: Page) => page.locator('#messages li.bot').count();

async function choose(page: Page, label: string) {
  const before = await botCount(page);
  await lastChoices(page).filter({ hasText: label }).first().click();
  await waitFor(async () => (await botCount(page)) > before && (await lastChoices(page).count()) > 0, { timeoutMs: 10_000 });
  await settle(page);
}

/** Waits until the conversation pane has stopped scrolling (smooth scroll to the end). */
async function settle(page: Page) {
  let last = -1;
  await waitFor(async () => {
    const top = await page.locator('#chat').evaluate((el) => el.scrollTop);
    const same = top === last;
    last = top;
    return same;
  }, { timeoutMs: 5_000, intervalMs: 150 });
}

/** Every button of the newest choice group lies inside the conversation pane and above the composer. */
async function hiddenChoices(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const chat = document.getElementById('chat')!.getBoundingClientRect();
    const composer = document.getElementById('composer')!.getBoundingClientRect();
    const groups = document.querySelectorAll('#messages li.bot .choices');
    const buttons = [...(groups[groups.length - 1]?.querySelectorAll('button') ?? [])];
    return buttons
      .filter((b) => {
        const r = b.getBoundingClientRect();
        return r.top < chat.top || r.bottom > Math.min(chat.bottom, composer.top) || r.right > window.innerWidth || r.left < 0;
      })
      .map((b) => b.textContent ?? '');
  });
}

async function axeViolations(page: Page) {
  // Evaluated through the debugging protocol: the page's strict CSP (rightly) refuses inline scripts.
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; nodes: unknown[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
  });
}

describe('the first contact on a phone', () => {
  let app: TestApp;
  let db: Db;
  let browser: Browser;

  beforeAll(async () => {
    app = await startTestApp();
    db = createDb(app.config.databaseUrl);
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await db?.$disconnect();
    await app?.dispose();
  });

  const screens: Array<[width: number, height: number, locale: string, path: string[]]> = [
    [360, 640, 'ja-JP', ['自分のこと', '20代']],
    [390, 664, 'ja-JP', ['家族のこと', '息子']],
    [360, 640, 'en-US', ['A family member', 'My son']],
    [390, 664, 'en-US', ['Myself', '20s']],
  ];

  it.each(screens)('at %i×%i (%s) every choice of the first three screens is visible above the composer', async (width, height, locale, path) => {
    const context = await browser.newContext({ locale, viewport: { width, height }, hasTouch: true, isMobile: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.url}/`);
    await lastChoices(page).first().waitFor({ timeout: 10_000 });
    await settle(page);
    // A browser set to English is greeted in English: no language menu to find first.
    if (locale === 'en-US') expect(await page.locator('#messages li.bot').first().textContent()).toContain('Hello.');
    const tag = `${width}-${locale}`;
    for (let screen = 1; screen <= 3; screen++) {
      expect(await hiddenChoices(page), `screen ${screen} at ${tag}`).toEqual([]);
      expect(await lastChoices(page).count()).toBeGreaterThan(2);
      await page.screenshot({ path: `${SHOTS}screen${screen}-${tag}.png` });
      if (screen < 3) await choose(page, path[screen - 1]!);
    }
    // The first screen was short: the welcome is well under 250 characters before the question.
    if (locale === 'ja-JP') {
      const welcome = (await page.locator('#messages li.bot .text').first().textContent()) ?? '';
      expect(welcome.length).toBeLessThan(250);
    }
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the English page has no Japanese label, and the typing indicator ends when the answer arrives', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/`);
    await lastChoices(page).first().waitFor({ timeout: 10_000 });
    // Greeted in English (the browser's language); writing is welcomed as the consultation.
    const input = page.getByLabel('Message');
    await input.fill('Hello, my son has not left his room for three years and I am worried.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await waitFor(async () => ((await page.locator('#messages li.bot').allTextContents()).join('\n')).includes('straight to a counsellor'), { timeoutMs: 10_000 });
    await waitFor(async () => await page.locator('#typing').isHidden(), { timeoutMs: 5_000 });
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await choose(page, 'A family member');
    await page.waitForTimeout(400);
    expect(await page.locator('#typing').isHidden()).toBe(true);
    // Every label of the page, and everything the bot said since the person wrote in English.
    const chrome = await page.evaluate(() => {
      const clone = document.body.cloneNode(true) as HTMLElement;
      clone.querySelector('#messages')?.remove();
      return [clone.innerText, ...[...document.querySelectorAll('[aria-label]')].map((e) => e.getAttribute('aria-label'))].join('\n');
    });
    expect(chrome).not.toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    const bot = await page.locator('#messages li.bot').allInnerTexts();
    for (const text of bot) expect(text).not.toMatch(/[\u3040-\u30ff]/);
    expect(await page.getByRole('button', { name: 'Delete this conversation' }).count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}english-390.png`, fullPage: false });
    await context.close();
  });

  it('やさしい日本語 shows kanji with furigana (ruby), and writing in Korean switches the page to Korean', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/`);
    await lastChoices(page).first().waitFor({ timeout: 10_000 });
    await choose(page, 'ことば');
    await choose(page, 'やさしい にほんご');
    expect(await page.locator('#messages li.bot').last().locator('ruby').count()).toBeGreaterThan(3);
    expect(await page.locator('#messages li.bot').last().locator('rt').first().textContent()).toMatch(/^[\u3040-\u309f]+$/);
    await page.screenshot({ path: `${SHOTS}easy-japanese-390.png` });
    await context.close();

    const ko = await browser.newContext({ locale: 'ja-JP', viewport: { width: 390, height: 844 } });
    const kpage = await ko.newPage();
    await kpage.goto(`${app.url}/`);
    await lastChoices(kpage).first().waitFor({ timeout: 10_000 });
    await kpage.getByLabel('メッセージ').fill('안녕하세요. 아들이 오 년째 방에서 나오지 않아서 걱정이에요.');
    await kpage.getByRole('button', { name: '送信', exact: true }).click();
    await waitFor(async () => (await kpage.evaluate(() => document.documentElement.lang)) === 'ko', { timeoutMs: 10_000 });
    expect(await kpage.getByRole('button', { name: '보내기', exact: true }).count()).toBe(1);
    await kpage.screenshot({ path: `${SHOTS}korean-390.png` });
    await ko.close();
  });

  it('a paste over the limit is told, not cut, and can be sent in parts', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/`);
    await lastChoices(page).first().waitFor({ timeout: 10_000 });
    const long = `${'五年前から部屋を出られません。'.repeat(400)}おわり`;
    const input = page.getByLabel('メッセージ');
    await input.focus();
    await page.evaluate((text) => {
      const el = document.getElementById('message') as HTMLTextAreaElement;
      const data = new DataTransfer();
      data.setData('text/plain', text);
      el.value = text;
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, long);
    await page.locator('#composer-error').waitFor({ state: 'visible' });
    expect(await page.locator('#composer-error').textContent()).toContain(`${[...long].length}文字`);
    expect((await input.inputValue()).length).toBe(long.length);
    await page.screenshot({ path: `${SHOTS}paste-over-limit-390.png` });
    await page.locator('#split-button').click();
    await waitFor(async () => (await page.locator('#messages li.user[data-status="sent"]').count()) === 2, { timeoutMs: 15_000 });
    const sent = (await page.locator('#messages li.user .text').allTextContents()).join('');
    expect(sent.replaceAll(/\s/g, '')).toBe(long);
    await context.close();
  });

  it('deleting says what it did, and never "your messages are kept" just before', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/`);
    await lastChoices(page).first().waitFor({ timeout: 10_000 });
    await page.getByLabel('メッセージ').fill('この相談は消してください');
    await page.keyboard.press('Enter');
    await waitFor(async () => (await countMessagesWithText(db, 'この相談は消してください')) === 1, { timeoutMs: 10_000 });
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __connection: string[] }).__connection = seen;
      new MutationObserver(() => seen.push(document.getElementById('connection')!.textContent ?? '')).observe(document.getElementById('connection')!, { childList: true, characterData: true, subtree: true });
    });
    await page.getByRole('button', { name: 'この会話を削除' }).click();
    expect(await page.getByRole('dialog').textContent()).toContain('元に戻せません');
    await page.getByRole('dialog').getByRole('button', { name: '削除する' }).click();
    await waitFor(async () => ((await page.locator('#connection').textContent()) ?? '').includes('削除しました'), { timeoutMs: 10_000 });
    await lastChoices(page).first().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(500);
    const said = await page.evaluate(() => (window as unknown as { __connection: string[] }).__connection);
    expect(said.join('|')).not.toContain('消えません');
    expect(await page.locator('#connection').textContent()).toContain('相談員も見られません');
    expect(await countMessagesWithText(db, 'この相談は消してください')).toBe(0);
    await page.screenshot({ path: `${SHOTS}deleted-390.png` });
    await context.close();
  });
});
