// Triage of one inbound text, read in layers the way a crisis counsellor reads it:
//   1. lexical signals: the phrase rules (rules.yaml) and the stem net (net.yaml) find danger
//      words and say what kind of danger they are;
//   2. frames (frames.yaml): each signal's sentence says whether it is now, long ago, resolved,
//      denied, hypothetical, talked about or joked (past, denied and passive → high; a quote or
//      an idiom → normal);
//   3. roles (roles.yaml): who hurts whom, so that signals and kinds name the right danger;
//   4. the learned reader (model.json): a linear model over character n-grams, for wording and
//      languages the rules have never seen, and as a second opinion on weak signals;
//   5. the conversation: the person's recent messages can make a short, unclear message an
//      emergency ("still awake, I feel sick" after "I took all my pills"); they never lower one.
// Where the reading is unsure the result carries `check`: the bot asks the direct safety
// question (never instead of a clear emergency). Thresholds are data (reading.yaml).
// Pure apart from reading the data files once (cached). A hit raises the urgency and flags the
// case for a human; it never closes or downgrades a case (domain.md §5) — that is the
// caller's business, not this module's.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import type { DangerKind, TriageResult, Urgency } from '../conversation/types.js';
import { loadFrames, readFrame, sentencesOf, type Frame, type FrameTables } from './frames.js';
import { detectLanguage } from './language.js';
import { loadModel, readWithModel, strongestFeatures, type ModelReading, type TriageModel } from './model.js';
import { loadTriageNet, matchNet, type TriageNet } from './net.js';
import type { NormalisedText } from './normalise.js';
import { loadRoles, readRoles, type RoleReading, type RoleTables } from './roles.js';
import { DEFAULT_TRIAGE_DATA_DIR, loadTriageRules, type CompiledPattern, type CompiledRule, type TriageRuleSet } from './rules.js';

export type Layer = 'rules' | 'net' | 'model' | 'context';

export interface RuleMatch {
  /** The signal: a rule id, the signal of a net category, or a signal of the learned reader. */
  ruleId: string;
  /** The level this signal alone calls for, before its frame is read. */
  level: 'emergency' | 'high';
  /** The pattern as written in rules.yaml; for the net, `net/<category>: <stem>` as in net.yaml. */
  pattern: string;
  /** The matched stretch of the normalised view, for supervisors tuning the rules. */
  matched: string;
  /** Which layer fired. */
  layer?: Layer;
  /** The frame the signal stands in (frames.yaml) and the cues that said so. */
  frame?: Frame;
  cues?: string[];
  /** The level after the frame is read. */
  reads?: Urgency;
}

const readingFileSchema = z
  .object({
    version: z.literal(1),
    model: z
      .object({
        emergency: z.number().min(0).max(1),
        ask: z.number().min(0).max(1),
        high: z.number().min(0).max(1),
        doubtRule: z.number().min(0).max(1),
        netSupport: z.number().min(0).max(1),
        overrideFrame: z.number().min(0).max(1),
        violenceSupport: z.number().min(0).max(1),
        askDoubted: z.number().min(0).max(1),
        askHigh: z.number().min(0).max(1),
      })
      .strict(),
    context: z.object({ emergency: z.number().min(0).max(1), follow: z.number().min(0).max(1), messages: z.number().int().min(0).max(20) }).strict(),
  })
  .strict();
export type ReadingSettings = z.infer<typeof readingFileSchema>;

export const DEFAULT_READING: ReadingSettings = {
  version: 1,
  model: { emergency: 0.6, ask: 0.35, high: 0.5, doubtRule: 0.8, netSupport: 0.3, overrideFrame: 0.85, violenceSupport: 0.5, askDoubted: 0.1, askHigh: 0.25 },
  context: { emergency: 0.5, follow: 0.5, messages: 4 },
};

/**
 * Everything triage reads. Only the rules are required: without `frames` every signal reads as
 * now, without `model` there is no learned reader, without `roles` signals keep the rules' kinds.
 */
export type TriageConfig = TriageRuleSet & {
  net?: TriageNet | null;
  frames?: FrameTables | null;
  roles?: RoleTables | null;
  model?: TriageModel | null;
  reading?: ReadingSettings;
};

/** A result with how it was read, for staff and tests (a superset of the contract). */
export interface TriageReading extends TriageResult {
  /** The frame of the signal that decided the level (now when nothing else was read). */
  frame: Frame | null;
  /** The learned reader's probabilities, when it ran. */
  model: ModelReading['level'] | null;
  /** Who hurts whom, when violence was read. */
  roles: RoleReading | null;
}

