// Finding work. What people wrote is encrypted at rest, so the database cannot search it:
// - a case number is a plain column;
// - a phone number is found through keyed hashes stored when it was written (phone-lookup.ts);
// - words are matched after decryption over a bounded set: the cases the actor may open, newest
//   activity first, at most SCAN_CASES cases and SCAN_TEXTS texts. Nothing is indexed in plain
//   text, and a search never reads more than a counsellor could read by opening those cases.
// Every search is audited (without the words searched: they may be a name or a number).
import { dataCryptoOf, type Db, type Prisma } from '../db/client.js';
import type { Actor } from './actor.js';
import { recordAudit } from './audit.js';
import { toCaseCards, type CaseCard } from './case-cards.js';
import type { CaseDeps } from './deps.js';
import { phoneHash, phoneQueryDigits } from './phone-lookup.js';
import { queueEntriesWhere, queueVisibilityWhere } from './queue.js';

export const SCAN_CASES = 300;
export const SCAN_TEXTS = 20_000;
const EXCERPT_CHARACTERS = 60;

export interface SearchResult {
  matchedBy: 'number' | 'phone' | 'words';
  excerpt: string | null;
  case: CaseCard;
}

/** The cases a staff member may find: their center's handed-over cases for center staff. */
export function searchScope(actor: Actor): Prisma.CaseWhereInput {
  if (actor.role === 'SUPERVISOR') return {};
  if (actor.role === 'CENTER') return { handovers: { some: { centerCode: actor.centerCode ?? '\u0000' } } };
  if (actor.role === 'COUNSELOR') return queueVisibilityWhere(actor);
  return { id: '00000000-0000-0000-0000-000000000000' };
}

/** Folds what differs only in typing: width (NFKC), case, katakana → hiragana, spaces. */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u30a1-\u30f6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60))
    .replace(/\s+/g, ' ');
}

const caseNumberOf = (q: string): number | null => {
  const m = /^(?:#|＃|no\.?\s*)?([0-9０-９]{1,9})$/i.exec(q.trim());
  if (!m) return null;
  const n = Number(m[1]!.normalize('NFKC'));
  return n >= 1 && n <= 2_147_483_647 ? n : null;
};

export async function searchCases(deps: CaseDeps, actor: Actor, q: string, limit: number): Promise<{ results: SearchResult[]; scope: string }> {
  const { db } = deps;
  const scope = searchScope(actor);
  const number = caseNumberOf(q);
  const phone = phoneQueryDigits(q);
  let results: SearchResult[] = [];
  let scopeWords: string;

  if (phone && (number === null || q.replace(/\D/g, '').length >= 10)) {
    const hash = phoneHash(dataCryptoOf(db), phone);
    const lookups = await db.phoneLookup.findMany({ where: { hash }, select: { contactId: true }, distinct: ['contactId'], take: 100 });
    const entries = lookups.length ? await queueEntriesWhere(db, { AND: [scope, { conversation: { contactId: { in: lookups.map((l) => l.contactId) } } }] }, limit) : [];
    results = (await toCaseCards(db, actor, entries)).map((card) => ({ matchedBy: 'phone', excerpt: null, case: card }));
    scopeWords = '電話番号（メッセージ・メモ・電話や来所の記録に書かれた番号）';
  } else if (number !== null) {
    const entries = await queueEntriesWhere(db, { AND: [scope, { number }] }, 1);
    results = (await toCaseCards(db, actor, entries)).map((card) => ({ matchedBy: 'number', excerpt: null, case: card }));
    scopeWords = '相談番号';
  } else {
    results = await searchWords(db, actor, scope, q, limit);
    scopeWords = `あなたが開ける相談のうち、新しく動きのあった${SCAN_CASES}件までのメッセージ・メモ・記録`;
  }
  await recordAudit(db, actor, 'search.performed', null, { kind: results[0]?.matchedBy ?? (phone ? 'phone' : number !== null ? 'number' : 'words'), results: results.length }, deps.now());
  return { results, scope: scopeWords };
}

async function searchWords(db: Db, actor: Actor, scope: Prisma.CaseWhereInput, q: string, limit: number): Promise<SearchResult[]> {
  const needle = foldForSearch(q).trim();
  if (!needle) return [];
  const cases = await db.case.findMany({
    where: scope,
    orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
    take: SCAN_CASES,
    select: { id: true, conversationId: true },
  });
  if (cases.length === 0) return [];
  const byConversation = new Map(cases.map((c) => [c.conversationId, c.id]));
  const caseIds = cases.map((c) => c.id);
  const [messages, notes, deskContacts] = await Promise.all([
    db.message.findMany({
      where: { conversationId: { in: [...byConversation.keys()] }, hiddenAt: null, text: { not: null } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: SCAN_TEXTS,
      select: { conversationId: true, text: true },
    }),
    actor.role === 'CENTER' ? [] : db.note.findMany({ where: { caseId: { in: caseIds } }, orderBy: { createdAt: 'desc' }, take: SCAN_TEXTS / 4, select: { caseId: true, text: true } }),
    actor.role === 'CENTER' ? [] : db.deskContact.findMany({ where: { caseId: { in: caseIds } }, orderBy: { occurredAt: 'desc' }, take: SCAN_TEXTS / 4, select: { caseId: true, summary: true } }),
  ]);
  const hits = new Map<string, string>();
  const consider = (caseId: string | undefined, text: string | null) => {
    if (!caseId || !text || hits.has(caseId) || hits.size >= limit) return;
    const folded = foldForSearch(text);
    const at = folded.indexOf(needle);
    if (at < 0) return;
    hits.set(caseId, excerptAround(text, folded, at, needle.length));
  };
  for (const m of messages) consider(byConversation.get(m.conversationId), m.text);
  for (const n of notes) consider(n.caseId, n.text);
  for (const d of deskContacts) consider(d.caseId, d.summary);
  if (hits.size === 0) return [];
  const entries = await queueEntriesWhere(db, { id: { in: [...hits.keys()] } }, limit);
  return (await toCaseCards(db, actor, entries)).map((card) => ({ matchedBy: 'words', excerpt: hits.get(card.id) ?? null, case: card }));
}

/** About EXCERPT_CHARACTERS around the match; folding keeps lengths for most text, else the start. */
function excerptAround(text: string, folded: string, at: number, length: number): string {
  const base = folded.length === text.length ? text : folded;
  const start = Math.max(0, at - Math.floor((EXCERPT_CHARACTERS - length) / 2));
  const slice = base.slice(start, start + EXCERPT_CHARACTERS).replace(/\s+/g, ' ');
  return `${start > 0 ? '…' : ''}${slice}${start + EXCERPT_CHARACTERS < base.length ? '…' : ''}`;
}
