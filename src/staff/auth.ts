import type { RequestHandler, Response } from 'express';
import type { Actor } from '../cases/actor.js';
import type { Db, StaffRole } from '../db/client.js';
import { HttpError } from '../http/errors.js';
import { csrfMatches, findSession, readCookie, sessionCookieName } from './sessions.js';

export interface StaffAuth {
  actor: Actor;
  sessionId: string;
  csrfToken: string;
}

const NOT_LOGGED_IN = 'ログインしてください（一定時間操作がないと、自動でログアウトします）。';

/** Resolves the session cookie; 401 without a live session. */
export function authenticate(db: Db, isProduction: boolean): RequestHandler {
  const name = sessionCookieName(isProduction);
  return async (req, res, next) => {
    const token = readCookie(req, name);
    const session = token ? await findSession(db, token, new Date()) : null;
    if (!session) throw new HttpError(401, 'not_authenticated', NOT_LOGGED_IN);
    const { staff } = session;
    res.locals.staffAuth = {
      actor: { id: staff.id, name: staff.name, role: staff.role, centerCode: staff.centerCode },
      sessionId: session.id,
      csrfToken: session.csrfToken,
    } satisfies StaffAuth;
    next();
  };
}

export function authOf(res: Response): StaffAuth {
  const auth = res.locals.staffAuth as StaffAuth | undefined;
  if (!auth) throw new HttpError(401, 'not_authenticated', NOT_LOGGED_IN);
  return auth;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every state-changing call carries the session's CSRF token in `x-csrf-token`. The cookie is
 * SameSite=Strict too; the token is the defence that does not depend on the browser.
 */
export const csrfGuard: RequestHandler = (req, res, next) => {
  if (SAFE_METHODS.has(req.method)) return next();
  if (!csrfMatches(authOf(res).csrfToken, req.get('x-csrf-token'))) {
    throw new HttpError(403, 'csrf_failed', '画面が古くなっています。ページを再読み込みしてから、もう一度操作してください。');
  }
  next();
};

export function requireRole(roles: readonly StaffRole[]): RequestHandler {
  return (_req, res, next) => {
    if (!roles.includes(authOf(res).actor.role)) throw new HttpError(403, 'forbidden', 'この操作を行う権限がありません。');
    next();
  };
}
