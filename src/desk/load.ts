import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DeskHours, deskHoursSchema } from './desk-hours.js';

const deskFile = new URL('../../data/desk.yaml', import.meta.url);

let cached: DeskHours | undefined;

/** The desk hours from data/desk.yaml, validated once. */
export function loadDeskHours(): DeskHours {
  cached ??= new DeskHours(deskHoursSchema.parse(parse(readFileSync(deskFile, 'utf8'))));
  return cached;
}
