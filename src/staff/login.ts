import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Db, StaffUser } from '../db/client.js';
import { HttpError } from '../http/errors.js';
import type { Logger } from '../platform/logger.js';
import type { Redis } from '../platform/redis.js';
import { normaliseEmail } from './accounts.js';
import { StaffError } from './errors.js';
import { verifyAgainstDummy, verifyPassword } from './passwords.js';
import { createSession } from './sessions.js';

/** Wrong passwords for one account within LOCK_MS that lock it… */
export const MAX_FAILED_LOGINS = 5;
/** …for this long. */
export const LOCK_MS = 15 * 60_000;
/** Failed logins from one IP address in LOCK_MS before that address must wait. */
export const MAX_FAILURES_PER_IP = 20;
/** Wrong current passwords on `POST /password` within LOCK_MS before the session must wait. */
export const MAX_PASSWORD_CHECKS = 5;

export type LoginResult =
  | { ok: true; token: string; csrfToken: string; expiresAt: Date; staff: StaffUser }
  | { ok: false; reason: 'invalid' | 'locked' | 'throttled'; retryAfterSeconds?: number };

const limiter = (redis: Redis, prefix: string, name: string, points: number): RateLimiterAbstract =>
  new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}:rl:${name}`,
    points,
    duration: LOCK_MS / 1000,
    insuranceLimiter: new RateLimiterMemory({ points, duration: LOCK_MS / 1000 }),
  });

const emailKey = (email: string) => createHash('sha256').update(email).digest('hex');
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** Takes one point, atomically; null when none is left (the refusal's wait in ms otherwise). */
async function reserve(limiter: RateLimiterAbstract, key: string): Promise<{ consumed: number } | { refusedForMs: number }> {
  try {
    const res = await limiter.consume(key);
    return { consumed: res.consumedPoints };
  } catch (error) {
    if (error instanceof RateLimiterRes) return { refusedForMs: error.msBeforeNext };
    throw error;
  }
}

/**
 * Password login with three defences: a lockout per account (5 wrong passwords within 15 minutes
 * → 15 minutes locked, even for the right password), a throttle per IP address, and the same
 * answer and about the same time whether or not the email exists.
 *
 * Every attempt takes its point from the counters (atomic in Redis) *before* the slow argon2
 * check, so parallel requests cannot all pass a "count < limit" test made before any of them
 * counted. A successful login gives back only its own points: it never erases the failures that
 * parallel attempts reserved.
 */
export class LoginService {
  private readonly ipFailures: RateLimiterAbstract;
  private readonly accountFailures: RateLimiterAbstract;
  private readonly passwordChecks: RateLimiterAbstract;

  constructor(
    private readonly db: Db,
    redis: Redis,
    prefix: string,
    private readonly logger: Logger,
  ) {
    this.ipFailures = limiter(redis, prefix, 'staff-login-ip', MAX_FAILURES_PER_IP);
    this.accountFailures = limiter(redis, prefix, 'staff-login-account', MAX_FAILED_LOGINS);
    this.passwordChecks = limiter(redis, prefix, 'staff-password-check', MAX_PASSWORD_CHECKS);
  }

  async login(rawEmail: string, password: string, ip: string, now = new Date()): Promise<LoginResult> {
    const ipSlot = await reserve(this.ipFailures, ip);
    if ('refusedForMs' in ipSlot) return { ok: false, reason: 'throttled', retryAfterSeconds: seconds(ipSlot.refusedForMs) };

    const email = normaliseEmail(rawEmail);
    const account = emailKey(email);
    const slot = await reserve(this.accountFailures, account);
    // Read the account after reserving: a lock written by a parallel failure is seen here.
    const user = await this.db.staffUser.findUnique({ where: { email } });
    const known = user !== null && !user.disabledAt;
    if ('refusedForMs' in slot) {
      // MAX_FAILED_LOGINS attempts are already counted (or in flight) for this account.
      await verifyAgainstDummy(password); // answered in the time of a check, like any other
      if (known) await this.audit(user.id, 'staff.login_refused_locked');
      return this.locked(known && user.lockedUntil && user.lockedUntil > now ? user.lockedUntil.getTime() - now.getTime() : slot.refusedForMs);
    }
    if (known && user.lockedUntil && user.lockedUntil > now) {
      await this.accountFailures.reward(account, 1).catch(() => {}); // not checked, not counted
      await verifyAgainstDummy(password);
      await this.audit(user.id, 'staff.login_refused_locked');
      return this.locked(user.lockedUntil.getTime() - now.getTime());
    }

    if (!user || user.disabledAt) {
      await verifyAgainstDummy(password);
      // An unknown email "locks" like an account, so the answers do not tell which emails exist.
      if (slot.consumed >= MAX_FAILED_LOGINS) await this.accountFailures.block(account, LOCK_MS / 1000).catch(() => {});
      return { ok: false, reason: 'invalid' };
    }

    if (!(await verifyPassword(user.passwordHash, password))) return this.failed(user, account, slot.consumed, now);

    // The right password: give back this attempt's points, and log in unless a parallel
    // failure locked the account meanwhile.
    await Promise.allSettled([this.accountFailures.reward(account, 1), this.ipFailures.reward(ip, 1)]);
    const stillOpen = await this.db.staffUser.updateMany({
      where: { id: user.id, OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] },
      data: { failedLogins: 0 },
    });
    if (stillOpen.count === 0) {
      await this.audit(user.id, 'staff.login_refused_locked');
      return this.locked(LOCK_MS);
    }
    const session = await createSession(this.db, user.id, now);
    await this.audit(user.id, 'staff.login');
    return { ok: true, ...session, staff: user };
  }

  /**
   * Runs `check` (which verifies the current password and throws StaffError wrong_password
   * when it is wrong) under a per-account throttle: the attempt is counted first.
   */
  async throttlePasswordCheck<T>(staffId: string, check: () => Promise<T>): Promise<T> {
    const slot = await reserve(this.passwordChecks, staffId);
    if ('refusedForMs' in slot) {
      throw new HttpError(429, 'rate_limited', 'パスワードの確認に何度も失敗したため、しばらく待ってから試してください。', {
        'Retry-After': String(seconds(slot.refusedForMs)),
      });
    }
    try {
      const result = await check();
      await this.passwordChecks.reward(staffId, 1).catch(() => {});
      return result;
    } catch (error) {
      if (!(error instanceof StaffError && error.code === 'wrong_password')) await this.passwordChecks.reward(staffId, 1).catch(() => {});
      throw error;
    }
  }

  private async failed(user: StaffUser, account: string, consumed: number, now: Date): Promise<LoginResult> {
    await this.db.staffUser.update({ where: { id: user.id }, data: { failedLogins: consumed } });
    if (consumed < MAX_FAILED_LOGINS) {
      await this.audit(user.id, 'staff.login_failed', { failures: consumed });
      return { ok: false, reason: 'invalid' };
    }
    // The lock lives in PostgreSQL (an administrator lifts it there); the counter starts afresh.
    await this.db.staffUser.update({ where: { id: user.id }, data: { failedLogins: 0, lockedUntil: new Date(now.getTime() + LOCK_MS) } });
    await this.accountFailures.delete(account).catch(() => {});
    this.logger.warn({ staffId: user.id }, 'staff account locked after repeated wrong passwords');
    await this.audit(user.id, 'staff.locked', { failures: consumed });
    return { ok: false, reason: 'invalid' };
  }

  private locked(msBeforeNext: number): LoginResult {
    return { ok: false, reason: 'locked', retryAfterSeconds: seconds(msBeforeNext) };
  }

  private async audit(staffId: string, action: string, detail?: { failures: number }) {
    await this.db.auditEvent.create({ data: { actorType: 'staff', actorId: staffId, action, ...(detail ? { detail } : {}) } });
  }
}