export interface Triage {
  (text: string, context?: readonly string[]): TriageReading;
  /** Every signal, with its layer, pattern, frame and the level it reads as; model features last. */
  explain(text: string, context?: readonly string[]): RuleMatch[];
  readonly ruleSet: TriageConfig;
}

const LEVEL_ORDER: Record<Urgency, number> = { normal: 0, high: 1, emergency: 2 };
const EMOJI = /\p{Extended_Pictographic}/gu;
/** Which crisis answer a signal calls for (the rule ids of data/triage/rules.yaml). */
const KIND_OF_SIGNAL: Record<string, DangerKind> = {
  suicidal_ideation: 'suicide',
  farewell: 'suicide',
  suicide_plan: 'suicide',
  suicide_risk: 'suicide',
  self_harm: 'self_harm',
  overdose: 'medical',
  collapsed: 'medical',
  unresponsive: 'medical',
  medical_emergency: 'medical',
  neglect_no_food: 'medical',
  abuse_child: 'child_abuse',
  abuse_elder: 'elder_abuse',
  domestic_violence: 'dv',
  household_violence: 'violence',
  violence_to_others: 'harm_to_others',
};
/** The signal the learned reader reports for a kind it reads when no rule named one. */
const SIGNAL_OF_KIND: Record<DangerKind, string> = {
  suicide: 'suicide_risk',
  self_harm: 'self_harm',
  medical: 'medical_emergency',
  violence: 'household_violence',
  child_abuse: 'abuse_child',
  dv: 'domestic_violence',
  elder_abuse: 'abuse_elder',
  harm_to_others: 'violence_to_others',
};
/** Signals that are not rule ids: the learned reader's reading of a kind, and the conversation's. */
export const READER_SIGNALS: readonly string[] = ['suicide_risk', 'self_harm', 'medical_emergency', 'household_violence', 'abuse_child', 'domestic_violence', 'abuse_elder', 'violence_to_others', 'context_escalation', 'learned_reader'];
/**
 * Most acute first: which help comes first when several kinds are read. A child hurt comes
 * before DV (both say 110 first; the child's answer also names 189, and the DV lines still follow).
 */
const KIND_ORDER: readonly DangerKind[] = ['medical', 'harm_to_others', 'violence', 'child_abuse', 'dv', 'elder_abuse', 'self_harm', 'suicide'];
/** Kinds that are a danger to the writer's own life: a downgraded reading of them asks. */
const LIFE_KINDS = new Set<DangerKind>(['suicide', 'self_harm', 'medical']);
const VIOLENCE_KINDS = new Set<DangerKind>(['violence', 'dv', 'child_abuse', 'elder_abuse']);
const FRAME_LEVEL: Record<Frame, Urgency> = { now: 'emergency', past: 'high', safe: 'high', denied: 'normal', passive: 'high', hypothetical: 'high', resolved: 'normal', quoted: 'normal', joked: 'high' };

interface Scan {
  matches: RuleMatch[];
  roles: RoleReading | null;
}

