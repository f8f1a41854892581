import { HttpError } from '../http/errors.js';

// PostgreSQL text and jsonb refuse NUL, and a lone UTF-16 surrogate is not a character at all:
// either in a staff-written field (a reason, a note, a reply, a query value) made the database
// throw and the API answer 500. Every staff operation runs its params, query and body through
// this guard before its schemas (operations.ts), so routes added later are covered too.

/** NUL, or a high surrogate not followed by a low one, or a low one not preceded by a high one. */
const UNUSABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Deeper than any staff body needs; stops a pathological nesting before it reaches a schema. */
const MAX_DEPTH = 32;

export const UNUSABLE_TEXT_MESSAGE = '使えない文字（NUL 文字や壊れた文字）が含まれています。入力し直してください。';

/** The path of the first unusable string (or over-deep value) in `value`, or null. */
export function findUnusableText(value: unknown, path: string[] = [], depth = 0): string | null {
  if (typeof value === 'string') return UNUSABLE.test(value) ? path.join('.') || '(value)' : null;
  if (value === null || typeof value !== 'object') return null;
  if (depth > MAX_DEPTH) return path.join('.') || '(value)';
  for (const [key, item] of Object.entries(value)) {
    if (UNUSABLE.test(key)) return [...path, '(key)'].join('.');
    const found = findUnusableText(item, [...path, key], depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/** Throws 400 invalid_text when a part of the request holds text PostgreSQL cannot store. */
export function assertUsableText(parts: Record<string, unknown>): void {
  for (const [part, value] of Object.entries(parts)) {
    const found = findUnusableText(value);
    if (found !== null) throw new HttpError(400, 'invalid_text', `${UNUSABLE_TEXT_MESSAGE} (${part}: ${found})`);
  }
}
