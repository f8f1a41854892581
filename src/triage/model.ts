// The learned reader: a linear model over hashed character n-grams (and words, for languages
// written with spaces), trained on the labelled corpus under data/triage/corpus/ by
// `yorisoi triage train` and shipped as a versioned weight file (data/triage/model.json).
//
// Why this shape: danger is said in words the rule files have never seen (other languages,
// slang, typos, emoji); character n-grams carry across spelling variants and need no word
// segmentation for Japanese or Chinese, and a linear model is cheap to run (a few hundred hash
// look-ups per message), easy to retrain, and its per-feature weights can be shown to staff.
//
// Two heads share the features: `level` (softmax over emergency / high / normal) and `kind`
// (one sigmoid per DangerKind, trained on the rows that carry a kind). Pure: the caller loads
// the file once.

import { readFileSync } from 'node:fs';
import { z } from 'zod';

import type { DangerKind, Urgency } from '../conversation/types.js';

export const MODEL_FILE = 'model.json';
export const LEVEL_CLASSES: readonly Urgency[] = ['emergency', 'high', 'normal'];
export const KIND_CLASSES: readonly DangerKind[] = ['suicide', 'self_harm', 'medical', 'violence', 'child_abuse', 'dv', 'elder_abuse', 'harm_to_others'];

/** Feature space: 2^18 hashed buckets. Collisions are rare at the corpus sizes used here. */
export const FEATURE_BITS = 18;
const FEATURE_MASK = (1 << FEATURE_BITS) - 1;
const MAX_TEXT_CHARS = 2000;

// ---------------------------------------------------------------------------------------------
// Text to features

const COMBINING_DIACRITICS = /[\u0300-\u036f]/g;
const SPACE_RUN = /[\s\u3000]+/g;
const REPEATS = /(.)\1{2,}/gu;
const VARIATION = /[\uFE0E\uFE0F\u200D]/g;

/**
 * One spelling for the model: NFKC, lower case, katakana as hiragana, accents dropped from Latin
 * letters (people type Vietnamese and Portuguese without them), runs of one character cut to two.
 * Devanagari and Hangul keep their marks (NFD is recomposed).
 */
export function modelText(text: string): string {
  let t = text.slice(0, MAX_TEXT_CHARS).normalize('NFKC').toLowerCase().replace(VARIATION, '');
  t = t.normalize('NFD').replace(COMBINING_DIACRITICS, '').normalize('NFC').replace(/đ/g, 'd');
  let folded = '';
  for (const ch of t) {
    const code = ch.codePointAt(0) as number;
    folded += code >= 0x30a1 && code <= 0x30f6 ? String.fromCodePoint(code - 0x60) : ch;
  }
  return folded.replace(REPEATS, '$1$1').replace(SPACE_RUN, ' ').trim();
}

/** FNV-1a over UTF-16 units, namespaced by a prefix character. */
function hash(prefix: string, s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < prefix.length; i += 1) h = Math.imul(h ^ prefix.charCodeAt(i), 0x01000193);
  for (let i = 0; i < s.length; i += 1) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0) & FEATURE_MASK;
}

export interface Features {
  /** Bucket ids, unique. */
  ids: Int32Array;
  /** Values, L2-normalised. */
  values: Float32Array;
}

const WORD = /[\p{L}\p{N}\p{M}']+/gu;

/** Features of a text: character 1–4-grams, words and word pairs; `context` adds a weaker set. */
export function featuresOf(text: string, context: readonly string[] = []): Features {
  const acc = new Map<number, number>();
  const add = (id: number, v: number) => acc.set(id, (acc.get(id) ?? 0) + v);
  const addText = (raw: string, prefix: string, weight: number, maxN: number) => {
    const t = ` ${modelText(raw)} `;
    const chars = [...t];
    for (let n = 1; n <= maxN; n += 1) {
      for (let i = 0; i + n <= chars.length; i += 1) {
        const gram = chars.slice(i, i + n).join('');
        if (n === 1 && gram === ' ') continue;
        add(hash(`${prefix}${n}`, gram), weight);
      }
    }
    const words = t.match(WORD) ?? [];
    for (let i = 0; i < words.length; i += 1) {
      add(hash(`${prefix}w`, words[i] as string), weight);
      if (i + 1 < words.length) add(hash(`${prefix}b`, `${words[i]} ${words[i + 1]}`), weight);
    }
  };
  addText(text, 't', 1, 4);
  // Only the latest earlier messages, and only short n-grams: context shifts a reading, the
  // message itself decides it.
  const recent = context.slice(-3).join(' \n ');
  if (recent !== '') addText(recent, 'c', 0.5, 3);
  add(hash('bias', context.length > 0 ? 'ctx' : 'noctx'), 1);
  const ids = Int32Array.from(acc.keys());
  const values = Float32Array.from(acc.values(), (v) => Math.sqrt(v));
  let norm = 0;
  for (const v of values) norm += v * v;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < values.length; i += 1) (values[i] as number) /= norm;
  return { ids, values };
}

// ---------------------------------------------------------------------------------------------
// The weight file

