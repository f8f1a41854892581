import { canWorkCase, type Actor } from './actor.js';
import { recordAudit } from './audit.js';
import { publishAll, type CaseDeps } from './deps.js';
import { caseNotFound } from './errors.js';
import { dataCryptoOf } from '../db/client.js';
import { indexPhoneNumbers } from './phone-lookup.js';

/** A private note for colleagues: never shown to the person. */
export async function addNote(deps: CaseDeps, actor: Actor, caseId: string, text: string) {
  const now = deps.now();
  const note = await deps.db.$transaction(async (tx) => {
    const kase = await tx.case.findUnique({ where: { id: caseId }, select: { assigneeId: true, status: true, conversation: { select: { contactId: true } } } });
    if (!kase || !canWorkCase(actor, kase)) throw caseNotFound();
    const created = await tx.note.create({ data: { caseId, authorId: actor.id, text, createdAt: now } });
    // A number a counsellor noted (a callback number) finds the person later (src/cases/phone-lookup.ts).
    await indexPhoneNumbers(tx, dataCryptoOf(tx), { contactId: kase.conversation.contactId, source: 'note', sourceId: created.id, text, at: now });
    await recordAudit(tx, actor, 'case.note_added', caseId, { noteId: created.id }, now);
    return created;
  });
  await publishAll(deps, [[{ kind: 'staff' }, { type: 'case', caseId, change: 'note' }]]);
  return { id: note.id, authorId: actor.id, authorName: actor.name, text: note.text, createdAt: note.createdAt.toISOString() };
}
