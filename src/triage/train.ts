// Trains the learned reader (model.ts) on the labelled corpus under data/triage/corpus/ and
// writes data/triage/model.json. Deterministic: the same corpus gives the same weights, so a
// retrained file differs only where the corpus changed.
//
// Corpus files (supervisors add lines; no code):
//   *.txt   one message a line: `E|H|N kind text [<< earlier message || later earlier message]`
//           E emergency, H high, N normal; kind: a DangerKind or "-"; after "<<" the person's
//           earlier messages, oldest first, joined by " || ". "#" starts a comment line.
//   *.jsonl {text, label, kind?, context?} per line (the same fields as the evaluation sets).
//
// Training: softmax regression for the level and one logistic regression per kind, by
// AdaGrad with L2, classes weighted so that each level counts the same in total and an
// emergency read as normal costs most (a miss can cost a life; a false alarm costs a minute).

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type { DangerKind, Urgency } from '../conversation/types.js';
import { parseLabelledJsonl } from './evaluate.js';
import { FEATURE_BITS, KIND_CLASSES, LEVEL_CLASSES, featuresOf, softmax3, sigmoid, type Features, type ModelFile } from './model.js';

export interface CorpusRow {
  text: string;
  label: Urgency;
  kind: DangerKind | null;
  context: string[];
  source: string;
}

const LABEL_CODES: Record<string, Urgency> = { E: 'emergency', H: 'high', N: 'normal' };

const CORPUS_LINE = /^([EHN])\s+([a-z_]+|-)\s+(.+?)(?:\s+<<\s+(.+))?$/u;

/** Lines `E|H|N kind text [<< earlier || messages]` (see the top of this file). */
export function parseCorpusLines(text: string, source: string): CorpusRow[] {
  const rows: CorpusRow[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) return;
    const m = CORPUS_LINE.exec(line);
    const label = m ? LABEL_CODES[m[1] as string] : undefined;
    if (!m || label === undefined) throw new Error(`${source} line ${index + 1}: expected "E|H|N kind text [<< earlier || messages]"`);
    const kind = m[2] as string;
    if (kind !== '-' && !KIND_CLASSES.includes(kind as DangerKind)) throw new Error(`${source} line ${index + 1}: unknown kind "${kind}"`);
    rows.push({
      text: (m[3] as string).trim(),
      label,
      kind: kind === '-' ? null : (kind as DangerKind),
      context: m[4] === undefined ? [] : m[4].split(' || ').map((c) => c.trim()).filter((c) => c !== ''),
      source,
    });
  });
  return rows;
}

export const DEFAULT_CORPUS_DIR = new URL('../../data/triage/corpus/', import.meta.url);

export function readCorpus(dir: URL | string = DEFAULT_CORPUS_DIR): CorpusRow[] {
  const base = typeof dir === 'string' ? dir.replace(/\/?$/, '/') : fileURLToPath(dir);
  const rows: CorpusRow[] = [];
  for (const name of readdirSync(base).sort()) {
    const text = readFileSync(`${base}${name}`, 'utf8');
    if (name.endsWith('.txt')) rows.push(...parseCorpusLines(text, name));
    else if (name.endsWith('.jsonl')) {
      for (const row of parseLabelledJsonl(text, name)) {
        const kind = row.kind != null && KIND_CLASSES.includes(row.kind as DangerKind) ? (row.kind as DangerKind) : null;
        rows.push({ text: row.text, label: row.label, kind, context: row.context ?? [], source: name });
      }
    }
  }
  return rows;
}

/** What the weight file was trained on: a model whose digest differs from the corpus is stale. */
export function corpusDigest(rows: readonly CorpusRow[]): string {
  const digest = createHash('sha256');
  for (const r of rows) digest.update(`${r.label}\t${r.kind ?? '-'}\t${r.text}\t${r.context.join(' || ')}\n`);
  return digest.digest('hex');
}

/** A small deterministic PRNG (mulberry32) for shuffling. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TrainOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
  version?: string;
  now?: Date;
}

/** Extra cost of reading a row of `label` as each level (rows: true label; columns: e, h, n). */
const MISREAD_COST: Record<Urgency, [number, number, number]> = {
  emergency: [1, 1.6, 2.5],
  high: [1.3, 1, 1.3],
  normal: [1.6, 1.1, 1],
};

/**
 * A follow-up that is an emergency only because of what came before ("still awake, I feel sick"
 * after "I took all my pills") is, alone, a worry but not an emergency: each such row also
 * teaches its text without the context as high, so that the context features carry the
 * difference (unless the corpus has the text alone with a label of its own).
 */
export function withContextContrast(rows: readonly CorpusRow[]): CorpusRow[] {
  const alone = new Set(rows.filter((r) => r.context.length === 0).map((r) => r.text));
  const extra = rows
    .filter((r) => r.context.length > 0 && r.label === 'emergency' && !alone.has(r.text))
    .map((r) => ({ ...r, context: [], label: 'high' as const, source: `${r.source} (without context)` }));
  return [...rows, ...extra];
}

