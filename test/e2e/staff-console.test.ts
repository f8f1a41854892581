// The staff console in headless Chromium: log in, see a new web-chat case appear live, claim it,
// reply (the person's chat receives it), assess, hand over, and acknowledge as the center.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchBrowser } from '../support/browser.js';
import { internalCodesOnPage } from '../support/console.js';
import { waitFor } from '../support/services.js';
import { createStaff, queuedWebCase, type TestStaff } from '../support/staff.js';

const HOSTILE = '<b>太字</b><script>window.__pwned=1</script>';

describe('staff console (Chromium)', () => {
  let app: TestApp;
  let db: Db;
  let browser: Browser;
  let page: Page;
  let counselor: TestStaff;
  let centerStaff: TestStaff;
  const problems: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    db = app.runtime.db;
    counselor = await createStaff(db, { role: 'COUNSELOR', name: '相談員 さくら' });
    centerStaff = await createStaff(db, { role: 'CENTER', name: '左京センター 受付', centerCode: 'sakyo' });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 1100 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(`csp: ${message.text()}`);
    });
    page.on('dialog', (dialog) => void dialog.accept());
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.dispose();
  });

  async function logIn(staff: TestStaff) {
    await page.goto(`${app.url}/staff`);
    await page.locator('#login-view').waitFor({ state: 'visible' });
    await page.fill('#login-email', staff.email);
    await page.fill('#login-password', staff.password);
    await page.click('#login-submit');
    await page.locator('#app-view').waitFor({ state: 'visible' });
    await page.locator('#live-status', { hasText: 'ライブ更新中' }).waitFor();
  }

  it('works a case from first message to the center’s acknowledgement', async () => {
    await logIn(counselor);
    await expect(page.locator('#whoami').textContent()).resolves.toContain('相談員 さくら');

    // A person writes on the web chat and asks for a person: the case appears without a reload.
    const { chat, caseId } = await queuedWebCase(app.url, db, HOSTILE);
    const item = page.locator(`.queue-item[data-case-id="${caseId}"]`);
    await item.waitFor({ timeout: 15_000 });
    await expect(item.locator('.waiting').textContent()).resolves.toMatch(/^待ち /);

    // The case view shows the person's words literally; nothing in them runs.
    await item.locator('a').click();
    await page.waitForURL(`**/staff/cases/${caseId}`);
    const userTexts = page.locator('#conversation .msg-user .msg-text');
    await userTexts.first().waitFor();
    expect(await userTexts.allTextContents()).toContain(HOSTILE);
    expect(await page.locator('#conversation b, #conversation script, #intake-answers b, #intake-answers script').count()).toBe(0);
    expect(await page.locator('#case-badges').innerText()).not.toContain('null');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    // Claim it and reply, starting from a template.
    await page.click('#claim-button');
    await page.locator('#reply-form').waitFor({ state: 'visible' });
    await page.selectOption('#template-select', 'first_reply');
    await expect(page.inputValue('#reply-text')).resolves.toContain('よりそいの相談員です');
    const reply = 'はじめまして、相談員のさくらです。書いてくださってありがとうございます。いま一番困っていることを、ひとつ教えてもらえますか？';
    await page.fill('#reply-text', reply);
    await page.click('#reply-send');
    await page.locator('#conversation .msg-staff .msg-text', { hasText: 'さくらです' }).waitFor();
    await waitFor(async () => (await chat.messages()).some((m) => m.author === 'staff' && m.text === reply));

    // Initial assessment with the consultation-quality markers and the support stage.
    await page.click('#assessment-section > summary');
    await page.selectOption('#as-track', 'family');
    await page.selectOption('#as-own-wish', 'undecided');
    await page.selectOption('#as-household-risk', 'high');
    await page.check('#as-factors input[value="elderly_parents"]');
    await page.selectOption('#as-support-connections', 'none');
    await page.selectOption('#as-stage', 'encounter_assessment');
    await page.check('#as-needs input[value="family_class"]');
    await page.fill('#as-summary', '80代の両親と50代の本人の世帯。家族の疲れが強い。');
    await page.click('#assessment-save');
    await page.locator('#assessment-status', { hasText: 'アセスメントを保存しました' }).waitFor();
    const assessed = await db.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(assessed.assessment).toMatchObject({ track: 'family', ownWish: { value: 'undecided' }, householdRisk: { value: 'high', factors: ['elderly_parents'] }, supportConnections: { value: 'none' }, stage: 'encounter_assessment' });
    expect(assessed.markers).toMatchObject({ quality: { ownWish: { value: 'undecided', from: ['assessment'] }, householdRisk: { value: 'high' }, supportConnections: { value: 'none' } } });
    await page.locator('#markers', { hasText: '出会い・評価段階' }).waitFor();

    // The person agrees in the chat; the counsellor records that consent and hands over.
    await chat.send({ text: 'はい、区のセンターに伝えてください' });
    await page.click('#handover-section > summary');
    await page.locator('#consent-message option', { hasText: 'はい、区のセンターに伝えてください' }).waitFor({ state: 'attached', timeout: 15_000 });
    await page.selectOption('#consent-message', { label: await page.locator('#consent-message option', { hasText: 'はい、区のセンターに伝えてください' }).innerText() });
    await page.click('#consent-form button[type="submit"]');
    await page.locator('#consent-state', { hasText: '同意: あり' }).waitFor();
    await page.selectOption('#handover-center', 'sakyo');
    await page.fill('#handover-note', 'お母さまからのご相談。ご本人は50代で、家族支援から始めたいとのご希望です。');
    await page.click('#handover-submit');
    await page.locator('#case-handovers li', { hasText: '受け止め待ち' }).waitFor();
    const handover = await db.handover.findFirstOrThrow({ where: { caseId } });
    expect(handover).toMatchObject({ centerCode: 'sakyo', basis: 'consent', acknowledgedAt: null });

    mkdirSync('test-artifacts', { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: 'test-artifacts/staff-console.png', fullPage: true });

    // The receiving center acknowledges (受け止め) in its own session.
    await page.click('#logout-button');
    await page.locator('#login-view').waitFor({ state: 'visible' });
    await logIn(centerStaff);
    await page.locator('#handovers-tab').waitFor({ state: 'visible' });
    expect(await page.locator('#tabs .tab[data-tab="queue"]').isHidden()).toBe(true);
    await page.locator(`.handover-item[data-handover-id="${handover.id}"] a`).click();
    await page.locator('#handover-summary', { hasText: '家族支援から始めたいとのご希望です' }).waitFor();
    await page.click('#acknowledge-button');
    await page.locator('#handover-summary .notice', { hasText: '受け止め済み' }).waitFor();
    const acknowledged = await db.handover.findUniqueOrThrow({ where: { id: handover.id } });
    expect(acknowledged.acknowledgedById).toBe(centerStaff.id);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: 'test-artifacts/staff-console-center.png', fullPage: true });

    // The printable summary renders under the same CSP, the person's words as text.
    await page.goto(`${app.url}/staff/handovers/${handover.id}/print`);
    await page.locator('#sheet h1', { hasText: 'つなぎの申し送り' }).waitFor();
    expect(await page.locator('#sheet').innerText()).toContain('家族支援から始めたいとのご希望です');
    // The consent recorded from the chat reads as the person's own words, never as a code.
    expect(await page.locator('#sheet dl').first().innerText()).toContain('はい、区のセンターに伝えてください');
    expect(await internalCodesOnPage(page)).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await db.auditEvent.count({ where: { caseId, action: 'handover.printed', actorId: centerStaff.id } })).toBe(1);

    chat.close();
    expect(problems).toEqual([]);
  }, 120_000);

  it('announces an emergency in the notifications panel, whose link opens the case', async () => {
    // A fresh browser session (clicking "log out" could race the next page load under load).
    await page.context().clearCookies();
    await logIn(counselor);
    const { chat, caseId } = await queuedWebCase(app.url, db, '今日はありがとうございました');
    await chat.send({ text: 'もう死にたい。今夜で終わりにする' });
    await page.locator('#notifications-button.has-unread').waitFor({ timeout: 15_000 });
    await page.click('#notifications-button');
    const alert = page.locator('#notifications-list li.EMERGENCY').first();
    await alert.waitFor();
    expect(await alert.textContent()).toContain('緊急');
    expect(await alert.textContent()).not.toContain('死にたい'); // titles never carry what the person wrote

    // The link a webhook or e-mail carries opens the case directly, and so does its URL after a reload.
    await page.goto(`${app.url}/staff/#case=${caseId}`);
    await page.locator('#app-view').waitFor({ state: 'visible' });
    await page.waitForURL(`**/staff/cases/${caseId}`);
    await page.locator('#case-view #case-title').waitFor({ state: 'visible', timeout: 15_000 });
    await page.reload();
    await page.locator('#case-view #case-title').waitFor({ state: 'visible', timeout: 15_000 });
    chat.close();
    expect(problems).toEqual([]);
  }, 60_000);
});
