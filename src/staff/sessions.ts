import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { Db, StaffUser } from '../db/client.js';

/** A session ends after this long without a request (a console left open on a shared desk). */
export const SESSION_IDLE_MS = 2 * 60 * 60_000;
/** …and at the latest this long after login: one working day. */
export const SESSION_MAX_MS = 12 * 60 * 60_000;
const TOUCH_EVERY_MS = 60_000;

/** The cookie holds a random token; the database holds only its SHA-256 (StaffSession.id). */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createSession(db: Db, staffId: string, now: Date) {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_MAX_MS);
  await db.staffSession.create({ data: { id: hashToken(token), staffId, csrfToken, createdAt: now, lastSeenAt: now, expiresAt } });
  // Sweep expired sessions now and then, so the table does not grow without bound.
  if (Math.random() < 0.05) await db.staffSession.deleteMany({ where: { expiresAt: { lt: now } } });
  return { token, csrfToken, expiresAt };
}

export interface LiveSession {
  id: string;
  csrfToken: string;
  staff: StaffUser;
}

/** The session behind a cookie token, or null when unknown, expired, idle too long or disabled. */
export async function findSession(db: Db, token: string, now: Date): Promise<LiveSession | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const id = hashToken(token);
  const session = await db.staffSession.findUnique({ where: { id }, include: { staff: true } });
  if (!session) return null;
  const idle = now.getTime() - session.lastSeenAt.getTime() > SESSION_IDLE_MS;
  if (session.expiresAt <= now || idle || session.staff.disabledAt) {
    await db.staffSession.deleteMany({ where: { id } });
    return null;
  }
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.staffSession.updateMany({ where: { id }, data: { lastSeenAt: now } });
  }
  return { id, csrfToken: session.csrfToken, staff: session.staff };
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.staffSession.deleteMany({ where: { id } });
}

export function csrfMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

// ----- the cookie -----

/**
 * In production the `__Host-` prefix makes the browser refuse the cookie unless it is Secure,
 * host-only and for path /, so no other subdomain can plant or read it.
 */
export const sessionCookieName = (isProduction: boolean) => (isProduction ? '__Host-yorisoi_staff' : 'yorisoi_staff');

export function sessionCookie(isProduction: boolean, token: string, maxAgeMs: number): string {
  return [
    `${sessionCookieName(isProduction)}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.max(0, Math.floor(maxAgeMs / 1000))}`,
    ...(isProduction ? ['Secure'] : []),
  ].join('; ');
}

export const clearedSessionCookie = (isProduction: boolean) => sessionCookie(isProduction, '', 0);

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}