export function createTriage(config: TriageConfig = defaultRuleSet()): Triage {
  const settings = config.reading ?? DEFAULT_READING;

  /** Lexical signals over one text, unframed. */
  const lexical = (normalised: NormalisedText): RuleMatch[] => {
    const matches: RuleMatch[] = [];
    for (const rule of config.rules) {
      const match = matchRule(rule, normalised);
      if (match !== null) matches.push({ ...match, layer: 'rules' });
    }
    if (config.net) {
      for (const hit of matchNet(config.net, normalised)) {
        if (matches.some((m) => m.ruleId === hit.signal && m.level === 'emergency')) continue;
        // A stem inside a longer phrase a rule read already ("kill" in "kill myself") is that
        // rule's reading, not a second signal.
        if (matches.some((m) => m.matched.includes(hit.matched))) continue;
        matches.push({ ruleId: hit.signal, level: 'emergency', pattern: `net/${hit.categoryId}: ${hit.stem}`, matched: hit.matched, layer: 'net' });
      }
    }
    return matches;
  };

  /** Lexical signals with the frame of the sentence each stands in, and roles renamed. */
  const scan = (text: string): Scan => {
    const normalised = config.normalise(text);
    const matches = lexical(normalised);
    if (config.frames && matches.length > 0) {
      const sentences = sentencesOf(text);
      const views = sentences.length > 1 ? sentences.map((s) => config.normalise(s)) : null;
      for (const match of matches) {
        const first = match.matched.split(' & ')[0] ?? '';
        let sentence = text;
        if (views !== null && first !== '') {
          const index = views.findIndex((v) => v.compact.includes(first) || v.loose.includes(first) || v.words.includes(first));
          if (index >= 0) sentence = sentences[index] as string;
        }
        const reading = readFrame(config.frames, text, sentence, first);
        match.frame = reading.frame;
        match.cues = reading.cues;
        // A joke marker beside a single stem of the net (死んだｗ) is a joke; beside a phrase rule
        // it is still worth a look (死にたいｗ).
        const joke = reading.hyperbole || (reading.frame === 'joked' && match.layer === 'net');
        match.reads = match.level === 'emergency' ? (joke ? 'normal' : FRAME_LEVEL[reading.frame]) : reading.frame === 'quoted' || joke ? 'normal' : 'high';
      }
    } else {
      for (const match of matches) {
        match.frame = 'now';
        match.reads = match.level;
      }
    }
    let roles: RoleReading | null = null;
    const violent = matches.some((m) => m.ruleId === 'abuse_child' || m.ruleId === 'domestic_violence' || m.ruleId === 'abuse_elder' || m.ruleId === 'violence_to_others');
    if (config.roles && violent) {
      roles = readRoles(config.roles, text);
      renameByRoles(matches, roles, text);
    }
    return { matches, roles };
  };

  const read = (text: string, context: readonly string[] = []): { result: TriageReading; matches: RuleMatch[] } => {
    const { matches, roles } = scan(text);
    const m = settings.model;
    const model = config.model ?? null;
    const recent = context.slice(-settings.context.messages);
    const alone = model ? readWithModel(model, text) : null;
    // The earlier messages count only where they themselves read as distress: an odd but
    // ordinary first message (a pasted tag, a greeting) must not make 「人と話したい」 an emergency.
    const earlier = model !== null ? recent.map((c) => readWithModel(model, c)) : [];
    const troubledBefore = earlier.some((e) => e.level.emergency + e.level.high >= settings.context.emergency);
    const withContext = model && troubledBefore ? readWithModel(model, text, recent) : null;
    const p = alone === null ? null : { ...alone.level, emergency: Math.max(alone.level.emergency, withContext?.level.emergency ?? 0) };

    let urgency = 'normal' as Urgency;
    let check = false;
    let decidedBy: RuleMatch | null = null;
    const raise = (level: Urgency, by: RuleMatch | null) => {
      if (LEVEL_ORDER[level] > LEVEL_ORDER[urgency]) {
        urgency = level;
        decidedBy = by;
      }
    };
    // Every lexical signal explained away (a quote, an idiom, a denial, a long-resolved past):
    // the learned reader may still see distress, but not an emergency of its own.
    const explained = matches.length > 0 && matches.every((x) => x.reads === 'normal');
    let viaContext = false;
    const compactRaw = config.normalise(text.replace(EMOJI, '')).compact;
    // A signal read as a joke or a quote: the reader may not turn the message into a question.
    const playful = matches.some((x) => x.frame === 'joked' || x.frame === 'quoted');
    // Every danger word stands in a frame that is not now (past, safe, denied, passive,
    // hypothetical): the reader alone turns the message into an emergency only when it is as sure
    // as it must be to override a frame ("今は落ち着いてる。さっきまで死にたかった" stays high).
    const framedAway = matches.length > 0 && matches.every((x) => x.frame !== undefined && x.frame !== 'now' && (x.reads ?? x.level) !== 'emergency');
    for (const match of matches) {
      let level = match.reads ?? match.level;
      const kind = KIND_OF_SIGNAL[match.ruleId];
      if (level === 'emergency' && p !== null) {
        // A rule that fired only on a reading of the text (an emoji read as a word, 🔪 → 刃物) is
        // as weak as a single stem.
        const spelled = match.layer === 'rules' && !compactRaw.includes(match.matched.split(' & ')[0] ?? '');
        if ((match.layer === 'net' && p.emergency < m.netSupport) || (spelled && p.emergency < m.ask) || (match.layer === 'rules' && p.normal >= m.doubtRule)) {
          // A danger word the reader does not back (a single stem, an idiom the rules do not
          // know): high, never dropped, and the bot asks unless the reader is plainly calm.
          level = 'high';
          if (p.emergency >= m.askDoubted) check = true;
        } else if (kind !== undefined && VIOLENCE_KINDS.has(kind) && (match.cues ?? []).length === 0 && p.emergency < m.violenceSupport) {
          // Violence told without a sign that it is happening now (a habit, a fear, bruises
          // seen): high, and the bot asks whether anyone is in danger right now.
          level = 'high';
          check = true;
        }
      }
      // A joke the reader also reads as plainly ordinary (親に殺されるｗ 門限過ぎた) is ordinary.
      if (match.frame === 'joked' && p !== null && p.normal >= m.doubtRule) level = 'normal';
      if (level === 'high' && match.level === 'emergency' && (match.frame !== 'joked' || (p !== null && p.emergency >= m.ask))) {
        const reconsider = match.frame === 'past' || match.frame === 'passive' || match.frame === 'hypothetical';
        if (p !== null && reconsider && p.emergency >= m.overrideFrame) level = 'emergency';
        else if (kind !== undefined) check = true;
      }
      raise(level, match);
    }
    if (p !== null) {
      if (explained) {
        if (p.emergency + p.high >= m.high + 0.1) raise('high', null);
      } else if (p.emergency >= (framedAway ? m.overrideFrame : m.emergency) && !playful) {
        raise('emergency', null);
        // Only the earlier messages made it one: that is the conversation's reading.
        if ((alone?.level.emergency ?? 0) < m.emergency) viaContext = true;
      }
      else if (p.emergency >= m.ask && !playful) {
        raise('high', null);
        check = true;
      } else if (p.high >= m.high || p.high + p.emergency >= m.high + 0.1) raise('high', null);
    }
    // The conversation: a recent message that read like an emergency makes an unclear follow-up one.
    let fromContext = false;
    let contextKinds: DangerKind[] = [];
    if (model !== null && recent.length > 0 && (urgency !== 'emergency' || viaContext) && !explained) {
      const worst = earlier.reduce((a, b) => (b.level.emergency >= a.level.emergency ? b : a));
      const before = worst.level.emergency;
      if (viaContext || (before >= settings.context.emergency && (withContext?.level.emergency ?? 0) >= settings.context.follow)) {
        raise('emergency', null);
        fromContext = true;
        // The danger goes on: it is of the kind the earlier message read as (the crisis answer
        // already given then is not repeated for a new guess about a short follow-up).
        const kind = (Object.entries(worst.kinds) as Array<[DangerKind, number]>).sort((a, b) => b[1] - a[1])[0];
        if (kind !== undefined && kind[1] >= 0.3) contextKinds = [kind[0]];
      } else if (before >= settings.context.emergency && urgency === 'high') {
        check = true;
      }
    }
    // A danger signal read as high while the reader still puts some weight on an emergency
    // (「あと10分したら家出て線路いく」): unsure, so the bot asks rather than waits.
    if (urgency === 'high' && !check && p !== null && p.emergency >= m.askHigh && matches.some((x) => (x.reads ?? x.level) !== 'normal')) check = true;
    // Never instead of a clear emergency; an ordinary reading has nothing to ask about.
    if (urgency !== 'high') check = false;

    // Signals in the order of how they read (emergencies first), then the order of the rules.
    const ordered = [...matches].sort((a, b) => LEVEL_ORDER[b.reads ?? b.level] - LEVEL_ORDER[a.reads ?? a.level]);
    const signals = [...new Set(ordered.filter((x) => (x.reads ?? x.level) !== 'normal' || urgency !== 'normal').map((x) => x.ruleId))];
    let kinds = orderKinds(signals.flatMap((signal) => KIND_OF_SIGNAL[signal] ?? []));
    const modelKinds = withContext?.kinds ?? alone?.kinds ?? {};
    if (kinds.length === 0 && fromContext && contextKinds.length > 0) kinds = contextKinds;
    else if (kinds.length === 0 && urgency !== 'normal' && model !== null) {
      const best = (Object.entries(modelKinds) as Array<[DangerKind, number]>).sort((a, b) => b[1] - a[1])[0];
      if (best !== undefined && best[1] >= 0.3) kinds = [best[0]];
    }
    if (urgency !== 'normal' && !matches.some((x) => (x.reads ?? x.level) === urgency) && kinds.length > 0) {
      // The level came from the learned reader or the conversation: say so in the signals.
      for (const kind of kinds) if (!signals.includes(SIGNAL_OF_KIND[kind])) signals.push(SIGNAL_OF_KIND[kind]);
    }
    if (fromContext) signals.push('context_escalation');
    if (urgency !== 'normal' && signals.length === 0) signals.push('learned_reader');
    if (urgency === 'normal') signals.length = 0;

    const result: TriageReading = {
      urgency,
      signals,
      score: scoreOf(urgency, matches, p, kinds, check),
      check,
      kinds: urgency === 'normal' ? [] : kinds,
      language: detectLanguage(text),
      frame: (decidedBy as RuleMatch | null)?.frame ?? (matches[0]?.frame ?? null),
      model: p,
      roles,
    };
    return { result, matches };
  };

  const triage = (text: string, context?: readonly string[]): TriageReading => read(text, context).result;
  const explain = (text: string, context?: readonly string[]): RuleMatch[] => {
    const { result, matches } = read(text, context);
    const sorted = [...matches].sort((a, b) => LEVEL_ORDER[b.reads ?? b.level] - LEVEL_ORDER[a.reads ?? a.level] || LEVEL_ORDER[b.level] - LEVEL_ORDER[a.level]);
    if (config.model && result.model !== null) {
      const grams = strongestFeatures(config.model, text)
        .map((g) => `${g.gram} (${g.weight})`)
        .join(', ');
      sorted.push({
        ruleId: 'learned_reader',
        level: result.model.emergency >= result.model.high ? 'emergency' : 'high',
        pattern: `model ${config.model.version}: emergency ${result.model.emergency.toFixed(2)}, high ${result.model.high.toFixed(2)}, normal ${result.model.normal.toFixed(2)}`,
        matched: grams,
        layer: 'model',
      });
    }
    if (result.signals.includes('context_escalation')) {
      sorted.push({ ruleId: 'context_escalation', level: 'emergency', pattern: 'an earlier message read as an emergency', matched: '', layer: 'context' });
    }
    return sorted;
  };
  return Object.assign(triage, { explain, ruleSet: config });
}

