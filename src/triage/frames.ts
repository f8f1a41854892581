// The frame of a danger signal: now, long ago, resolved, denied, hypothetical, quoted or joked
// (data/triage/frames.yaml explains each and how a supervisor extends them). Pure: the cue
// lists come in as data, and each call is linear in the length of the text.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import { modelText } from './model.js';

export const FRAMES = ['now', 'past', 'safe', 'denied', 'passive', 'hypothetical', 'resolved', 'quoted', 'joked'] as const;
export type Frame = (typeof FRAMES)[number];
export const FRAMES_FILE = 'frames.yaml';

const cueList = z.array(z.string().trim().min(1));
const framesFileSchema = z
  .object({
    version: z.literal(1),
    frames: z.object(Object.fromEntries(FRAMES.map((f) => [f, cueList.default([])])) as Record<Frame, z.ZodDefault<typeof cueList>>).strict(),
    hyperbole: cueList.default([]),
    deniedTopics: cueList.default([]),
  })
  .strict();

interface Cue {
  source: string;
  regex: RegExp;
}

/** The cues of one list, with one regex for all of them: most texts match none, tested once. */
interface CueList {
  any: RegExp | null;
  cues: Cue[];
}

export interface FrameTables {
  cues: Record<Frame, CueList>;
  hyperbole: CueList;
  /** What a denial must be about to count beyond the signal's clause (死にたいわけじゃない, not 文句言いたいわけちゃう). */
  deniedTopics: CueList;
}

