// Reads flows/returning/welcome-back.yaml: what the bot says to a person who comes back after
// their case was closed (src/conversation/returning.ts). Every key needs Japanese; a label must fit
// a LINE quick reply (20 UTF-16 units).
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import type { ReturningTexts } from '../conversation/types.js';

export const RETURNING_TEXTS_FILE = new URL('../../flows/returning/welcome-back.yaml', import.meta.url);
const LANGUAGE = z.string().regex(/^[a-z]{2,5}$/);
const texts = (maxUnits: number) =>
  z
    .record(LANGUAGE, z.string().min(1).refine((t) => t.length <= maxUnits, `at most ${maxUnits} UTF-16 units`))
    .refine((byLanguage) => typeof byLanguage.ja === 'string', 'Japanese (ja) is required');

export const returningTextsSchema = z
  .object({
    messages: z
      .object({ welcome: texts(5000), welcome_with_message: texts(5000), listen_label: texts(20), restart_label: texts(20) })
      .strict(),
  })
  .strict();

export async function loadReturningTexts(file: URL = RETURNING_TEXTS_FILE): Promise<ReturningTexts> {
  return returningTextsSchema.parse(parse(await readFile(file, 'utf8'))).messages;
}