function orderKinds(kinds: DangerKind[]): DangerKind[] {
  return [...new Set(kinds)].sort((a, b) => KIND_ORDER.indexOf(a) - KIND_ORDER.indexOf(b));
}

/** 0–100: emergencies 70–100, high 35–69, normal 0–34; within a level, more acute is higher. */
function scoreOf(urgency: Urgency, matches: RuleMatch[], p: ModelReading['level'] | null, kinds: DangerKind[], check: boolean): number {
  const pe = p?.emergency ?? 0;
  const ph = p?.high ?? 0;
  if (urgency === 'emergency') {
    const now = matches.filter((m) => (m.reads ?? m.level) === 'emergency');
    let score = 72 + 10 * pe + Math.min(now.length, 3) * 3;
    if (now.some((m) => m.layer === 'rules')) score += 4;
    if (kinds.includes('medical') || kinds.includes('harm_to_others') || kinds.includes('violence')) score += 5;
    return Math.min(100, Math.round(score));
  }
  if (urgency === 'high') {
    let score = 38 + 18 * pe + 6 * ph + Math.min(matches.length, 3) * 1.5;
    if (check) score += 4;
    return Math.min(69, Math.round(score));
  }
  return Math.min(34, Math.round(30 * (pe + ph * 0.5)));
}

