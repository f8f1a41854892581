import { Prisma, type Db } from '../db/client.js';
import { loadFlowCatalog } from '../flows/index.js';
import type { AnalyticsRange } from './analytics-range.js';

// Where people give up (#17): for each intake question, how many consultations reached it, answered
// it, skipped it, wrote something else instead, and stopped there. Counted from the stored funnel
// events (IntakeStepEvent), by consultation (a question shown twice to one person counts once).
// "Left here": the consultation's last event is this question, neither answered nor skipped — the
// person stopped, or pressed "send as it is", while it waited (a conversation still going on
// counts too: the dashboard says so).

export interface FunnelStep {
  flowId: string;
  stepId: string;
  /** The question's Japanese label from the flow files (the step id when unknown). */
  label: string;
  reached: number;
  answered: number;
  skipped: number;
  wrote: number;
  left: number;
}

interface Row {
  flowId: string;
  stepId: string;
  reached: bigint;
  answered: bigint;
  skipped: bigint;
  wrote: bigint;
  left: bigint;
}

/** The order of the questions: the flows as a person meets them, steps in file order. */
const FLOW_ORDER = ['intake', 'self', 'family', 'agency', 'neighbour', 'unsure', 'closing'];

export async function intakeFunnel(db: Db, range: AnalyticsRange): Promise<FunnelStep[]> {
  const rows = await db.$queryRaw<Row[]>(Prisma.sql`
    WITH ev AS (
      SELECT e."id", e."caseId", e."flowId", e."stepId", e."event"
      FROM "IntakeStepEvent" e JOIN "Case" c ON c."id" = e."caseId"
      WHERE c."createdAt" >= ${range.from} AND c."createdAt" < ${range.to}
    ),
    last AS (
      SELECT DISTINCT ON ("caseId") "caseId", "flowId", "stepId", "event" FROM ev ORDER BY "caseId", "id" DESC
    ),
    counts AS (
      SELECT "flowId", "stepId",
        COUNT(DISTINCT "caseId") FILTER (WHERE "event" = 'reached') AS reached,
        COUNT(DISTINCT "caseId") FILTER (WHERE "event" = 'answered') AS answered,
        COUNT(DISTINCT "caseId") FILTER (WHERE "event" = 'skipped') AS skipped,
        COUNT(DISTINCT "caseId") FILTER (WHERE "event" = 'wrote') AS wrote
      FROM ev GROUP BY "flowId", "stepId"
    ),
    lefts AS (
      SELECT "flowId", "stepId", COUNT(*) AS "left" FROM last WHERE "event" IN ('reached', 'wrote') GROUP BY "flowId", "stepId"
    )
    SELECT c."flowId", c."stepId", c.reached, c.answered, c.skipped, c.wrote, COALESCE(l."left", 0) AS "left"
    FROM counts c LEFT JOIN lefts l ON l."flowId" = c."flowId" AND l."stepId" = c."stepId"`);
  const order = await questionOrder();
  const steps = rows.map((r) => ({
    flowId: r.flowId,
    stepId: r.stepId,
    label: order.get(`${r.flowId}/${r.stepId}`)?.label ?? r.stepId,
    reached: Number(r.reached),
    answered: Number(r.answered),
    skipped: Number(r.skipped),
    wrote: Number(r.wrote),
    left: Number(r.left),
  }));
  const rank = (s: FunnelStep) => order.get(`${s.flowId}/${s.stepId}`)?.rank ?? Number.MAX_SAFE_INTEGER;
  return steps.sort((a, b) => rank(a) - rank(b) || a.flowId.localeCompare(b.flowId) || a.stepId.localeCompare(b.stepId));
}

let ordering: Promise<Map<string, { rank: number; label: string }>> | undefined;

function questionOrder(): Promise<Map<string, { rank: number; label: string }>> {
  ordering ??= loadFlowCatalog()
    .then((catalog) => {
      const map = new Map<string, { rank: number; label: string }>();
      const flows = [...FLOW_ORDER, ...Object.keys(catalog.flows).filter((f) => !FLOW_ORDER.includes(f)).sort()];
      for (const id of flows) {
        for (const step of catalog.flows[id]?.steps ?? []) {
          if (step.type === 'question') map.set(`${id}/${step.id}`, { rank: map.size, label: step.label.ja ?? step.id });
        }
      }
      return map;
    })
    .catch(() => {
      ordering = undefined;
      return new Map();
    });
  return ordering;
}

/** Per consultation, for the anonymised export: the last question reached and what was done with the questions. */
export async function funnelByCase(db: Db, caseIds: string[]): Promise<Map<string, { lastStep: string; answered: number; skipped: number; wrote: number }>> {
  if (caseIds.length === 0) return new Map();
  const rows = await db.$queryRaw<{ caseId: string; lastStep: string | null; answered: bigint; skipped: bigint; wrote: bigint }[]>(Prisma.sql`
    SELECT e."caseId",
      (ARRAY_AGG(e."flowId" || '/' || e."stepId" ORDER BY e."id" DESC) FILTER (WHERE e."event" = 'reached'))[1] AS "lastStep",
      COUNT(DISTINCT e."stepId" || e."flowId") FILTER (WHERE e."event" = 'answered') AS answered,
      COUNT(DISTINCT e."stepId" || e."flowId") FILTER (WHERE e."event" = 'skipped') AS skipped,
      COUNT(*) FILTER (WHERE e."event" = 'wrote') AS wrote
    FROM "IntakeStepEvent" e WHERE e."caseId" = ANY(${caseIds}::uuid[]) GROUP BY e."caseId"`);
  return new Map(rows.map((r) => [r.caseId, { lastStep: r.lastStep ?? '', answered: Number(r.answered), skipped: Number(r.skipped), wrote: Number(r.wrote) }]));
}
