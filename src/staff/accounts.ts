import { z } from 'zod';
import { recordAudit } from '../cases/audit.js';
import type { Actor } from '../cases/actor.js';
import { loadCenters } from '../cases/centers.js';
import { Prisma, type Db, type StaffRole, type StaffUser } from '../db/client.js';
import type { Logger } from '../platform/logger.js';
import { StaffError } from './errors.js';
import { generatePassword, hashPassword, passwordProblem, verifyPassword } from './passwords.js';

export const STAFF_ROLES = ['COUNSELOR', 'SUPERVISOR', 'ADMIN', 'CENTER'] as const satisfies readonly StaffRole[];

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export const accountInputSchema = z
  .object({
    email: z.email().max(254).transform(normaliseEmail),
    name: z.string().trim().min(1).max(100),
    role: z.enum(STAFF_ROLES),
    centerCode: z.string().max(64).nullable().optional(),
  })
  .strict();
export type AccountInput = z.infer<typeof accountInputSchema>;

export interface AccountView {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  centerCode: string | null;
  disabled: boolean;
  lockedUntil: string | null;
  createdAt: string;
}

export const toAccountView = (u: StaffUser): AccountView => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  centerCode: u.centerCode,
  disabled: u.disabledAt !== null,
  lockedUntil: u.lockedUntil && u.lockedUntil > new Date() ? u.lockedUntil.toISOString() : null,
  createdAt: u.createdAt.toISOString(),
});

/** Center staff belong to exactly one known center; nobody else belongs to one. */
function checkCenter(role: StaffRole, centerCode: string | null | undefined): string | null {
  if (role !== 'CENTER') {
    if (centerCode) throw new StaffError('invalid', 'センターを設定できるのは、センター職員（CENTER）のアカウントだけです。');
    return null;
  }
  if (!centerCode || !loadCenters().find(centerCode)) {
    throw new StaffError('invalid', 'センター職員には、data/centers.yaml にあるセンターのコードを設定してください。');
  }
  return centerCode;
}

/** Creates a staff account with an argon2id password hash. */
export async function createStaffUser(db: Db, input: AccountInput, password: string, actor: Actor | null = null): Promise<StaffUser> {
  const account = accountInputSchema.parse(input);
  const centerCode = checkCenter(account.role, account.centerCode);
  const problem = passwordProblem(password, account.email);
  if (problem) throw new StaffError('weak_password', problem);
  const passwordHash = await hashPassword(password);
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.staffUser.create({ data: { email: account.email, name: account.name, role: account.role, centerCode, passwordHash } });
      await recordAudit(tx, actor, 'staff.account_created', null, { staffId: user.id, role: user.role, ...(centerCode ? { centerCode } : {}) });
      return user;
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw new StaffError('email_taken', 'このメールアドレスのアカウントはすでにあります。');
    }
    throw error;
  }
}

export async function listAccounts(db: Db): Promise<AccountView[]> {
  const users = await db.staffUser.findMany({ orderBy: [{ disabledAt: { sort: 'asc', nulls: 'first' } }, { role: 'asc' }, { name: 'asc' }] });
  return users.map(toAccountView);
}

/** Desk colleagues a case can be transferred to. */
export async function listColleagues(db: Db) {
  const users = await db.staffUser.findMany({
    where: { disabledAt: null, role: { in: ['COUNSELOR', 'SUPERVISOR'] } },
    orderBy: { name: 'asc' },
    select: { id: true, name: true, role: true },
  });
  return users;
}

export const accountPatchSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    role: z.enum(STAFF_ROLES).optional(),
    centerCode: z.string().max(64).nullable().optional(),
    disabled: z.boolean().optional(),
    /** Lifts a login lockout. */
    unlock: z.literal(true).optional(),
  })
  .strict();
export type AccountPatch = z.infer<typeof accountPatchSchema>;