/**
 * Name violence by who does it to whom: a parent hit by a son is household violence toward a
 * parent (elder abuse when the parent is old), a partner's violence is DV, only a child hurt by
 * an adult is child abuse.
 */
function renameByRoles(matches: RuleMatch[], roles: RoleReading, text: string): void {
  const by = roles.perpetrator;
  if (by === null) return;
  const rename = (from: string, to: string) => {
    for (const match of matches) if (match.ruleId === from) match.ruleId = to;
  };
  if (by === 'child' || by === 'sibling') {
    const target = roles.elderlyVictim ? 'abuse_elder' : 'household_violence';
    // A child or sibling is the one hitting: unless a child is named as the victim too.
    if (roles.victim !== 'child') rename('abuse_child', target);
    rename('domestic_violence', target);
  } else if (by === 'partner') {
    if (roles.victim !== 'child') rename('abuse_child', 'domestic_violence');
  } else if (by === 'parent' && (roles.victim === 'self' || roles.victim === 'child') && !roles.elderlyVictim) {
    rename('domestic_violence', 'abuse_child');
  }
  // The same signal may now stand twice: keep the first of each.
  const seen = new Set<string>();
  for (let i = 0; i < matches.length; i += 1) {
    const id = (matches[i] as RuleMatch).ruleId;
    if (seen.has(id)) {
      matches.splice(i, 1);
      i -= 1;
    } else seen.add(id);
  }
  void text;
}