export function trainModel(corpus: readonly CorpusRow[], options: TrainOptions = {}): ModelFile {
  const rows = withContextContrast(corpus);
  const epochs = options.epochs ?? 14;
  const lr = options.learningRate ?? 0.4;
  // Not near zero: with a few thousand rows, an n-gram seen in one emergency (「ぶりに連」, 🙇)
  // otherwise keeps a full weight and ordinary messages that share it read as danger.
  const l2 = options.l2 ?? 1e-4;
  const levels = LEVEL_CLASSES;
  const kinds = KIND_CLASSES;
  const outputs = levels.length + kinds.length;
  const size = 1 << FEATURE_BITS;
  const w = new Float32Array(size * outputs);
  const g2 = new Float32Array(size * outputs);
  const bias = new Float64Array(outputs);
  const biasG2 = new Float64Array(outputs);

  const feats: Features[] = rows.map((r) => featuresOf(r.text, r.context));
  const count = { emergency: 0, high: 0, normal: 0 } as Record<Urgency, number>;
  for (const r of rows) count[r.label] += 1;
  const classWeight = Object.fromEntries(levels.map((l) => [l, count[l] === 0 ? 0 : rows.length / (3 * count[l])])) as Record<Urgency, number>;
  const kindRows = rows.filter((r) => r.kind !== null).length;
  const kindPositives = Object.fromEntries(kinds.map((k) => [k, rows.filter((r) => r.kind === k).length])) as Record<DangerKind, number>;

  const random = prng(14);
  const order = rows.map((_, i) => i);
  const touched = new Uint8Array(size);
  for (let epoch = 0; epoch < epochs; epoch += 1) {
    for (let i = order.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const index of order) {
      const row = rows[index] as CorpusRow;
      const f = feats[index] as Features;
      const z = new Float64Array(outputs);
      for (let o = 0; o < outputs; o += 1) z[o] = bias[o] as number;
      for (let i = 0; i < f.ids.length; i += 1) {
        const base = (f.ids[i] as number) * outputs;
        for (let o = 0; o < outputs; o += 1) (z[o] as number) += (w[base + o] as number) * (f.values[i] as number);
      }
      const grad = new Float64Array(outputs);
      const p = softmax3(z);
      const truth = levels.indexOf(row.label);
      // Cost-weighted cross-entropy: the weight grows with the probability put on costly misreadings.
      const cost = MISREAD_COST[row.label];
      const expected = p[0] * cost[0] + p[1] * cost[1] + p[2] * cost[2];
      const rowWeight = (classWeight[row.label] as number) * expected;
      for (let c = 0; c < 3; c += 1) grad[c] = rowWeight * ((p[c] as number) - (c === truth ? 1 : 0));
      // Kind heads learn only from rows that say a kind or are normal (a "high" without a kind says nothing).
      if (row.kind !== null || row.label === 'normal') {
        kinds.forEach((kind, k) => {
          const y = row.kind === kind ? 1 : 0;
          const pos = kindPositives[kind] || 1;
          const weight = y === 1 ? Math.min(8, kindRows / (2 * pos)) : 0.5;
          grad[3 + k] = weight * (sigmoid(z[3 + k] as number) - y);
        });
      }
      for (let o = 0; o < outputs; o += 1) {
        const g = grad[o] as number;
        if (g === 0) continue;
        biasG2[o] = (biasG2[o] as number) + g * g;
        bias[o] = (bias[o] as number) - (lr * g) / Math.sqrt((biasG2[o] as number) + 1e-8);
      }
      for (let i = 0; i < f.ids.length; i += 1) {
        const id = f.ids[i] as number;
        touched[id] = 1;
        const base = id * outputs;
        const v = f.values[i] as number;
        for (let o = 0; o < outputs; o += 1) {
          const g = (grad[o] as number) * v + l2 * (w[base + o] as number);
          if (g === 0) continue;
          g2[base + o] = (g2[base + o] as number) + g * g;
          w[base + o] = (w[base + o] as number) - (lr * g) / Math.sqrt((g2[base + o] as number) + 1e-8);
        }
      }
    }
  }

  // Store the touched buckets only, as 16-bit integers.
  const ids: number[] = [];
  let maxAbs = 0;
  for (let b = 0; b < size; b += 1) {
    if (touched[b] !== 1) continue;
    let any = false;
    for (let o = 0; o < outputs; o += 1) {
      const v = Math.abs(w[b * outputs + o] as number);
      if (v > 1e-4) any = true;
      if (v > maxAbs) maxAbs = v;
    }
    if (any) ids.push(b);
  }
  const scale = (maxAbs || 1) / 32767;
  const index = new Uint32Array(ids);
  const stored = new Int16Array(ids.length * outputs);
  ids.forEach((b, i) => {
    for (let o = 0; o < outputs; o += 1) stored[i * outputs + o] = Math.round((w[b * outputs + o] as number) / scale);
  });
  const sha256 = corpusDigest(corpus);
  const now = options.now ?? new Date();
  return {
    format: 'yorisoi-triage-linear',
    version: options.version ?? `${now.toISOString().slice(0, 10)}.${sha256.slice(0, 8)}`,
    trainedAt: now.toISOString(),
    featureBits: FEATURE_BITS,
    levels: [...levels],
    kinds: [...kinds],
    corpus: { rows: corpus.length, byLabel: { ...count }, sha256 },
    scale,
    bias: [...bias].map((b) => Math.round(b * 1e6) / 1e6),
    index: Buffer.from(index.buffer).toString('base64'),
    weights: Buffer.from(stored.buffer).toString('base64'),
  };
}