export interface FrameReading {
  frame: Frame;
  /** The cues that decided it, as written in frames.yaml (for `explain`). */
  cues: string[];
  /** The sentence was a hyperbole idiom (死ぬほど, morri de rir), not only a joke marker. */
  hyperbole: boolean;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function cueSource(source: string): string {
  const text = modelText(source);
  // Latin-only cues match whole words. Only Latin letters bound them: "死んだw" is a joke
  // marker after Japanese.
  const latin = /^[a-z0-9' ?]+$/.test(text);
  const body = escape(text);
  return latin ? `(?<![a-z0-9])${body}(?![a-z0-9])` : body;
}

function compileList(sources: readonly string[]): CueList {
  const cues = sources.map((source) => ({ source, regex: new RegExp(cueSource(source), 'gu') }));
  return { any: cues.length === 0 ? null : new RegExp(sources.map(cueSource).join('|'), 'u'), cues };
}

export function parseFrames(yamlText: string): FrameTables {
  const file = framesFileSchema.parse(parseYaml(yamlText));
  const cues = Object.fromEntries(FRAMES.map((f) => [f, compileList(file.frames[f])])) as Record<Frame, CueList>;
  return { cues, hyperbole: compileList(file.hyperbole), deniedTopics: compileList(file.deniedTopics) };
}

export function loadFrames(dir: URL | string): FrameTables {
  const base = typeof dir === 'string' ? dir.replace(/\/?$/, '/') : fileURLToPath(dir);
  return parseFrames(readFileSync(`${base}${FRAMES_FILE}`, 'utf8'));
}

const SENTENCE = /[^。．！？!?\n]+[。．！？!?\n]*/gu;

/** The sentences of a raw message, in order (a message without an end mark is one sentence). */
export function sentencesOf(text: string): string[] {
  const found = text.match(SENTENCE) ?? [];
  const out = found.map((s) => s.trim()).filter((s) => s !== '');
  return out.length > 0 ? out : [text];
}

const CLAUSE_TURN = /(けど|けれど|でも|しかし|ただ|but|mas|pero|nhung|tapi)/gu;

/**
 * Where a denial counts, in the model's spelling: from the clause of the signal (after the last
 * "but" before it) to the end of the next sentence.
 */
function denialScope(message: string, sentence: string, anchor: string): string {
  const sentences = sentencesOf(message);
  const index = sentences.indexOf(sentence.trim());
  const scope = modelText(index < 0 ? sentence : sentences.slice(index, index + 2).join(''));
  const at = anchor === '' ? -1 : scope.indexOf(modelText(anchor).slice(0, 2));
  if (at <= 0) return scope;
  let start = 0;
  for (const turn of scope.slice(0, at).matchAll(CLAUSE_TURN)) start = (turn.index ?? 0) + turn[0].length;
  return scope.slice(start);
}

/** Finds cues of one list in a text and blanks them out, so that shorter cues inside them do not count again. */
function take(list: CueList, text: { value: string }, at?: number[]): string[] {
  const hits: string[] = [];
  if (list.any === null || !list.any.test(text.value)) return hits;
  for (const cue of list.cues) {
    cue.regex.lastIndex = 0;
    const found = cue.regex.exec(text.value);
    if (found !== null) {
      hits.push(cue.source);
      at?.push(found.index);
      cue.regex.lastIndex = 0;
      text.value = text.value.replace(cue.regex, (m) => ' '.repeat(m.length));
    }
  }
  return hits;
}

/**
 * The frame of a signal found in `sentence` of `message` (both raw). Precedence: talked about
 * (quoted), hyperbole, a `now` cue, a joke marker, safe or denied anywhere in the message, a
 * past or hypothetical cue in the sentence; otherwise now.
 */
export function readFrame(tables: FrameTables, message: string, sentence: string, anchor = ''): FrameReading {
  const s = { value: ` ${modelText(sentence)} ` };
  const m = { value: ` ${modelText(message)} ` };
  const quoted = take(tables.cues.quoted, s);
  if (quoted.length > 0) return { frame: 'quoted', cues: quoted, hyperbole: false };
  const hyperbole = take(tables.hyperbole, s);
  if (hyperbole.length > 0) return { frame: 'joked', cues: hyperbole, hyperbole: true };
  const safe = take(tables.cues.safe, m);
  // A denial speaks of what stands next to it: the signal's sentence and the one after
  // (「死ぬ方法ばっか調べてまう。実行はしてへん」), not a denial of something else further
  // off (「文句言いたいわけちゃうけど、今日で最後にする」 is no denial of the farewell).
  let denied = take(tables.cues.denied, { value: ` ${denialScope(message, sentence, anchor)} ` });
  if (denied.length === 0) {
    // Further off, a denial counts when it is about danger itself (「死にたいわけじゃないけど、…」).
    const far: number[] = [];
    const found = take(tables.cues.denied, { value: m.value }, far);
    const about = tables.deniedTopics.any;
    denied = about === null ? [] : found.filter((_, i) => about.test(m.value.slice(Math.max(0, (far[i] ?? 0) - 12), far[i] ?? 0)));
  }
  // The same cues blanked in the sentence too, so that 今 inside 今は大丈夫 is not read as now.
  const safeHere = take(tables.cues.safe, s).length + take(tables.cues.denied, s).length > 0;
  const pastAt: number[] = [];
  const nowAt: number[] = [];
  const where = anchor === '' ? -1 : s.value.indexOf(modelText(anchor).slice(0, 2));
  const past = take(tables.cues.past, s, pastAt);
  const passive = take(tables.cues.passive, s);
  const hypothetical = take(tables.cues.hypothetical, s);
  const joked = take(tables.cues.joked, s);
  const resolved = take(tables.cues.resolved, m);
  const pastAnywhere = past.length > 0 || take(tables.cues.past, { value: m.value }).length > 0;
  let now = take(tables.cues.now, s, nowAt);
  if (now.length > 0 && past.length > 0 && where >= 0) {
    // Both in one sentence: the cue nearer the signal tells its time (以前ODした…今も不安 → past).
    const distance = (list: number[]) => Math.min(...list.map((i) => Math.abs(i - where)));
    if (distance(pastAt) < distance(nowAt)) now = [];
  }
  if (now.length > 0 && joked.length === 0 && !safeHere) return { frame: 'now', cues: now, hyperbole: false };
  if (joked.length > 0) return { frame: 'joked', cues: joked, hyperbole: false };
  if (resolved.length > 0 && pastAnywhere && now.length === 0) return { frame: 'resolved', cues: [...past, ...resolved], hyperbole: false };
  if (safe.length > 0) return { frame: 'safe', cues: safe, hyperbole: false };
  if (denied.length > 0) return { frame: 'denied', cues: denied, hyperbole: false };
  if (now.length > 0) return { frame: 'now', cues: now, hyperbole: false };
  if (past.length > 0) return { frame: 'past', cues: past, hyperbole: false };
  if (passive.length > 0) return { frame: 'passive', cues: passive, hyperbole: false };
  if (hypothetical.length > 0) return { frame: 'hypothetical', cues: hypothetical, hyperbole: false };
  return { frame: 'now', cues: [], hyperbole: false };
}