let cachedRuleSet: TriageConfig | null = null;
let cachedTriage: Triage | null = null;

export function loadReading(dir: URL | string = DEFAULT_TRIAGE_DATA_DIR): ReadingSettings {
  const base = typeof dir === 'string' ? dir.replace(/\/?$/, '/') : fileURLToPath(dir);
  return readingFileSchema.parse(parseYaml(readFileSync(`${base}reading.yaml`, 'utf8')));
}

/** Everything under data/triage/: rules, stem net, frames, roles, the learned reader, settings. */
export function defaultRuleSet(): TriageConfig {
  if (cachedRuleSet === null) {
    const rules = loadTriageRules();
    cachedRuleSet = {
      ...rules,
      net: loadTriageNet(rules.normalise),
      frames: loadFrames(DEFAULT_TRIAGE_DATA_DIR),
      roles: loadRoles(DEFAULT_TRIAGE_DATA_DIR),
      model: loadModel(DEFAULT_TRIAGE_DATA_DIR),
      reading: loadReading(),
    };
  }
  return cachedRuleSet;
}

/**
 * Triage one inbound user text with everything under data/triage/. `context`: the person's
 * recent earlier messages in this conversation, oldest first.
 */
export function triageText(text: string, context?: readonly string[]): TriageReading {
  cachedTriage ??= createTriage();
  return cachedTriage(text, context);
}

/** The first match of `rule` in the text that no `unless` exclusion covers, or null. */
export function matchRule(rule: CompiledRule, text: NormalisedText): RuleMatch | null {
  const exclusions: Partial<Record<keyof NormalisedText, Exclusions>> = {};
  const uncovered = (pattern: CompiledPattern): string | null => {
    const view = text[pattern.view];
    const regex = pattern.regex;
    regex.lastIndex = 0;
    for (let m = regex.exec(view); m !== null; m = regex.exec(view)) {
      const start = m.index;
      const end = start + m[0].length;
      exclusions[pattern.view] ??= findExclusions(rule.unless, pattern.view, view);
      if (!exclusions[pattern.view]?.covers(start, end)) return m[0];
      // Covered: look again from the next character, where another spelling may start.
      regex.lastIndex = start + 1;
    }
    return null;
  };
  for (const pattern of rule.patterns) {
    const found: string[] = [];
    for (const part of pattern.parts) {
      let hit: string | null = null;
      for (const matcher of part) {
        hit = uncovered(matcher);
        if (hit !== null) break;
      }
      if (hit === null) break;
      found.push(hit);
    }
    const ruledOut = () => pattern.absent.some((part) => part.some((matcher) => uncovered(matcher) !== null));
    if (found.length === pattern.parts.length && !ruledOut()) {
      return { ruleId: rule.id, level: rule.level, pattern: pattern.source, matched: found.join(' & ') };
    }
  }
  return null;
}

interface Exclusions {
  covers(start: number, end: number): boolean;
}

function findExclusions(unless: CompiledPattern[], viewName: keyof NormalisedText, view: string): Exclusions {
  const spans: Array<[number, number]> = [];
  for (const pattern of unless) {
    if (pattern.view !== viewName) continue;
    const regex = pattern.regex;
    regex.lastIndex = 0;
    for (let m = regex.exec(view); m !== null; m = regex.exec(view)) {
      spans.push([m.index, m.index + m[0].length]);
      regex.lastIndex = m.index + 1;
    }
  }
  spans.sort((a, b) => a[0] - b[0]);
  // maxEnd[i]: the farthest end among spans[0..i]; a match is covered when some span starting at
  // or before it reaches past its end.
  const maxEnd: number[] = [];
  for (const [i, span] of spans.entries()) maxEnd.push(Math.max(span[1], maxEnd[i - 1] ?? 0));
  return {
    covers(start, end) {
      let lo = 0;
      let hi = spans.length - 1;
      let last = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if ((spans[mid] as [number, number])[0] <= start) {
          last = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return last >= 0 && (maxEnd[last] as number) >= end;
    },
  };
}
