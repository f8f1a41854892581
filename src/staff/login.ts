import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Db, StaffUser } from '../db/client.js';
import type { Logger } from '../platform/logger.js';
import type { Redis } from '../platform/redis.js';
import { normaliseEmail } from './accounts.js';
import { verifyAgainstDummy, verifyPassword } from './passwords.js';
import { createSession } from './sessions.js';

/** Wrong passwords in a row that lock an account… */
export const MAX_FAILED_LOGINS = 5;
/** …for this long. */
export const LOCK_MS = 15 * 60_000;
/** Failed logins from one IP address in LOCK_MS before that address must wait. */
export const MAX_FAILURES_PER_IP = 20;

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

/**
 * Password login with three defences: a lockout per account (5 wrong passwords → 15 minutes,
 * even for the right password), a throttle per IP address, and the same answer and about the
 * same time whether or not the email exists — unknown emails "lock" too, tracked in Redis.
 */
export class LoginService {
  private readonly ipFailures: RateLimiterAbstract;
  private readonly unknownEmailFailures: RateLimiterAbstract;

  constructor(
    private readonly db: Db,
    redis: Redis,
    prefix: string,
    private readonly logger: Logger,
  ) {
    this.ipFailures = limiter(redis, prefix, 'staff-login-ip', MAX_FAILURES_PER_IP);
    this.unknownEmailFailures = limiter(redis, prefix, 'staff-login-unknown', MAX_FAILED_LOGINS);
  }

  async login(rawEmail: string, password: string, ip: string, now = new Date()): Promise<LoginResult> {
    const ipState = await this.ipFailures.get(ip).catch(() => null);
    if (ipState && ipState.consumedPoints >= MAX_FAILURES_PER_IP) {
      return { ok: false, reason: 'throttled', retryAfterSeconds: Math.max(1, Math.ceil(ipState.msBeforeNext / 1000)) };
    }
    const email = normaliseEmail(rawEmail);
    const user = await this.db.staffUser.findUnique({ where: { email } });

    if (!user || user.disabledAt) {
      await verifyAgainstDummy(password);
      const state = await this.unknownEmailFailures.get(emailKey(email)).catch(() => null);
      if (state && state.consumedPoints >= MAX_FAILED_LOGINS) return this.locked(state.msBeforeNext);
      await Promise.allSettled([this.unknownEmailFailures.consume(emailKey(email)), this.ipFailures.consume(ip)]);
      return { ok: false, reason: 'invalid' };
    }

    const valid = await verifyPassword(user.passwordHash, password);
    if (user.lockedUntil && user.lockedUntil > now) {
      await this.audit(user.id, 'staff.login_refused_locked');
      return this.locked(user.lockedUntil.getTime() - now.getTime());
    }
    if (!valid) {
      await this.ipFailures.consume(ip).catch(() => {});
      const failed = await this.db.staffUser.update({ where: { id: user.id }, data: { failedLogins: { increment: 1 } } });
      if (failed.failedLogins >= MAX_FAILED_LOGINS) {
        await this.db.staffUser.update({ where: { id: user.id }, data: { failedLogins: 0, lockedUntil: new Date(now.getTime() + LOCK_MS) } });
        this.logger.warn({ staffId: user.id }, 'staff account locked after repeated wrong passwords');
        await this.audit(user.id, 'staff.locked', { failures: failed.failedLogins });
      } else {
        await this.audit(user.id, 'staff.login_failed', { failures: failed.failedLogins });
      }
      return { ok: false, reason: 'invalid' };
    }

    await this.db.staffUser.update({ where: { id: user.id }, data: { failedLogins: 0, lockedUntil: null } });
    const session = await createSession(this.db, user.id, now);
    await this.audit(user.id, 'staff.login');
    return { ok: true, ...session, staff: user };
  }

  private locked(msBeforeNext: number): LoginResult {
    return { ok: false, reason: 'locked', retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)) };
  }

  private async audit(staffId: string, action: string, detail?: { failures: number }) {
    await this.db.auditEvent.create({ data: { actorType: 'staff', actorId: staffId, action, ...(detail ? { detail } : {}) } });
  }
}
