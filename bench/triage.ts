// `npx tsx bench/triage.ts` (or `npm run bench -- --only triage`): what triage costs per message.
import { benchTriage, TRIAGE_TARGET_MS } from './lib/triage.js';

const result = benchTriage();
const pass = result.cpuMeanMs < TRIAGE_TARGET_MS && result.withContextCpuMeanMs < TRIAGE_TARGET_MS;
process.stdout.write(
  [
    `triage per message over ${result.messages} labelled messages (data loaded in ${result.loadMs} ms)`,
    `  CPU mean            ${result.cpuMeanMs} ms   (target < ${TRIAGE_TARGET_MS} ms)`,
    `  CPU mean, context   ${result.withContextCpuMeanMs} ms   (3 earlier messages)`,
    `  learned reader only ${result.modelOnlyCpuMeanMs} ms`,
    `  wall p50 / p95 / p99 / max  ${result.wall.p50} / ${result.wall.p95} / ${result.wall.p99} / ${result.wall.max} ms`,
    pass ? 'PASS' : 'MISS',
    '',
  ].join('\n'),
);
