// The learned reader (src/triage/model.ts): the shipped weight file is the one the corpus trains,
// training is deterministic, and the reader holds on a fixed regression set (holdouts 5–10). The
// regression set is not blind any more: after their first measurement, some misread messages of
// 5–8 (and paraphrases of them) went into data/triage/corpus/. It guards against regressions;
// the blind numbers are in data/triage/holdouts/README.md.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { evaluate, formatEvaluation, readLabelledJsonl } from '../../../src/triage/evaluate.js';
import { featuresOf, loadModel, modelText, parseModelFile, readWithModel, type TriageModel } from '../../../src/triage/model.js';
import { DEFAULT_TRIAGE_DATA_DIR } from '../../../src/triage/rules.js';
import { corpusDigest, parseCorpusLines, readCorpus, trainModel } from '../../../src/triage/train.js';

const model = loadModel(DEFAULT_TRIAGE_DATA_DIR) as TriageModel;
const file = JSON.parse(readFileSync(new URL('model.json', DEFAULT_TRIAGE_DATA_DIR), 'utf8')) as { corpus: { sha256: string; rows: number }; version: string };
const FIXTURES = new URL('../../fixtures/', import.meta.url);
const REGRESSION = ['triage-holdout-5.jsonl', 'triage-holdout-6.jsonl', 'triage-holdout-7.jsonl', 'triage-holdout-8.jsonl', 'triage-holdout-9.jsonl', 'triage-holdout-10.jsonl'];

describe('the shipped weight file', () => {
  it('is versioned and was trained on the corpus as it is now (run `yorisoi triage train` after editing it)', () => {
    expect(model).not.toBeNull();
    expect(file.version).toMatch(/^\d{4}-\d\d-\d\d\.[0-9a-f]{8}$/);
    const corpus = readCorpus();
    expect(file.corpus.rows).toBe(corpus.length);
    expect(file.corpus.sha256).toBe(corpusDigest(corpus));
  });

  it('rejects a damaged file instead of reading less', () => {
    const json = JSON.parse(readFileSync(new URL('model.json', DEFAULT_TRIAGE_DATA_DIR), 'utf8')) as Record<string, unknown>;
    expect(() => parseModelFile({ ...json, weights: 'AAA' })).toThrow();
    expect(() => parseModelFile({ ...json, featureBits: 12 })).toThrow();
    expect(() => parseModelFile({ ...json, bias: [0] })).toThrow(/bias/);
  });
});

describe('training', () => {
  const tiny = parseCorpusLines(
    [
      'E suicide 死にたい',
      'E suicide i want to die',
      'E medical 薬を全部飲んだ << もう無理',
      'H - 眠れなくてつらい',
      'H - i cannot sleep',
      'N - 面談の予約をしたいです',
      'N - can i book a visit',
    ].join('\n'),
    'tiny',
  );

  it('reads corpus lines with labels, kinds and context, and names a bad line', () => {
    expect(tiny[2]).toMatchObject({ label: 'emergency', kind: 'medical', text: '薬を全部飲んだ', context: ['もう無理'] });
    expect(() => parseCorpusLines('X - 何か', 'bad')).toThrow(/bad line 1/);
    expect(() => parseCorpusLines('E nope 何か', 'bad')).toThrow(/unknown kind/);
  });

  it('is deterministic and learns its corpus', () => {
    const now = new Date('2026-12-01T00:00:00Z');
    const a = trainModel(tiny, { now, epochs: 20 });
    const b = trainModel(tiny, { now, epochs: 20 });
    expect(a.weights).toBe(b.weights);
    const trained = parseModelFile(a);
    expect(readWithModel(trained, '死にたい').level.emergency).toBeGreaterThan(0.5);
    expect(readWithModel(trained, '面談の予約をしたいです').level.normal).toBeGreaterThan(0.5);
  });
});

describe('features', () => {
  it('read every spelling alike: width, katakana, accents, stretched letters', () => {
    expect(modelText('ｼﾆﾀｲ')).toBe(modelText('しにたい'));
    expect(modelText('Tôi muốn chết')).toBe('toi muon chet');
    expect(modelText('しにたいいいいい')).toBe('しにたいい');
    const f = featuresOf('死にたい', ['もう無理']);
    expect(f.ids.length).toBe(f.values.length);
    const norm = Math.sqrt([...f.values].reduce((s, v) => s + v * v, 0));
    expect(norm).toBeCloseTo(1, 5);
  });
});

describe('the reader on the fixed regression set', () => {
  const rows = REGRESSION.flatMap((name) => readLabelledJsonl(new URL(name, FIXTURES)));
  it('ranks emergencies above ordinary messages on its own', () => {
    const alone = evaluate(rows, (text, context) => {
      const p = readWithModel(model, text, context ?? []).level;
      const urgency = p.emergency >= 0.5 ? 'emergency' : p.high >= p.normal ? 'high' : 'normal';
      return { urgency, score: 0, check: false, signals: [], kinds: [], language: null };
    });
    console.log(formatEvaluation('learned reader alone, holdouts 5-8', alone));
    expect(alone.all.emergencyRecall).toBeGreaterThanOrEqual(0.85);
    expect(alone.all.normalToEmergency).toBeLessThanOrEqual(0.1);
    expect(alone.all.recall.high).toBeGreaterThanOrEqual(0.5);
  });

  it('reads danger in every language of the contract', () => {
    const danger = rows.filter((r) => r.label === 'emergency' && r.lang);
    for (const lang of ['ja', 'en', 'zh', 'zh-Hant', 'ko', 'vi', 'pt', 'es', 'tl', 'ne', 'id']) {
      const own = danger.filter((r) => r.lang === lang);
      const seen = own.filter((r) => readWithModel(model, r.text, r.context ?? []).level.normal < 0.5).length;
      expect(seen / own.length, lang).toBeGreaterThanOrEqual(0.75);
    }
  });
});
