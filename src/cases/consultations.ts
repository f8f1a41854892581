// The one definition of "a consultation in a period", used by the report (reports.ts) and the
// dashboard (analytics.ts) so their counts agree: a case that reached the desk (past the bot's
// intake: queued, worked, handed over or closed), counted on the day it was opened, in [from, to).
import { Prisma } from '../db/client.js';

export interface Period {
  from: Date;
  to: Date;
}

export function consultationWhere(period: Period): Prisma.CaseWhereInput {
  return { createdAt: { gte: period.from, lt: period.to }, status: { not: 'INTAKE' } };
}

/** The same condition for raw SQL over "Case" (unaliased). */
export function consultationSql(period: Period): Prisma.Sql {
  return Prisma.sql`"createdAt" >= ${period.from} AND "createdAt" < ${period.to} AND "status" <> 'INTAKE'`;
}

/** Cases the bot was still asking at the end (never reached the desk), reported beside, never inside, the total. */
export function intakeOnlyWhere(period: Period): Prisma.CaseWhereInput {
  return { createdAt: { gte: period.from, lt: period.to }, status: 'INTAKE' };
}
