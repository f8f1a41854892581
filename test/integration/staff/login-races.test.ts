// Parallel bursts against the login defences: every attempt is counted before its slow password
// check, so concurrency cannot buy more guesses than the documented limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/client.js';
import { MAX_FAILED_LOGINS, MAX_FAILURES_PER_IP, MAX_PASSWORD_CHECKS } from '../../../src/staff/login.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { createStaff, StaffClient } from '../../support/staff.js';

describe('login defences under parallel requests', () => {
  let app: TestApp;
  let db: Db;

  beforeAll(async () => {
    app = await startTestApp({ worker: false });
    db = app.runtime.db;
  });
  afterAll(async () => {
    await app?.dispose();
  });

  async function login(email: string, password: string, ip: string) {
    const response = await fetch(`${app.url}/api/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify({ email, password }),
    });
    await response.arrayBuffer();
    return response.status;
  }

  const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

  it(`checks at most ${MAX_FAILED_LOGINS} of 100 concurrent wrong passwords for one account`, async () => {
    const staff = await createStaff(db);
    const statuses = await Promise.all(Array.from({ length: 100 }, (_, i) => login(staff.email, `wrong-password-${i}`, `203.0.113.${i % 200}`)));
    expect(statuses.every((s) => s === 401 || s === 423)).toBe(true);
    expect(count(statuses, 401)).toBeLessThanOrEqual(MAX_FAILED_LOGINS);
    expect(count(statuses, 423)).toBeGreaterThanOrEqual(100 - MAX_FAILED_LOGINS);
    const user = await db.staffUser.findUniqueOrThrow({ where: { id: staff.id } });
    expect(user.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    // The audit shows each password that was really checked, and no more.
    const checked = await db.auditEvent.count({ where: { actorId: staff.id, action: { in: ['staff.login_failed', 'staff.locked'] } } });
    expect(checked).toBeLessThanOrEqual(MAX_FAILED_LOGINS);
    // Even the right password waits out the lock.
    expect(await login(staff.email, staff.password, '203.0.113.250')).toBe(423);
  }, 60_000);

  it('treats an unknown email the same under a burst', async () => {
    const statuses = await Promise.all(Array.from({ length: 40 }, (_, i) => login('nobody-here@staff.test', `wrong-password-${i}`, `203.0.114.${i}`)));
    expect(count(statuses, 401)).toBeLessThanOrEqual(MAX_FAILED_LOGINS);
    expect(count(statuses, 423)).toBeGreaterThanOrEqual(40 - MAX_FAILED_LOGINS);
  }, 60_000);

  it(`checks at most ${MAX_FAILURES_PER_IP} of 60 concurrent attempts from one address`, async () => {
    const statuses = await Promise.all(Array.from({ length: 60 }, (_, i) => login(`guess-${i}@staff.test`, 'wrong-password-x', '198.51.100.60')));
    expect(count(statuses, 401)).toBeLessThanOrEqual(MAX_FAILURES_PER_IP);
    expect(count(statuses, 429)).toBeGreaterThanOrEqual(60 - MAX_FAILURES_PER_IP);
  }, 60_000);

  it('29 wrong passwords and the right one at once: the account ends locked, the success resets nobody else', async () => {
    const staff = await createStaff(db);
    const attempts = Array.from({ length: 30 }, (_, i) => (i === 17 ? staff.password : `wrong-password-${i}`));
    const statuses = await Promise.all(attempts.map((password, i) => login(staff.email, password, `192.0.2.${i}`)));
    expect(statuses.every((s) => s === 200 || s === 401 || s === 423)).toBe(true);
    // Only MAX_FAILED_LOGINS attempts, the right one among them or not, reached a password check.
    expect(count(statuses, 401) + count(statuses, 200)).toBeLessThanOrEqual(MAX_FAILED_LOGINS);
    // However the race went, the wrong guesses still count: a few more wrong ones lock the account.
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) await login(staff.email, `wrong-again-${i}`, '192.0.2.100');
    const user = await db.staffUser.findUniqueOrThrow({ where: { id: staff.id } });
    expect(user.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    expect(await login(staff.email, staff.password, '192.0.2.101')).toBe(423);
  }, 60_000);

  it(`POST /password checks the current password at most ${MAX_PASSWORD_CHECKS} times per window, in parallel too`, async () => {
    const staff = await createStaff(db);
    const client = await StaffClient.login(app.url, staff);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => client.post('/password', { currentPassword: `wrong-current-${i}`, newPassword: 'a brand new passphrase 1' })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 403 || s === 429)).toBe(true);
    expect(count(statuses, 403)).toBeLessThanOrEqual(MAX_PASSWORD_CHECKS);
    expect(count(statuses, 429)).toBeGreaterThanOrEqual(30 - MAX_PASSWORD_CHECKS);
    const throttled = results.find((r) => r.status === 429)!;
    expect(throttled.body.error.code).toBe('rate_limited');
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    // Even the right current password waits until the window ends.
    expect((await client.post('/password', { currentPassword: staff.password, newPassword: 'a brand new passphrase 1' })).status).toBe(429);
  }, 60_000);
});
