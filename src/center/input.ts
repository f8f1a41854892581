import { z } from 'zod';

// Field schemas shared by the center's inputs. PostgreSQL refuses NUL and lone surrogates; such
// input is refused here with a 400 before anything is written.

const wellFormed = (s: string) => !s.includes('\u0000') && s.isWellFormed();

/** Free text staff write (stored encrypted): trimmed, non-empty, bounded, well-formed. */
export const staffText = (max: number) =>
  z.string().trim().min(1).max(max).refine(wellFormed, 'NUL characters or broken Unicode are not allowed');

export const optionalStaffText = (max: number) =>
  z.string().trim().max(max).refine(wellFormed, 'NUL characters or broken Unicode are not allowed').optional().transform((s) => (s ? s : undefined));

/** A calendar day in Tokyo, YYYY-MM-DD, that exists. */
export const calendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
  .refine((s) => {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    const date = new Date(Date.UTC(y, m - 1, d));
    return y >= 2020 && y <= 2100 && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  }, 'a real date between 2020 and 2100');

export const codeSchema = z.string().min(1).max(64).regex(/^[a-z][a-z0-9_-]*$/, 'a code');
