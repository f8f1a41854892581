// Phone numbers are searched without decrypting anything: each number found in what a person
// wrote or what staff recorded about them is stored as a keyed hash (HMAC-SHA256 with
// LOOKUP_HASH_KEY, the key that already finds channel user ids). The same number typed any way
// (０７５-１２３-４５６７, 075 123 4567, +81 75 1234567) hashes the same; the hash alone reveals
// nothing without the key, and the rows go with the person (Contact cascade, data deletion).
import type { DataCrypto, Prisma } from '../db/client.js';

type Tx = Pick<Prisma.TransactionClient, 'phoneLookup'>;

/** Cheap first test for the hot path: anything that may hold 10 digits in a row, give or take separators. */
const MAYBE_PHONE = /[0-9０-９]{2,}[\s\-‐－―ー()（）.]*[0-9０-９]/;

/** Runs of digits with the separators people put in phone numbers. */
const CANDIDATE = /(?:\+?81|0)[0-9\s\-‐－―ー()（）.]{8,16}[0-9]/g;

/** Japanese numbers as dialled in Japan: 0 and 9–10 more digits (landline 10, mobile and 0120 10–11). */
export function extractPhoneNumbers(text: string): string[] {
  if (!MAYBE_PHONE.test(text)) return [];
  const normalised = text.normalize('NFKC');
  const found = new Set<string>();
  for (const match of normalised.matchAll(CANDIDATE)) {
    let digits = match[0].replace(/\D/g, '');
    if (match[0].startsWith('+81') || (digits.startsWith('81') && !match[0].startsWith('0'))) digits = `0${digits.slice(2)}`;
    if (/^0\d{9,10}$/.test(digits)) found.add(digits);
  }
  return [...found];
}

/** The look-up key of a phone number as typed in a search box, or null when it is not one. */
export function phoneQueryDigits(query: string): string | null {
  const trimmed = query.normalize('NFKC').trim();
  if (!/^[+0-9\s\-‐－―ー()（）.]+$/.test(trimmed)) return null;
  const [digits] = extractPhoneNumbers(trimmed);
  return digits ?? null;
}

export function phoneHash(crypto: DataCrypto, digits: string): string {
  return crypto.lookupHash(`tel:${digits}`);
}

/** Stores the hashes of the numbers in `text` (idempotent per source row). */
export async function indexPhoneNumbers(
  tx: Tx,
  crypto: DataCrypto,
  input: { contactId: string; source: 'message' | 'desk_contact' | 'note'; sourceId: string; text: string | null; at: Date },
): Promise<number> {
  if (!input.text) return 0;
  const numbers = extractPhoneNumbers(input.text);
  if (numbers.length === 0) return 0;
  const created = await tx.phoneLookup.createMany({
    data: numbers.map((digits) => ({ hash: phoneHash(crypto, digits), contactId: input.contactId, source: input.source, sourceId: input.sourceId, createdAt: input.at })),
    skipDuplicates: true,
  });
  return created.count;
}
