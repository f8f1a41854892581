// Reads flows/*.yaml, flows/messages.yaml, flows/commands.yaml and data/hotlines.yaml into a
// FlowCatalog. Structure is validated here (zod); meaning (references, reachability, LINE limits,
// translations) is checked by `checkFlows` in lint.ts.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import {
  ENTRY_FLOW,
  commandsFileSchema,
  flowFileSchema,
  hotlinesFileSchema,
  idSchema,
  messagesFileSchema,
  type Flow,
  type FlowCatalog,
} from './schema.js';
import { crisisFileSchema } from './crisis-schema.js';

/** src/flows/loader.ts and dist/flows/loader.js both sit two levels below the repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_FLOWS_DIR = join(REPO_ROOT, 'flows');
export const DEFAULT_HOTLINES_FILE = join(REPO_ROOT, 'data', 'hotlines.yaml');

const MESSAGES_FILE = 'messages.yaml';
const COMMANDS_FILE = 'commands.yaml';
const HOTLINES_FILE = 'hotlines.yaml';
const CRISIS_FILE = 'crisis.yaml';

export interface FlowLoadProblem {
  file: string;
  /** e.g. `step "age_band" › choices[2].label`; null for the whole file. */
  location: string | null;
  message: string;
}

export class FlowLoadError extends Error {
  readonly problems: FlowLoadProblem[];
  constructor(problems: FlowLoadProblem[]) {
    super(
      `Flow files could not be loaded:\n${problems.map((p) => `  ${formatLoadProblem(p)}`).join('\n')}`,
    );
    this.name = 'FlowLoadError';
    this.problems = problems;
  }
}

export function formatLoadProblem(p: FlowLoadProblem): string {
  return `${p.file}${p.location ? ` › ${p.location}` : ''}: ${p.message}`;
}

export interface SourceFile {
  /** Shown in errors, e.g. `flows/family.yaml`. */
  file: string;
  text: string;
}

export interface FlowSources {
  flows: SourceFile[];
  messages: SourceFile;
  commands: SourceFile;
  hotlines: SourceFile;
  crisis: SourceFile;
}

/**
 * Loads the catalog. `dir` is a flows directory (default: the repository's `flows/`). A directory
 * without its own messages.yaml / commands.yaml / hotlines.yaml uses the shipped ones, so a draft
 * folder may hold only the flows being edited.
 */
export async function loadFlowCatalog(dir?: string): Promise<FlowCatalog> {
  return buildFlowCatalog(await readFlowSources(dir));
}

export async function readFlowSources(dir?: string): Promise<FlowSources> {
  const flowsDir = dir ? resolve(dir) : DEFAULT_FLOWS_DIR;
  let names: string[];
  try {
    names = await readdir(flowsDir);
  } catch {
    throw new FlowLoadError([
      { file: displayPath(flowsDir), location: null, message: 'directory not found' },
    ]);
  }
  const systemFiles = new Set([MESSAGES_FILE, COMMANDS_FILE, HOTLINES_FILE, CRISIS_FILE]);
  const flowNames = names
    .filter((n) => (n.endsWith('.yaml') || n.endsWith('.yml')) && !systemFiles.has(n))
    .sort();
  const read = async (path: string): Promise<SourceFile> => ({
    file: displayPath(path),
    text: await readFile(path, 'utf8'),
  });
  const own = (name: string, fallback: string) => {
    const path = join(flowsDir, name);
    return existsSync(path) ? path : fallback;
  };
  return {
    flows: await Promise.all(flowNames.map((n) => read(join(flowsDir, n)))),
    messages: await read(own(MESSAGES_FILE, join(DEFAULT_FLOWS_DIR, MESSAGES_FILE))),
    commands: await read(own(COMMANDS_FILE, join(DEFAULT_FLOWS_DIR, COMMANDS_FILE))),
    hotlines: await read(own(HOTLINES_FILE, DEFAULT_HOTLINES_FILE)),
    crisis: await read(own(CRISIS_FILE, join(DEFAULT_FLOWS_DIR, CRISIS_FILE))),
  };
}

