// `yorisoi staff add --email E --name N --role counselor|supervisor|admin|center [--center CODE]`
// `yorisoi staff reset-password --email E`
// The password is read from stdin (one line), so it never appears in the shell history or `ps`.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { createDb } from '../../db/client.js';
import { applyMigrations } from '../../db/migrate.js';
import type { Logger } from '../../platform/logger.js';
import { loadCenters } from '../../cases/centers.js';
import { createStaffUser, normaliseEmail, STAFF_ROLES } from '../../staff/accounts.js';
import { StaffError } from '../../staff/errors.js';
import { hashPassword, MIN_PASSWORD_LENGTH, passwordProblem } from '../../staff/passwords.js';

export interface StaffAddOptions {
  email: string;
  name: string;
  /** counselor | supervisor | admin | center (any case). */
  role: string;
  /** The ward center code (data/centers.yaml), for the center role. */
  center?: string;
}

export interface StaffAddIo {
  databaseUrl: string;
  logger?: Logger;
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable;
  stderr: Writable;
}

/** Reads the first line of a stream (without its line ending); null when the stream is empty. */
async function readFirstLine(input: Readable): Promise<string | null> {
  const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
  try {
    for await (const line of lines) return line;
    return null;
  } finally {
    lines.close();
  }
}

/** The new password from stdin, checked; null (with the reason written) when unusable. */
async function readPassword(io: StaffAddIo, command: string, email: string): Promise<string | null> {
  if (io.stdin.isTTY) io.stderr.write(`Password (at least ${MIN_PASSWORD_LENGTH} characters), then Enter: `);
  const password = await readFirstLine(io.stdin);
  if (password === null) {
    io.stderr.write(`yorisoi ${command}: no password on stdin (pipe one line, e.g. \`read -rs P; printf "%s\\n" "$P" | yorisoi ${command} …\`)\n`);
    return null;
  }
  const problem = passwordProblem(password, email);
  if (problem) {
    io.stderr.write(`yorisoi ${command}: ${problem}\n`);
    return null;
  }
  return password;
}

/**
 * Sets a new password for an existing account (the operator's way back in, e.g. to the dev demo
 * supervisor): every session ends, a lockout is lifted, and it is audited. Returns the exit code.
 */
export async function runStaffResetPassword(options: { email: string }, io: StaffAddIo): Promise<number> {
  const password = await readPassword(io, 'staff reset-password', options.email);
  if (password === null) return 2;
  await applyMigrations(io.databaseUrl, io.logger);
  const db = createDb(io.databaseUrl, { poolSize: 1 });
  try {
    const email = normaliseEmail(options.email);
    const user = await db.staffUser.findUnique({ where: { email } });
    if (!user) {
      io.stderr.write(`yorisoi staff reset-password: no account with the email ${email}\n`);
      return 1;
    }
    const passwordHash = await hashPassword(password);
    await db.$transaction([
      db.staffUser.update({ where: { id: user.id }, data: { passwordHash, failedLogins: 0, lockedUntil: null } }),
      db.staffSession.deleteMany({ where: { staffId: user.id } }),
      db.auditEvent.create({ data: { actorType: 'system', action: 'staff.password_reset', detail: { staffId: user.id, via: 'cli' } } }),
    ]);
    io.stdout.write(`new password set for ${user.email}; its sessions ended and any lockout is lifted\n`);
    return 0;
  } finally {
    await db.$disconnect();
  }
}

/** Creates a staff account on a database migrated first. Returns the process exit code. */
export async function runStaffAdd(options: StaffAddOptions, io: StaffAddIo): Promise<number> {
  const role = options.role.trim().toUpperCase();
  if (!(STAFF_ROLES as readonly string[]).includes(role)) {
    io.stderr.write(`yorisoi staff add: --role must be one of ${STAFF_ROLES.map((r) => r.toLowerCase()).join(', ')}\n`);
    return 2;
  }
  const codes = () => loadCenters().centers.map((c) => c.code);
  if (role === 'CENTER' && !options.center) {
    io.stderr.write(`yorisoi staff add: --role center needs --center CODE, the ward center the account belongs to (data/centers.yaml): ${codes().join(', ')}\n`);
    return 2;
  }
  if (options.center && (role !== 'CENTER' || !codes().includes(options.center))) {
    io.stderr.write(
      role === 'CENTER'
        ? `yorisoi staff add: unknown --center ${options.center}; one of: ${codes().join(', ')}\n`
        : 'yorisoi staff add: --center is only for --role center\n',
    );
    return 2;
  }
  const password = await readPassword(io, 'staff add', options.email);
  if (password === null) return 2;

  await applyMigrations(io.databaseUrl, io.logger);
  const db = createDb(io.databaseUrl, { poolSize: 1 });
  try {
    const user = await createStaffUser(db, {
      email: options.email,
      name: options.name,
      role: role as (typeof STAFF_ROLES)[number],
      centerCode: options.center ?? null,
    }, password);
    io.stdout.write(`created ${user.role.toLowerCase()} ${user.email} (${user.id})\n`);
    return 0;
  } catch (error) {
    if (error instanceof StaffError) {
      io.stderr.write(`yorisoi staff add: ${error.message}\n`);
      return 1;
    }
    if (error instanceof Error && error.name === 'ZodError') {
      io.stderr.write(`yorisoi staff add: invalid --email or --name (${error.message.replace(/\s+/g, ' ').slice(0, 200)})\n`);
      return 2;
    }
    throw error;
  } finally {
    await db.$disconnect();
  }
}
