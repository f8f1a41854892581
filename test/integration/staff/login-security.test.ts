import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStaffAdd, runStaffResetPassword } from '../../../src/cli/commands/staff.js';
import { createDb, type Db } from '../../../src/db/client.js';
import { createLogger } from '../../../src/platform/logger.js';
import { DEMO_SUPERVISOR_EMAIL, ensureDemoSupervisor } from '../../../src/staff/accounts.js';
import { LOCK_MS, MAX_FAILED_LOGINS, MAX_FAILURES_PER_IP } from '../../../src/staff/login.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { createEmptyDatabase, createTestDatabase } from '../../support/databases.js';
import { createStaff, StaffClient } from '../../support/staff.js';

const silent = createLogger({ level: 'silent' });

describe('login defences', () => {
  let app: TestApp;
  let db: Db;

  beforeAll(async () => {
    app = await startTestApp({ worker: false });
    db = app.runtime.db;
  });
  afterAll(async () => {
    await app?.dispose();
  });

  /** A login from a given client address (the app trusts X-Forwarded-For from loopback only). */
  async function login(email: string, password: string, ip: string) {
    const response = await fetch(`${app.url}/api/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify({ email, password }),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as any };
  }

  it(`locks an account after ${MAX_FAILED_LOGINS} wrong passwords: 423 even with the right one`, async () => {
    const staff = await createStaff(db, { role: 'COUNSELOR' });
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) expect((await login(staff.email, `wrong-password-${i}`, '203.0.113.10')).status).toBe(401);
    const locked = await login(staff.email, staff.password, '203.0.113.11');
    expect(locked.status).toBe(423);
    expect(locked.body.error.code).toBe('account_locked');
    expect(Number(locked.retryAfter)).toBeGreaterThan(LOCK_MS / 1000 - 60);
    const user = await db.staffUser.findUniqueOrThrow({ where: { id: staff.id } });
    expect(user.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + LOCK_MS - 60_000);
    expect((await db.auditEvent.findMany({ where: { actorId: staff.id } })).map((e) => e.action)).toContain('staff.locked');

    // An administrator can lift the lock.
    const admin = await createStaff(db, { role: 'ADMIN' });
    const asAdmin = await StaffClient.login(app.url, admin);
    expect((await asAdmin.patch(`/accounts/${staff.id}`, { unlock: true })).status).toBe(200);
    expect((await login(staff.email, staff.password, '203.0.113.11')).status).toBe(200);
  });

  it('answers an unknown email exactly like a known one, lockout included, in comparable time', async () => {
    const staff = await createStaff(db, { role: 'COUNSELOR' });
    const timings: Record<'known' | 'unknown', number[]> = { known: [], unknown: [] };
    const answers: Record<'known' | 'unknown', { status: number; code: string }[]> = { known: [], unknown: [] };
    for (let i = 0; i <= MAX_FAILED_LOGINS; i++) {
      for (const [kind, email] of [['known', staff.email], ['unknown', 'ghost@staff.test']] as const) {
        const started = performance.now();
        const result = await login(email, `wrong-password-${i}`, `203.0.113.${20 + i}`);
        timings[kind].push(performance.now() - started);
        answers[kind].push({ status: result.status, code: result.body.error.code });
      }
    }
    expect(answers.unknown).toEqual(answers.known);
    expect(answers.known.at(-1)).toEqual({ status: 423, code: 'account_locked' });
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    // Both run one argon2id verification: the unknown email is not answered visibly faster.
    expect(median(timings.unknown)).toBeGreaterThan(median(timings.known) / 3);
  });

  it(`throttles one address after ${MAX_FAILURES_PER_IP} failures with 429, while others can still log in`, async () => {
    const staff = await createStaff(db, { role: 'COUNSELOR' });
    const statuses: number[] = [];
    for (let i = 0; i < MAX_FAILURES_PER_IP + 1; i++) {
      statuses.push((await login(`guess-${i}@staff.test`, 'wrong-password-x', '198.51.100.7')).status);
    }
    expect(statuses.slice(0, MAX_FAILURES_PER_IP).every((s) => s === 401)).toBe(true);
    const throttled = await login(staff.email, staff.password, '198.51.100.7');
    expect(throttled.status).toBe(429);
    expect(throttled.body.error.code).toBe('rate_limited');
    expect(Number(throttled.retryAfter)).toBeGreaterThan(0);
    expect((await login(staff.email, staff.password, '198.51.100.8')).status).toBe(200);
  });
});

describe('yorisoi staff add', () => {
  function io(databaseUrl: string, input: string) {
    let stdout = '';
    let stderr = '';
    return {
      io: {
        databaseUrl,
        logger: silent,
        stdin: Readable.from([input]),
        stdout: new Writable({ write: (chunk, _e, done) => ((stdout += chunk.toString()), done()) }),
        stderr: new Writable({ write: (chunk, _e, done) => ((stderr += chunk.toString()), done()) }),
      },
      out: () => stdout,
      err: () => stderr,
    };
  }

  it('creates an account on a fresh database (migrating it first), password from stdin, argon2id', async () => {
    const database = await createEmptyDatabase();
    const db = createDb(database.url);
    try {
      const first = io(database.url, 'correct horse battery staple\nignored second line\n');
      expect(await runStaffAdd({ email: 'Lead@Desk.test', name: '主任 相談員', role: 'supervisor' }, first.io)).toBe(0);
      expect(first.out()).toContain('created supervisor lead@desk.test');
      const user = await db.staffUser.findUniqueOrThrow({ where: { email: 'lead@desk.test' } });
      expect(user).toMatchObject({ role: 'SUPERVISOR', name: '主任 相談員', centerCode: null });
      expect(user.passwordHash).toMatch(/^\$argon2id\$/);
      expect(user.passwordHash).not.toContain('correct horse');

      const duplicate = io(database.url, 'another long password\n');
      expect(await runStaffAdd({ email: 'lead@desk.test', name: 'x', role: 'counselor' }, duplicate.io)).toBe(1);
      expect(duplicate.err()).toContain('すでにあります');
      const short = io(database.url, 'short\n');
      expect(await runStaffAdd({ email: 'a@desk.test', name: 'x', role: 'counselor' }, short.io)).toBe(2);
      expect(short.err()).toContain('12文字以上');
      const empty = io(database.url, '');
      expect(await runStaffAdd({ email: 'a@desk.test', name: 'x', role: 'counselor' }, empty.io)).toBe(2);
      const role = io(database.url, 'a long enough password\n');
      expect(await runStaffAdd({ email: 'a@desk.test', name: 'x', role: 'boss' }, role.io)).toBe(2);
      const center = io(database.url, 'a long enough password\n');
      expect(await runStaffAdd({ email: 'c@desk.test', name: '北', role: 'center', center: 'kita' }, center.io)).toBe(0);
      expect((await db.staffUser.findUniqueOrThrow({ where: { email: 'c@desk.test' } })).centerCode).toBe('kita');
      // --role center without --center: the error names the option and lists the codes.
      const noCenter = io(database.url, 'a long enough password\n');
      expect(await runStaffAdd({ email: 'd@desk.test', name: '南', role: 'center' }, noCenter.io)).toBe(2);
      expect(noCenter.err()).toContain('--center CODE');
      expect(noCenter.err()).toContain('kita');
      expect(noCenter.err()).toContain('sakyo');
      const badCenter = io(database.url, 'a long enough password\n');
      expect(await runStaffAdd({ email: 'd@desk.test', name: '南', role: 'center', center: 'atlantis' }, badCenter.io)).toBe(2);
      expect(badCenter.err()).toContain('unknown --center atlantis');

      // reset-password: a new password from stdin, sessions end, a lockout is lifted, audited.
      const lead = await db.staffUser.findUniqueOrThrow({ where: { email: 'lead@desk.test' } });
      await db.staffUser.update({ where: { id: lead.id }, data: { lockedUntil: new Date(Date.now() + 600_000), failedLogins: 3 } });
      await db.staffSession.create({ data: { id: `s-${lead.id}`, staffId: lead.id, csrfToken: 'x', expiresAt: new Date(Date.now() + 3_600_000) } });
      const reset = io(database.url, 'a brand new passphrase here\n');
      expect(await runStaffResetPassword({ email: 'Lead@Desk.test' }, reset.io)).toBe(0);
      const after = await db.staffUser.findUniqueOrThrow({ where: { id: lead.id } });
      expect(after.lockedUntil).toBeNull();
      expect(after.passwordHash).not.toBe(lead.passwordHash);
      expect(await db.staffSession.count({ where: { staffId: lead.id } })).toBe(0);
      expect(await db.auditEvent.count({ where: { action: 'staff.password_reset' } })).toBe(1);
      const unknown = io(database.url, 'a brand new passphrase here\n');
      expect(await runStaffResetPassword({ email: 'nobody@desk.test' }, unknown.io)).toBe(1);
      const weak = io(database.url, 'short\n');
      expect(await runStaffResetPassword({ email: 'lead@desk.test' }, weak.io)).toBe(2);
    } finally {
      await db.$disconnect();
      await database.drop();
    }
  }, 180_000);
});

describe('demo supervisor (development)', () => {
  it('is created once on a fresh database with a random password, never in production', async () => {
    const database = await createTestDatabase();
    const db = createDb(database.url);
    const previous = process.env.NODE_ENV;
    try {
      process.env.NODE_ENV = 'production';
      expect(await ensureDemoSupervisor(db, silent)).toBeNull();
      process.env.NODE_ENV = 'development';
      const demo = await ensureDemoSupervisor(db, silent);
      expect(demo).toMatchObject({ email: DEMO_SUPERVISOR_EMAIL });
      expect(demo!.password.length).toBeGreaterThanOrEqual(20);
      expect(await ensureDemoSupervisor(db, silent)).toBeNull();
      expect((await db.staffUser.findUniqueOrThrow({ where: { email: DEMO_SUPERVISOR_EMAIL } })).role).toBe('SUPERVISOR');
    } finally {
      process.env.NODE_ENV = previous;
      await db.$disconnect();
      await database.drop();
    }
  });
});
