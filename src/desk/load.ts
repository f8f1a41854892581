import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DeskHours, deskHoursSchema } from './desk-hours.js';

const deskFile = new URL('../../data/desk.yaml', import.meta.url);

const cached = new Map<string, DeskHours>();

/** The desk hours from data/desk.yaml (or `path`, e.g. DESK_HOURS_FILE), validated once. */
export function loadDeskHours(path?: string): DeskHours {
  const key = path ?? deskFile.pathname;
  let desk = cached.get(key);
  if (!desk) {
    desk = new DeskHours(deskHoursSchema.parse(parse(readFileSync(path ?? deskFile, 'utf8'))));
    cached.set(key, desk);
  }
  return desk;
}
