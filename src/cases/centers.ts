import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

const centersFile = new URL('../../data/centers.yaml', import.meta.url);

export const centerSchema = z
  .object({
    code: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and -'),
    name: z.string().min(1),
    ward: z.string().min(1),
    /** The ward's name in Latin letters, for the English, Vietnamese and Portuguese buttons. */
    wardLatin: z.string().min(1).optional(),
  })
  .strict();
export type Center = z.infer<typeof centerSchema>;

const centersFileSchema = z
  .object({
    verify: z.boolean().default(true),
    centers: z
      .array(centerSchema)
      .min(1)
      .refine((list) => new Set(list.map((c) => c.code)).size === list.length, 'center codes must be unique'),
  })
  .strict();

export interface CenterDirectory {
  /** True until the desk has checked the list (data/centers.yaml `verify`). */
  verify: boolean;
  centers: Center[];
  find(code: string): Center | undefined;
}

let cached: CenterDirectory | undefined;

/** The ward Health and Welfare Centers a case can be handed over to (data/centers.yaml). */
export function loadCenters(): CenterDirectory {
  if (cached) return cached;
  const parsed = centersFileSchema.parse(parse(readFileSync(centersFile, 'utf8')));
  const byCode = new Map(parsed.centers.map((c) => [c.code, c]));
  cached = { verify: parsed.verify, centers: parsed.centers, find: (code) => byCode.get(code) };
  return cached;
}