export async function updateAccount(db: Db, actor: Actor, staffId: string, patch: AccountPatch): Promise<AccountView> {
  return db.$transaction(async (tx) => {
    const user = await tx.staffUser.findUnique({ where: { id: staffId } });
    if (!user) throw new StaffError('not_found', 'このアカウントは見つかりません。');
    if (staffId === actor.id && (patch.disabled || (patch.role && patch.role !== user.role))) {
      throw new StaffError('invalid', '自分のアカウントの無効化や役割の変更は、別の管理者に頼んでください。');
    }
    const role = patch.role ?? user.role;
    const centerCode = checkCenter(role, patch.centerCode === undefined ? (role === 'CENTER' ? user.centerCode : null) : patch.centerCode);
    const updated = await tx.staffUser.update({
      where: { id: staffId },
      data: {
        ...(patch.name ? { name: patch.name } : {}),
        role,
        centerCode,
        ...(patch.disabled === true && !user.disabledAt ? { disabledAt: new Date() } : {}),
        ...(patch.disabled === false ? { disabledAt: null } : {}),
        ...(patch.unlock ? { lockedUntil: null, failedLogins: 0 } : {}),
      },
    });
    // A disabled account or a changed role must not keep old sessions alive.
    if (patch.disabled || role !== user.role || centerCode !== user.centerCode) await tx.staffSession.deleteMany({ where: { staffId } });
    await recordAudit(tx, actor, 'staff.account_updated', null, {
      staffId,
      ...(patch.name ? { name: true } : {}),
      ...(role !== user.role ? { role: { from: user.role, to: role } } : {}),
      ...(centerCode !== user.centerCode ? { centerCode: { from: user.centerCode, to: centerCode } } : {}),
      ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
      ...(patch.unlock ? { unlocked: true } : {}),
    });
    return toAccountView(updated);
  });
}

/** An administrator resets a password: a temporary one, shown once; every session ends. */
export async function resetPassword(db: Db, actor: Actor, staffId: string): Promise<string> {
  const user = await db.staffUser.findUnique({ where: { id: staffId } });
  if (!user) throw new StaffError('not_found', 'このアカウントは見つかりません。');
  const temporary = generatePassword();
  const passwordHash = await hashPassword(temporary);
  await db.$transaction([
    db.staffUser.update({ where: { id: staffId }, data: { passwordHash, failedLogins: 0, lockedUntil: null } }),
    db.staffSession.deleteMany({ where: { staffId } }),
    db.auditEvent.create({ data: { actorType: 'staff', actorId: actor.id, action: 'staff.password_reset', detail: { staffId } } }),
  ]);
  return temporary;
}

/** A staff member changes their own password; their other sessions end. */
export async function changeOwnPassword(db: Db, actor: Actor, sessionId: string, current: string, next: string): Promise<void> {
  const user = await db.staffUser.findUniqueOrThrow({ where: { id: actor.id } });
  if (!(await verifyPassword(user.passwordHash, current))) throw new StaffError('wrong_password', '今のパスワードが違います。');
  const problem = passwordProblem(next, user.email);
  if (problem) throw new StaffError('weak_password', problem);
  if (current === next) throw new StaffError('weak_password', '今と違うパスワードにしてください。');
  const passwordHash = await hashPassword(next);
  await db.$transaction([
    db.staffUser.update({ where: { id: actor.id }, data: { passwordHash } }),
    db.staffSession.deleteMany({ where: { staffId: actor.id, id: { not: sessionId } } }),
    db.auditEvent.create({ data: { actorType: 'staff', actorId: actor.id, action: 'staff.password_changed' } }),
  ]);
}

export const DEMO_SUPERVISOR_EMAIL = 'demo@yorisoi.local';

/**
 * Development only: on a fresh database (no staff account yet) creates a demo supervisor with a
 * random password and returns it, once, for `yorisoi dev` to print. Returns null in production,
 * and whenever any account already exists. A random password rather than a fixed one: a dev
 * instance reachable on a LAN must not open with a password written in the README.
 */
export async function ensureDemoSupervisor(db: Db, logger: Logger): Promise<{ email: string; password: string } | null> {
  if (process.env.NODE_ENV === 'production') return null;
  if ((await db.staffUser.count()) > 0) return null;
  const password = generatePassword();
  try {
    await createStaffUser(db, { email: DEMO_SUPERVISOR_EMAIL, name: 'デモ スーパーバイザー', role: 'SUPERVISOR', centerCode: null }, password);
  } catch (error) {
    if (error instanceof StaffError && error.code === 'email_taken') return null; // another process was first
    throw error;
  }
  logger.info({ email: DEMO_SUPERVISOR_EMAIL }, 'created the demo supervisor (development only)');
  return { email: DEMO_SUPERVISOR_EMAIL, password };
}
