// Per-message cost of triage (src/triage/): every layer (rules, stem net, frames, roles, the
// learned reader) over the labelled messages the repository keeps, alone and with the person's
// earlier messages as context. In-process and single-threaded, like the pipeline's call. CPU time
// is reported beside wall time: on a machine shared with other work, wall time includes waiting
// for a core, CPU time does not.
import { readdirSync } from 'node:fs';
import { readLabelledJsonl } from '../../src/triage/evaluate.js';
import { readWithModel } from '../../src/triage/model.js';
import { createTriage, defaultRuleSet } from '../../src/triage/triage.js';

export const TRIAGE_TARGET_MS = 5;

export interface TriageBench {
  messages: number;
  loadMs: number;
  wall: { mean: number; p50: number; p95: number; p99: number; max: number };
  cpuMeanMs: number;
  withContextCpuMeanMs: number;
  modelOnlyCpuMeanMs: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (x: number) => Math.round(x * 1000) / 1000;

function cpuMs(run: () => void): number {
  const before = process.cpuUsage();
  run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

export function benchTriage(options: { rounds?: number } = {}): TriageBench {
  const rounds = options.rounds ?? 2;
  const fixtures = new URL('../../test/fixtures/', import.meta.url);
  const rows = readdirSync(fixtures)
    .filter((name) => /^triage-.+\.jsonl$/.test(name))
    .sort()
    .flatMap((name) => readLabelledJsonl(new URL(name, fixtures)));
  const loadStarted = performance.now();
  const config = defaultRuleSet();
  const triage = createTriage(config);
  const loadMs = performance.now() - loadStarted;
  // Warm-up: the first calls compile regexes and optimise the hot functions.
  for (const row of rows.slice(0, 300)) triage(row.text);

  const times: number[] = [];
  let cpu = 0;
  for (let round = 0; round < rounds; round += 1) {
    cpu += cpuMs(() => {
      for (const row of rows) {
        const started = performance.now();
        triage(row.text);
        times.push(performance.now() - started);
      }
    });
  }
  times.sort((a, b) => a - b);
  const n = rows.length * rounds;
  const context = ['もう何もかも嫌になった', '眠れない', 'i feel so tired of everything'];
  const withContext = cpuMs(() => {
    for (const row of rows) triage(row.text, row.context ?? context);
  });
  const model = config.model;
  const modelOnly = model ? cpuMs(() => rows.forEach((row) => readWithModel(model, row.text))) : 0;
  return {
    messages: n,
    loadMs: round(loadMs),
    wall: {
      mean: round(times.reduce((a, b) => a + b, 0) / n),
      p50: round(percentile(times, 50)),
      p95: round(percentile(times, 95)),
      p99: round(percentile(times, 99)),
      max: round(times.at(-1) ?? 0),
    },
    cpuMeanMs: round(cpu / n),
    withContextCpuMeanMs: round(withContext / rows.length),
    modelOnlyCpuMeanMs: round(modelOnly / rows.length),
  };
}