/** Pure: parses and validates already-read sources. Throws FlowLoadError listing every problem. */
export function buildFlowCatalog(sources: FlowSources): FlowCatalog {
  const problems: FlowLoadProblem[] = [];

  const flows: Record<string, Flow> = {};
  for (const src of sources.flows) {
    const id = basename(src.file, extname(src.file));
    if (!idSchema.safeParse(id).success) {
      problems.push({
        file: src.file,
        location: null,
        message: `the file name "${id}" must be lower-case letters, digits and _ (it is the flow id)`,
      });
      continue;
    }
    const parsed = parseWith(src, flowFileSchema, problems);
    if (!parsed) continue;
    if (parsed.id !== undefined && parsed.id !== id) {
      problems.push({
        file: src.file,
        location: 'id',
        message: `id "${parsed.id}" differs from the file name "${id}"; remove it or make them equal`,
      });
    }
    const first = parsed.steps[0];
    flows[id] = { id, file: src.file, start: parsed.start ?? first?.id ?? '', steps: parsed.steps };
  }
  if (sources.flows.length === 0) {
    problems.push({ file: sources.messages.file, location: null, message: 'no flow files found beside it' });
  }

  const messages = parseWith(sources.messages, messagesFileSchema, problems);
  const commands = parseWith(sources.commands, commandsFileSchema, problems);
  const hotlines = parseWith(sources.hotlines, hotlinesFileSchema, problems);
  const crisis = parseWith(sources.crisis, crisisFileSchema, problems);

  if (problems.length > 0 || !messages || !commands || !hotlines || !crisis) throw new FlowLoadError(problems);
  return {
    entryFlow: ENTRY_FLOW,
    flows,
    messages: messages.messages,
    commands,
    hotlines: hotlines.hotlines,
    crisis,
    files: { messages: sources.messages.file, commands: sources.commands.file, hotlines: sources.hotlines.file, crisis: sources.crisis.file },
  };
}

function parseWith<S extends z.ZodType>(
  src: SourceFile,
  schema: S,
  problems: FlowLoadProblem[],
): z.output<S> | null {
  const doc = parseDocument(src.text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      problems.push({ file: src.file, location: null, message: `YAML: ${e.message.split('\n')[0]}` });
    }
    return null;
  }
  const raw: unknown = doc.toJS();
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    problems.push({ file: src.file, location: describePath(raw, issue.path), message: issue.message });
  }
  return null;
}

/** Turns `['steps', 3, 'choices', 0, 'label']` into `step "age_band" › choices[0].label`. */
function describePath(raw: unknown, path: readonly PropertyKey[]): string | null {
  if (path.length === 0) return null;
  const [head, index, ...rest] = path;
  let prefix = '';
  let tail: readonly PropertyKey[] = path;
  if (head === 'steps' && typeof index === 'number') {
    const steps = (raw as { steps?: unknown[] } | null)?.steps;
    const id = (steps?.[index] as { id?: unknown } | undefined)?.id;
    prefix = typeof id === 'string' ? `step "${id}"` : `step #${index + 1}`;
    tail = rest;
  } else if ((head === 'messages' || head === 'commands') && typeof index === 'string') {
    prefix = `${head === 'messages' ? 'message' : 'command'} "${index}"`;
    tail = rest;
  } else if (head === 'hotlines' && typeof index === 'number') {
    const list = (raw as { hotlines?: unknown[] } | null)?.hotlines;
    const id = (list?.[index] as { id?: unknown } | undefined)?.id;
    prefix = typeof id === 'string' ? `hotline "${id}"` : `hotline #${index + 1}`;
    tail = rest;
  }
  const rendered = tail
    .map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i === 0 ? '' : '.'}${String(k)}`))
    .join('');
  if (!prefix) return rendered;
  return rendered ? `${prefix} › ${rendered}` : prefix;
}

function displayPath(path: string): string {
  const rel = relative(REPO_ROOT, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split('\\').join('/') : path;
}