const modelFileSchema = z
  .object({
    format: z.literal('yorisoi-triage-linear'),
    version: z.string().min(1),
    trainedAt: z.string(),
    featureBits: z.literal(FEATURE_BITS),
    levels: z.array(z.enum(['emergency', 'high', 'normal'])).length(3),
    kinds: z.array(z.string()).min(1),
    corpus: z.object({ rows: z.number().int(), byLabel: z.record(z.string(), z.number()), sha256: z.string() }),
    /** Scale that turns the stored integers back into weights. */
    scale: z.number().positive(),
    bias: z.array(z.number()),
    /** base64 of little-endian Uint32 bucket ids, ascending. */
    index: z.string(),
    /** base64 of little-endian Int16 weights, (levels + kinds) per bucket. */
    weights: z.string(),
  })
  .strict();
export type ModelFile = z.infer<typeof modelFileSchema>;

export interface TriageModel {
  version: string;
  kinds: readonly DangerKind[];
  /** Dense weights: bucket * outputs + output. */
  weights: Float32Array;
  bias: Float32Array;
  outputs: number;
}

export interface ModelReading {
  /** Probabilities of emergency, high, normal (sum to 1). */
  level: Record<Urgency, number>;
  /** Probability of each kind of danger, independent of one another. */
  kinds: Partial<Record<DangerKind, number>>;
}

export function parseModelFile(json: unknown): TriageModel {
  const file = modelFileSchema.parse(json);
  const outputs = file.levels.length + file.kinds.length;
  if (file.bias.length !== outputs) throw new Error(`model: bias has ${file.bias.length} values, expected ${outputs}`);
  const index = new Uint32Array(bufferOf(file.index, 4));
  const stored = new Int16Array(bufferOf(file.weights, 2));
  if (stored.length !== index.length * outputs) throw new Error('model: weights and index do not agree');
  const weights = new Float32Array((1 << FEATURE_BITS) * outputs);
  for (let i = 0; i < index.length; i += 1) {
    const bucket = index[i] as number;
    if (bucket > FEATURE_MASK) throw new Error('model: bucket out of range');
    for (let o = 0; o < outputs; o += 1) weights[bucket * outputs + o] = (stored[i * outputs + o] as number) * file.scale;
  }
  return { version: file.version, kinds: file.kinds as DangerKind[], weights, bias: Float32Array.from(file.bias), outputs };
}

function bufferOf(base64: string, unit: number): ArrayBuffer {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length % unit !== 0) throw new Error('model: truncated array');
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  return copy;
}

export function loadModel(dir: URL | string): TriageModel | null {
  const url = new URL(MODEL_FILE, typeof dir === 'string' ? `file://${dir.replace(/\/?$/, '/')}` : dir);
  let text: string;
  try {
    text = readFileSync(url, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return parseModelFile(JSON.parse(text));
}

/** Raw scores (logits) of every output for some features. */
export function logits(model: Pick<TriageModel, 'weights' | 'bias' | 'outputs'>, f: Features): Float32Array {
  const out = Float32Array.from(model.bias);
  const { weights, outputs } = model;
  for (let i = 0; i < f.ids.length; i += 1) {
    const base = (f.ids[i] as number) * outputs;
    const v = f.values[i] as number;
    for (let o = 0; o < outputs; o += 1) (out[o] as number) += (weights[base + o] as number) * v;
  }
  return out;
}

export function softmax3(z: ArrayLike<number>): [number, number, number] {
  const m = Math.max(z[0] as number, z[1] as number, z[2] as number);
  const e = [Math.exp((z[0] as number) - m), Math.exp((z[1] as number) - m), Math.exp((z[2] as number) - m)];
  const s = e[0]! + e[1]! + e[2]!;
  return [e[0]! / s, e[1]! / s, e[2]! / s];
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export function readWithModel(model: TriageModel, text: string, context: readonly string[] = []): ModelReading {
  const z = logits(model, featuresOf(text, context));
  const [e, h, n] = softmax3(z);
  const kinds: Partial<Record<DangerKind, number>> = {};
  model.kinds.forEach((kind, i) => {
    kinds[kind] = sigmoid(z[3 + i] as number);
  });
  return { level: { emergency: e, high: h, normal: n }, kinds };
}

/** The n-grams of a text that push hardest towards emergency, for `explain`. */
export function strongestFeatures(model: TriageModel, text: string, limit = 5): Array<{ gram: string; weight: number }> {
  const t = ` ${modelText(text)} `;
  const chars = [...t];
  const seen = new Map<string, number>();
  for (let n = 2; n <= 4; n += 1) {
    for (let i = 0; i + n <= chars.length; i += 1) {
      const gram = chars.slice(i, i + n).join('');
      if (seen.has(gram)) continue;
      const base = hash(`t${n}`, gram) * model.outputs;
      seen.set(gram, (model.weights[base] as number) - (model.weights[base + 2] as number));
    }
  }
  return [...seen]
    .filter(([, w]) => w > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([gram, weight]) => ({ gram: gram.trim(), weight: Math.round(weight * 100) / 100 }));
}
