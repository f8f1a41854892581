// Every view of the staff console in headless Chromium, at a phone's 390 px and a desk's
// 1366 px: no serious or critical axe-core violation, no internal code in what is shown (the
// printout included), no script error or CSP refusal; screenshots for a person to look at.
// Also: words with a right-to-left override (U+202E) stay isolated and cannot reverse a line.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAnswerLabels } from '../../src/cases/intake-labels.js';
import type { Db } from '../../src/db/client.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { launchBrowser } from '../support/browser.js';
import { axeViolations, DESKTOP, internalCodesInText, internalCodesOnPage, openConsole, PHONE, screenshot } from '../support/console.js';
import { waitFor } from '../support/services.js';
import { createStaff, grantHandoverConsent, queuedWebCase, StaffClient, type TestStaff } from '../support/staff.js';

const RLO = '\u202E';

describe('console views (Chromium, 390 px and 1366 px)', () => {
  let app: TestApp;
  let db: Db;
  let browser: Browser;
  let counselor: TestStaff;
  let colleague: TestStaff;
  let supervisor: TestStaff;
  let admin: TestStaff;
  let center: TestStaff;
  let caseId: string;
  let handoverId: string;
  /** `answer:household_worries=violence` in the words of the flows. */
  let violenceAnswer: string;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.runtime.db;
    counselor = await createStaff(db, { role: 'COUNSELOR', name: '相談員 あおい' });
    colleague = await createStaff(db, { role: 'COUNSELOR', name: '相談員 ひかり' });
    supervisor = await createStaff(db, { role: 'SUPERVISOR', name: 'スーパーバイザー 京子' });
    admin = await createStaff(db, { role: 'ADMIN', name: '管理者 まもる' });
    center = await createStaff(db, { role: 'CENTER', name: '左京センター 受付', centerCode: 'sakyo' });

    // A case with everything a view can show: signals (one from an intake answer), a reply, a
    // note, an assessment, a transfer, consent, a handover the center acknowledged.
    const queued = await queuedWebCase(app.url, db, '母です。息子が部屋から出てきません。');
    caseId = queued.caseId;
    queued.chat.close();
    // The person asked for a home visit (速やかにアウトリーチ): a task on the shift view.
    await db.reminder.create({ data: { kind: 'OUTREACH', caseId, urgency: 'NORMAL', dueAt: new Date(Date.now() + 86_400_000) } });
    await db.case.update({
      where: { id: caseId },
      data: { markers: { signals: ['answer:household_worries=violence', 'distress'], outreach: { kind: 'home_visit', requestedAt: new Date().toISOString() } } },
    });
    const desk = await StaffClient.login(app.url, counselor);
    expect((await desk.post(`/cases/${caseId}/claim`)).status).toBe(200);
    expect((await desk.post(`/cases/${caseId}/messages`, { text: '書いてくださってありがとうございます。' })).status).toBe(201);
    expect((await desk.post(`/cases/${caseId}/notes`, { text: '母親から。息子は40代。' })).status).toBe(201);
    const assessed = await desk.put(`/cases/${caseId}/assessment`, {
      track: 'family',
      ownWish: { value: 'undecided', personAware: 'no', note: '' },
      householdRisk: { value: 'high', factors: ['elderly_parents', 'violence'], note: '' },
      supportConnections: { value: 'none', note: '' },
      stage: 'encounter_assessment',
      needs: ['listen', 'family_class'],
      urgency: 'HIGH',
      consulterType: 'FAMILY',
      summary: '80代の両親と40代の本人の世帯。',
      overrideReason: '面談で確かめました',
    });
    expect(assessed.status).toBe(204);
    await grantHandoverConsent(db, caseId);
    const handover = await desk.post(`/cases/${caseId}/handovers`, { centerCode: 'sakyo', basis: 'consent', note: '家族支援から始めたいとのご希望です。' });
    expect(handover.status).toBe(201);
    handoverId = handover.body.handover.id;
    const receiving = await StaffClient.login(app.url, center);
    expect((await receiving.post(`/handovers/${handoverId}/acknowledge`, { note: '保健師 山田が受けました' })).status).toBe(204);

    // A second, open case that the colleague receives by transfer (its history names them).
    const second = await queuedWebCase(app.url, db, 'はじめて相談します');
    second.chat.close();
    await db.case.update({ where: { id: second.caseId }, data: { markers: { signals: ['answer:family_exhaustion=limit'] } } });
    expect((await desk.post(`/cases/${second.caseId}/claim`)).status).toBe(200);
    expect((await desk.post(`/cases/${second.caseId}/transfer`, { toStaffId: colleague.id })).status).toBe(204);
    const intake = (await loadAnswerLabels()).table;
    violenceAnswer = `${intake.household_worries!.label}: ${intake.household_worries!.values.violence}`;
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.dispose();
  });

  /** What every view must satisfy, at both widths. */
  async function checkView(page: Page, name: string, problems: string[]) {
    await page.waitForLoadState('networkidle');
    const violations = await axeViolations(page);
    expect(violations, `${name}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
    expect(await internalCodesOnPage(page), name).toEqual([]);
    const width = page.viewportSize()!.width;
    const wide = await page.evaluate(() => {
      const limit = document.documentElement.clientWidth;
      if (document.documentElement.scrollWidth - limit <= 1) return [];
      return [...document.querySelectorAll('body *')]
        .filter((n) => n.getBoundingClientRect().right > limit + 1)
        .slice(0, 8)
        .map((n) => `${n.tagName.toLowerCase()}#${n.id}.${n.className} ${Math.round(n.getBoundingClientRect().right)}`);
    });
    expect(wide, `${name} scrolls sideways at ${width} px`).toEqual([]);
    await screenshot(page, `${name}-${width}`);
    expect(problems, name).toEqual([]);
  }

  for (const viewport of [DESKTOP, PHONE]) {
    it(`the desk's views at ${viewport.width} px`, async () => {
      const { page, problems, close } = await openConsole(browser, app.url, supervisor, { viewport });
      await checkView(page, 'login-done-queue', problems);

      // The queue names the signals in words, the one from an intake answer too.
      const card = page.locator(`.queue-item[data-case-id="${caseId}"]`);
      await page.goto(`${app.url}/staff/queue?status=all`);
      await card.waitFor();
      await expect(card.innerText()).resolves.toContain(violenceAnswer);
      expect(await page.locator('#case-placeholder').innerText().catch(() => '')).not.toContain('左');
      await checkView(page, 'queue', problems);

      // A case by its URL; the history says to whom a case went.
      await page.goto(`${app.url}/staff/cases/${caseId}?status=all`);
      await page.locator('#case-view #case-title').waitFor();
      await page.click('#assessment-section > summary');
      await page.click('#handover-section > summary');
      await page.locator('#case-handovers li', { hasText: '受け止め済み' }).waitFor();
      // Acknowledged: the handover form is not offered again.
      expect(await page.locator('#handover-form').count()).toBe(0);
      await checkView(page, 'case', problems);
      if (viewport.width < 900) {
        expect(await page.locator('.queue-pane').isVisible()).toBe(false);
        await page.click('#case-view .back-link');
        await page.locator('.queue-pane').waitFor({ state: 'visible' });
      }

      const transferred = await db.case.findFirstOrThrow({ where: { assigneeId: colleague.id } });
      await page.goto(`${app.url}/staff/cases/${transferred.id}`);
      await page.locator('#history li', { hasText: '担当を替えました' }).waitFor();
      expect(await page.locator('#history li', { hasText: '担当を替えました' }).innerText()).toContain('相談員 ひかり');

      // The person behind the case: every case and record in one timeline.
      await page.goto(`${app.url}/staff/cases/${caseId}/person`);
      await page.locator('#timeline li').first().waitFor();
      await expect(page.locator('#timeline').innerText()).resolves.toContain('母親から。息子は40代。');
      await checkView(page, 'person', problems);

      // The shift view and search.
      await page.goto(`${app.url}/staff/shift`);
      await page.locator('#shift-mine').waitFor();
      const outreachOpen = await db.reminder.count({ where: { caseId, kind: 'OUTREACH', cancelledAt: null } });
      if (outreachOpen > 0) await page.locator(`#shift-outreach .queue-item[data-case-id="${caseId}"]`).waitFor();
      await checkView(page, 'shift', problems);
      if (outreachOpen > 0 && viewport.width >= 900) {
        await page.locator(`#shift-outreach .queue-item[data-case-id="${caseId}"] button`, { hasText: '対応しました' }).click();
        await waitFor(async () => (await db.reminder.count({ where: { caseId, kind: 'OUTREACH', cancelledAt: null } })) === 0);
        await page.locator('#shift-outreach li.empty').waitFor();
      }
      const { number } = await db.case.findUniqueOrThrow({ where: { id: caseId }, select: { number: true } });
      await page.fill('#search-input', `#${number}`);
      await page.press('#search-input', 'Enter');
      await page.locator(`#search-results .queue-item[data-case-id="${caseId}"]`).waitFor();
      await checkView(page, 'search', problems);
      await page.goto(`${app.url}/staff/desk-contacts/new`);
      await page.locator('#new-dc-form').waitFor();
      await checkView(page, 'new-desk-contact', problems);

      await page.goto(`${app.url}/staff/handovers?state=all`);
      await page.locator(`.handover-item[data-handover-id="${handoverId}"]`).waitFor();
      await checkView(page, 'handovers', problems);
      await page.goto(`${app.url}/staff/handovers/${handoverId}?state=all`);
      await page.locator('#handover-summary .notice', { hasText: '受け止め済み' }).waitFor();
      await checkView(page, 'handover', problems);

      await page.goto(`${app.url}/staff/audit`);
      await page.locator('#audit-rows tr').first().waitFor();
      await checkView(page, 'audit', problems);
      // Narrowed to one case; clearing the box shows everything again and stays cleared.
      await page.goto(`${app.url}/staff/audit?caseId=${caseId}`);
      await page.locator('#audit-rows tr').first().waitFor();
      expect(await page.inputValue('#audit-case-id')).toBe(caseId);
      await page.fill('#audit-case-id', '');
      await page.click('#audit-form button[type="submit"]');
      await page.waitForURL((url) => !url.search.includes('caseId'));
      expect(await page.inputValue('#audit-case-id')).toBe('');

      await page.goto(`${app.url}/staff/reports`);
      await page.locator('#report').waitFor();
      await checkView(page, 'reports', problems);

      await page.goto(`${app.url}/staff/dashboard.html`);
      await page.locator('body[data-state="ready"]').waitFor({ timeout: 15_000 });
      await checkView(page, 'dashboard', problems);

      await page.goto(`${app.url}/staff/handovers/${handoverId}/print`);
      await page.locator('#sheet h1').waitFor();
      await checkView(page, 'print', problems);
      expect(await page.locator('#sheet').innerText()).toContain(violenceAnswer);
      await close();
    }, 120_000);

    it(`a counsellor's, a center's and an admin's views at ${viewport.width} px`, async () => {
      const desk = await openConsole(browser, app.url, counselor, { viewport });
      await desk.page.locator('#queue').waitFor();
      await checkView(desk.page, 'counselor-queue', desk.problems);
      await desk.close();

      const receiving = await openConsole(browser, app.url, center, { viewport });
      await receiving.page.locator(`.handover-item`).first().waitFor({ state: 'attached' }).catch(() => {});
      await checkView(receiving.page, 'center-handovers', receiving.problems);
      await receiving.close();

      const administration = await openConsole(browser, app.url, admin, { viewport });
      await administration.page.locator('#account-rows tr').first().waitFor();
      await checkView(administration.page, 'accounts', administration.problems);
      await administration.page.goto(`${app.url}/staff/settings`);
      await administration.page.locator('#settings').waitFor();
      await checkView(administration.page, 'settings', administration.problems);
      await administration.close();

      const login = await browser.newPage({ viewport });
      await login.goto(`${app.url}/staff`);
      await login.locator('#login-view').waitFor();
      await checkView(login, 'login', []);
      await login.close();
    }, 120_000);
  }

  it('isolates words with a right-to-left override, so they cannot reverse the rest of a line', async () => {
    const trickster = await createStaff(db, { role: 'COUNSELOR', name: `相談員${RLO}ABC` });
    const { chat, caseId: id } = await queuedWebCase(app.url, db, `こんにちは${RLO}olleh 相談です`);
    chat.close();
    const client = await StaffClient.login(app.url, trickster);
    expect((await client.post(`/cases/${id}/claim`)).status).toBe(200);
    expect((await client.post(`/cases/${id}/notes`, { text: `メモ${RLO}ZYX` })).status).toBe(201);

    const { page, problems, close } = await openConsole(browser, app.url, trickster, { path: `/staff/cases/${id}` });
    await page.locator('#notes li', { hasText: 'ZYX' }).waitFor();
    await waitFor(async () => (await page.locator('#conversation .msg-user').count()) > 0);
    const unisolated = await page.evaluate((rlo) => {
      const bad: string[] = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent?.includes(rlo)) continue;
        const parent = node.parentElement!;
        const bidi = getComputedStyle(parent).unicodeBidi;
        // Where no element can go (an <option>), the text carries Unicode's isolates (FSI … PDI).
        if (/\u2068[^\u2069]*\u202E[^\u2069]*\u2069/.test(node.textContent)) continue;
        // The override must be shut in an element of its own that holds only that text.
        if (!['isolate', 'isolate-override', 'plaintext'].includes(bidi) || parent.textContent !== node.textContent) bad.push(`${parent.tagName}#${parent.id}: ${bidi}`);
      }
      return bad;
    }, RLO);
    expect(unisolated).toEqual([]);
    // The line after the name still reads left to right: the name comes before （相談員）.
    const order = await page.evaluate(() => {
      const who = document.querySelector('#whoami bdi')!;
      const after = who.nextSibling!;
      const range = document.createRange();
      range.selectNodeContents(after);
      return { nameRight: who.getBoundingClientRect().right, afterLeft: range.getBoundingClientRect().left };
    });
    expect(order.afterLeft).toBeGreaterThanOrEqual(order.nameRight - 1);
    expect(problems).toEqual([]);
    await close();
  }, 60_000);

  it('the code scanner finds the codes it is meant to find', () => {
    expect(internalCodesInText('信号: answer:household_worries=violence ／ report.viewed（report.viewed） chat:969f0a ／ 3f2b1c4d-1111-4222-8333-123456789abc WAITING_USER unknown')).toEqual(
      expect.arrayContaining(['answer:household_worries=violence', 'report.viewed', 'chat:969f0a', '3f2b1c4d-1111-4222-8333-123456789abc', 'WAITING_USER', 'unknown', 'household_worries']),
    );
    expect(internalCodesInText('相談 #3f2b1c4d ／ 担当: 相談員 あおい ／ LINE ／ ウェブチャット ／ aoi_k@example.jp')).toEqual([]);
  });
});
