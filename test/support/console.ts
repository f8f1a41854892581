// Helpers for browser tests of the staff console (console/): a logged-in page at a given width
// that records script errors and CSP refusals, an axe-core check, a scan of the rendered text
// for internal codes, and screenshots.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { TestStaff } from './staff.js';

export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1366, height: 900 } as const;

export interface ConsolePage {
  page: Page;
  /** Script errors and Content-Security-Policy refusals seen so far (a test expects none). */
  problems: string[];
  close(): Promise<void>;
}

/** A fresh browser context logged in as `staff`, at `viewport`, on `path` (default /staff). */
export async function openConsole(browser: Browser, baseUrl: string, staff: TestStaff, options: { viewport?: { width: number; height: number }; path?: string } = {}): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(`csp: ${message.text()}`);
  });
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(`${baseUrl}${options.path ?? '/staff'}`);
  await page.locator('#login-view').waitFor({ state: 'visible' });
  await page.fill('#login-email', staff.email);
  await page.fill('#login-password', staff.password);
  await page.click('#login-submit');
  await page.locator('#app-view').waitFor({ state: 'visible' });
  return { page, problems, close: () => context.close() };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * axe-core's serious and critical violations on the page as it is now (WCAG 2.x A/AA rules).
 * The script is evaluated through the DevTools protocol, so the page's CSP stays as strict as
 * in production.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Internal codes that must never reach a screen or a printout: snake_case tokens, coded enum
 * values, `answer:` signals, dotted audit actions, UUIDs, `chat:` consent wordings, and the
 * words a missing label leaves behind (null, undefined, unknown). E-mail addresses are left out.
 */
export const INTERNAL_CODE_PATTERNS: RegExp[] = [
  /answer:[^\s、）]*/g,
  /chat:[0-9a-f-]*/gi,
  /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi,
  /\b(?:case|handover|consent|contact|delivery|user|reminder|event|analytics|report|audit|retention|keys|staff)\.[a-z_]+\b/g,
  /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g,
  /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g,
  /\b(?:EMERGENCY|HIGH|NORMAL|QUEUED|ACTIVE|CLOSED|INTAKE|SELF|FAMILY|AGENCY|NEIGHBOUR|UNSURE|COUNSELOR|SUPERVISOR|ADMIN|CENTER|WEB)\b/g,
  /\b(?:null|undefined|unknown|NaN|message|consent|reflected|undecided|elderly_parents)\b/g,
];

export function internalCodesInText(text: string): string[] {
  const withoutEmails = text.replace(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, ' ');
  return [...new Set(INTERNAL_CODE_PATTERNS.flatMap((pattern) => withoutEmails.match(pattern) ?? []))];
}

/** The codes found in what the page shows (its rendered text, option labels included). */
export async function internalCodesOnPage(page: Page): Promise<string[]> {
  const text = await page.evaluate(() => {
    const options = [...document.querySelectorAll('option, optgroup')].map((o) => (o as HTMLOptionElement).label || o.textContent || '');
    const labels = [...document.querySelectorAll('[aria-label], [title], [placeholder]')].map((n) => [n.getAttribute('aria-label'), n.getAttribute('title'), n.getAttribute('placeholder')].filter(Boolean).join(' '));
    return [document.title, document.body.innerText, ...options, ...labels].join('\n');
  });
  return internalCodesInText(text);
}

const SHOTS_DIR = process.env.CONSOLE_SHOTS_DIR ?? 'test-artifacts/console';

/** A full-page screenshot under test-artifacts/console/ (or CONSOLE_SHOTS_DIR). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  const path = join(SHOTS_DIR, `${name}.png`);
  // From the top: a sticky header would otherwise be drawn where the page was scrolled to.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, fullPage: true });
  // A phone's first screen as well: what a counsellor sees before scrolling.
  if ((page.viewportSize()?.width ?? 1366) < 900) await page.screenshot({ path: join(SHOTS_DIR, `${name}-screen.png`) });
  return path;
}
