// Whose danger: who hurts whom in a household (data/triage/roles.yaml). Pure and linear.
// It does not find violence itself (the rules and the learned reader do); it names it right:
// a parent hit by a son is household violence toward a parent, not child abuse.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import { modelText } from './model.js';

export const ROLES_FILE = 'roles.yaml';
export type Person = 'partner' | 'child' | 'sibling' | 'parent';
const PEOPLE: readonly Person[] = ['partner', 'child', 'sibling', 'parent'];

const words = z.array(z.string().trim().min(1)).min(1);
const rolesFileSchema = z
  .object({
    version: z.literal(1),
    people: z.object({ partner: words, child: words, sibling: words, parent: words }).strict(),
    elderly: words,
    violence_verbs: words,
  })
  .strict();

export interface RoleTables {
  /** "X (に|から) … (られ|され)" and "X が/は … verb": X hurts the writer or someone. */
  agentPassive: Array<{ person: Person; regex: RegExp }>;
  agentActive: Array<{ person: Person; regex: RegExp }>;
  victim: Array<{ person: Person; regex: RegExp }>;
  elderly: RegExp;
}

export interface RoleReading {
  /** Who does the violence, when the text says. */
  perpetrator: Person | null;
  /** Who suffers it, when the text says ('self' for the writer). */
  victim: Person | 'self' | null;
  /** The victim is old (80代, 祖母, grandma). */
  elderlyVictim: boolean;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const alt = (list: readonly string[]) => list.map((w) => escape(modelText(w))).sort((a, b) => b.length - a.length).join('|');

export function parseRoles(yamlText: string): RoleTables {
  const file = rolesFileSchema.parse(parseYaml(yamlText));
  const verbs = alt(file.violence_verbs);
  const build = (person: Person) => {
    const who = alt(file.people[person]);
    return {
      // Japanese: 息子に殴られ / 夫から暴力を受け; English: "my son hits me", "hit by my son".
      passive: new RegExp(`(?:${who})(?:に|から)[^。\\n]{0,14}(?:られ|され|受け)|(?:by|from) (?:my |our |her |his )?(?:${who})\\b`, 'u'),
      active: new RegExp(`(?:${who})(?:が|は|も)[^。\\n]{0,14}(?:${verbs})|\\b(?:my|our|her|his) (?:${who}) (?:is |was |keeps |has )?(?:${verbs})|(?:${who})[^.\\n]{0,12}(?:${verbs})`, 'u'),
      victim: new RegExp(`(?:${who})(?:を|のことを)[^。\\n]{0,10}(?:${verbs})|(?:${verbs})[a-z]* (?:my |our )?(?:${who})\\b`, 'u'),
    };
  };
  const agentPassive: RoleTables['agentPassive'] = [];
  const agentActive: RoleTables['agentActive'] = [];
  const victim: RoleTables['victim'] = [];
  for (const person of PEOPLE) {
    const r = build(person);
    agentPassive.push({ person, regex: r.passive });
    agentActive.push({ person, regex: r.active });
    victim.push({ person, regex: r.victim });
  }
  return { agentPassive, agentActive, victim, elderly: new RegExp(alt(file.elderly), 'u') };
}

export function loadRoles(dir: URL | string): RoleTables {
  const base = typeof dir === 'string' ? dir.replace(/\/?$/, '/') : fileURLToPath(dir);
  return parseRoles(readFileSync(`${base}${ROLES_FILE}`, 'utf8'));
}

export function readRoles(tables: RoleTables, text: string): RoleReading {
  const t = modelText(text);
  const passive = tables.agentPassive.find((r) => r.regex.test(t));
  const victim = tables.victim.find((r) => r.regex.test(t));
  const active = passive ? undefined : tables.agentActive.find((r) => r.regex.test(t) && r.person !== victim?.person);
  const perpetrator = passive?.person ?? active?.person ?? null;
  return {
    perpetrator,
    victim: passive ? 'self' : (victim?.person ?? null),
    elderlyVictim: tables.elderly.test(t),
  };
}
