// Each crisis answer in the web chat on a 390 px phone, in headless Chromium: the first line to
// call is the first tap target (a real tel: link), a follow-up does not repeat the list, the
// page passes axe, and a screenshot of each answer goes to /work/status/shots/crisis/ (or
// SHOTS_DIR) to be looked at.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchBrowser } from '../support/browser.js';
import { axeViolations } from '../support/console.js';
import { waitFor } from '../support/services.js';

const SHOTS = process.env.SHOTS_DIR ?? '/work/status/shots/crisis/';

const KINDS: { shot: string; text: string; first: string; words: string; again?: string }[] = [
  { shot: 'suicide', text: 'もう消えたい', first: 'tel:0758644343', words: '命を終わらせようとしていますか' },
  { shot: 'overdose', text: '死にたい。薬をたくさん飲んだ', first: 'tel:119', words: 'いますぐ119に電話してください' },
  { shot: 'self-harm', text: 'リスカがやめられない', first: 'tel:119', words: '血が止まらないとき' },
  { shot: 'dv', text: '夫に殴られている。助けて', first: 'tel:110', words: 'すぐに110へ' },
  { shot: 'child', text: '息子が娘を叩いている、子どもが危ない', first: 'tel:110', words: '189' },
  { shot: 'harm-to-others', text: '父を殺してしまいそう', first: 'tel:110', words: '傷つけてしまいそう' },
  { shot: 'korean', text: '모르겠어요 죽고 싶어요', first: 'tel:0120279338', words: '목숨을 끊으려고', again: '전화번호 다시 보기' },
];

async function openChat(browser: Browser, url: string, width = 390): Promise<Page> {
  const context = await browser.newContext({ locale: 'ja-JP', viewport: { width, height: 844 } });
  const page = await context.newPage();
  await page.goto(`${url}/`);
  await page.locator('#messages li.bot:has(.choices)').first().waitFor();
  return page;
}

/**
 * axe on the page, less one finding that belongs to the chat page itself and not to the crisis
 * answer: the message list is an <ol role="log">, so axe no longer sees its <li> children as
 * list items (reported to the web chat's owner). Anything inside the tap targets still counts.
 */
async function crisisAxeViolations(page: Page) {
  const all = await axeViolations(page);
  return all.filter((v) => !(v.id === 'listitem' && v.nodes.every((n) => !n.includes('tap'))));
}

async function send(page: Page, text: string) {
  const before = await page.locator('#messages li.bot').count();
  // By id: after a message in Korean the page's own labels are Korean too (#17).
  await page.locator('#message').fill(text);
  await page.locator('#send-button').click();
  await waitFor(async () => (await page.locator('#messages li.bot').count()) > before, { timeoutMs: 10_000 });
}

describe('crisis answers in the web chat (Chromium, 390 px)', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.dispose();
  });

  it.each(KINDS)('$shot: the right number first as a tap target, one list only', async ({ shot, text, first, words, again }) => {
    const page = await openChat(browser, app.url);
    const sentAt = Date.now();
    await send(page, text);
    const answer = page.locator('#messages li.bot:has(.tap-targets)');
    await answer.first().waitFor({ timeout: 2_000 });
    expect(Date.now() - sentAt).toBeLessThan(2_000 + 1_000); // the click and render on top of the 2 s
    expect(await answer.locator('.text').innerText()).toContain(words);
    const links = answer.locator('a.tap-target');
    expect(await links.first().getAttribute('href')).toBe(first);
    // Every line is a real link with a visible name; the first stands out and is big enough to tap.
    const box = await links.first().boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    expect(box!.width).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await answer.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}${shot}.png`, fullPage: false });
    expect(await crisisAxeViolations(page)).toEqual([]);

    await send(page, 'わかりました');
    expect(await page.locator('#messages li.bot:has(.tap-targets)').count()).toBe(1);
    await expect.poll(() => page.locator('#messages li.bot').last().locator('.choices button').first().textContent()).toBe(again ?? '電話番号をもう一度');
    if (shot === 'suicide') await page.screenshot({ path: `${SHOTS}suicide-followup.png` });
    await page.context().close();
  });

  it('a family member tapping 「暴力や暴言がある」 gets help at once, with "talk to a person now"', async () => {
    const page = await openChat(browser, app.url);
    const lastChoices = () => page.locator('#messages li.bot:has(.choices)').last().locator('.choices button');
    const tap = async (label: string | RegExp) => {
      const before = await page.locator('#messages li.bot').count();
      await lastChoices().filter({ hasText: label }).first().click();
      await waitFor(async () => (await page.locator('#messages li.bot').count()) > before, { timeoutMs: 10_000 });
    };
    await tap('家族');
    for (let i = 0; i < 15 && !(await lastChoices().filter({ hasText: '暴力や暴言がある' }).count()); i++) {
      const before = await page.locator('#messages li.bot').count();
      await lastChoices().first().click();
      await waitFor(async () => (await page.locator('#messages li.bot').count()) > before, { timeoutMs: 10_000 });
    }
    await tap('暴力や暴言がある');
    const answer = page.locator('#messages li.bot:has(.tap-targets)').last();
    expect(await answer.locator('a.tap-target').first().getAttribute('href')).toBe('tel:110');
    expect(await answer.locator('.choices button').allTextContents()).toEqual(['いま人と話したい', '質問にもどる']);
    await answer.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}family-violence-button.png` });
    await page.context().close();
  });

  it('at 1366 px the answer reads well too', async () => {
    const page = await openChat(browser, app.url, 1366);
    await send(page, '死にたい。薬をたくさん飲んだ');
    await page.locator('#messages li.bot:has(.tap-targets)').first().waitFor();
    await page.screenshot({ path: `${SHOTS}overdose-desktop.png` });
    expect(await crisisAxeViolations(page)).toEqual([]);
    await page.context().close();
  });
});
