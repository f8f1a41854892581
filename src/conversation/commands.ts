// Anywhere commands: typed words (all three languages, from flows/commands.yaml) or buttons.
import { COMMAND_NAMES, LANGUAGES, type CommandName, type FlowCatalog, type FlowChoice } from '../flows/schema.js';
import { matchCandidates, normalizeForMatch } from './text.js';

interface CommandIndex {
  words: Map<string, CommandName>;
  polite: string[];
}

const indexes = new WeakMap<FlowCatalog, CommandIndex>();

function commandIndex(catalog: FlowCatalog): CommandIndex {
  let index = indexes.get(catalog);
  if (!index) {
    const words = new Map<string, CommandName>();
    for (const name of COMMAND_NAMES) {
      const def = catalog.commands.commands[name];
      for (const lang of LANGUAGES) {
        for (const w of [def.button[lang], ...(def.words[lang] ?? [])]) {
          const key = w === undefined ? '' : normalizeForMatch(w);
          // The first command listing a word wins; the linter reports duplicates.
          if (key && !words.has(key)) words.set(key, name);
        }
      }
    }
    index = { words, polite: catalog.commands.politeEndings };
    indexes.set(catalog, index);
  }
  return index;
}

/** The command a typed message means, if the whole message is a command word. */
export function matchCommand(catalog: FlowCatalog, text: string): CommandName | null {
  const index = commandIndex(catalog);
  for (const candidate of matchCandidates(text, index.polite)) {
    const hit = index.words.get(candidate);
    if (hit) return hit;
  }
  return null;
}

/** The choice a typed message names: its label in any language, its value, or one of its words. */
export function matchChoice(
  catalog: FlowCatalog,
  choices: readonly FlowChoice[],
  text: string,
): FlowChoice | null {
  const candidates = new Set(matchCandidates(text, commandIndex(catalog).polite));
  if (candidates.size === 0) return null;
  for (const choice of choices) {
    const names = [choice.value];
    for (const lang of LANGUAGES) {
      const label = choice.label[lang];
      if (label) names.push(label);
      names.push(...(choice.words?.[lang] ?? []));
    }
    if (names.some((n) => candidates.has(normalizeForMatch(n)))) return choice;
  }
  return null;
}

/** Whether a typed message is one of the given labels (system buttons such as "消す"). */
export function matchesLabel(
  catalog: FlowCatalog,
  text: string,
  labels: ReadonlyArray<Partial<Record<string, string>>>,
): boolean {
  const candidates = new Set(matchCandidates(text, commandIndex(catalog).polite));
  return labels.some((l) => LANGUAGES.some((lang) => {
    const label = l[lang];
    return label !== undefined && candidates.has(normalizeForMatch(label));
  }));
}
