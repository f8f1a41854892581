import { z } from 'zod';
import type { Actor } from '../cases/actor.js';
import { canWorkCase } from '../cases/actor.js';
import { recordAudit } from '../cases/audit.js';
import { publishAll, type CaseDeps } from '../cases/deps.js';
import { CaseError, caseNotFound } from '../cases/errors.js';
import { loadResources } from '../resources/catalog.js';
import { readCenterCase } from './access.js';
import { codeSchema } from './input.js';

export const referralInputSchema = z.object({ resourceId: codeSchema }).strict();

/**
 * A referral: staff offered an entry of data/resources.yaml on this case (what, when, by whom).
 * Coded only, so it survives retention and is counted. The desk refers on the cases it works;
 * the center on the cases it received.
 */
export async function recordReferral(deps: CaseDeps, actor: Actor, caseId: string, resourceId: string) {
  const resource = loadResources().find(resourceId);
  if (!resource) throw new CaseError('invalid', '紹介先を一覧から選んでください。');
  const now = deps.now();
  const referral = await deps.db.$transaction(async (tx) => {
    let via: 'desk' | 'center';
    if (actor.role === 'CENTER') {
      const found = await readCenterCase(tx, actor, caseId);
      if (found.centerCase?.closedAt) throw new CaseError('case_closed', 'このケースの支援は終結しています。');
      via = 'center';
    } else {
      const kase = await tx.case.findUnique({ where: { id: caseId } });
      if (!kase || !canWorkCase(actor, kase)) throw caseNotFound();
      via = 'desk';
    }
    const created = await tx.referral.create({ data: { caseId, resourceId, resourceKind: resource.kind, via, byId: actor.id, createdAt: now } });
    await recordAudit(tx, actor, 'referral.recorded', caseId, { referralId: created.id, resourceId, via }, now);
    return created;
  });
  await publishAll(deps, [[{ kind: 'staff' }, { type: 'case', caseId, change: 'referral' }]]);
  return referral;
}
