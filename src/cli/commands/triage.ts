// `yorisoi triage --jsonl`: a stable, scriptable contract for batch triage (evaluation sets,
// back-testing rule changes on exported messages).
//
//   in  (stdin)  one JSON object per line: {"id": string, "text": string, "context"?: string[]}
//                (context: the person's earlier messages, oldest first)
//   out (stdout) one line per non-blank input line, in input order:
//                {"id": string, "urgency": "emergency" | "high" | "normal", "score": 0-100,
//                 "check": boolean, "signals": string[]}
//
// Blank lines are skipped. A line that is not valid JSON or does not have a string `id` and a
// string `text` still gets exactly one output line, so outputs stay aligned with inputs:
//                {"id": <the id if it was a string, else null>, "error": "<what was wrong>"}
// and a message naming the line number goes to stderr. Processing continues.
//
// Exit code: 0 when every line was valid, 1 when at least one line was rejected.

import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { z } from 'zod';

import type { TriageResult } from '../../conversation/types.js';
import { triageText } from '../../triage/index.js';

export const EXIT_OK = 0;
export const EXIT_INVALID_LINES = 1;

const inputLineSchema = z.object({ id: z.string(), text: z.string(), context: z.array(z.string()).max(50).nullish() });

export interface TriageJsonlOptions {
  /** Where per-line problems are reported; defaults to process.stderr. */
  errors?: NodeJS.WritableStream;
  /** The triage function; defaults to the rules in data/triage/. */
  triage?: (text: string, context?: readonly string[]) => TriageResult;
}

export async function runTriageJsonl(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  options: TriageJsonlOptions = {},
): Promise<number> {
  const errors = options.errors ?? process.stderr;
  const triage = options.triage ?? triageText;
  const lines = createInterface({ input, crlfDelay: Infinity });

  let lineNumber = 0;
  let rejected = 0;
  let lastWriteFlushed: Promise<void> = Promise.resolve();
  let writeError: Error | null = null;
  for await (const raw of lines) {
    lineNumber += 1;
    const line = lineNumber === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line.trim() === '') continue;

    const parsed = parseLine(line);
    let out: string;
    if (parsed.ok) {
      const { urgency, score, check, signals } = triage(parsed.value.text, parsed.value.context ?? undefined);
      out = JSON.stringify({ id: parsed.value.id, urgency, score, check, signals });
    } else {
      rejected += 1;
      errors.write(`triage: line ${lineNumber}: ${parsed.error}\n`);
      out = JSON.stringify({ id: parsed.id, error: parsed.error });
    }
    // Respect back-pressure so that 10k+ lines never pile up in memory.
    let accepted = true;
    lastWriteFlushed = new Promise((resolve) => {
      accepted = output.write(`${out}\n`, (error?: Error | null) => {
        if (error) writeError ??= error;
        resolve();
      });
    });
    if (!accepted) await once(output, 'drain');
  }
  // Resolve only when everything has reached the output: the caller may exit right after.
  await lastWriteFlushed;
  if (writeError !== null) throw writeError;
  return rejected === 0 ? EXIT_OK : EXIT_INVALID_LINES;
}

type ParsedLine =
  | { ok: true; value: z.infer<typeof inputLineSchema> }
  | { ok: false; id: string | null; error: string };

function parseLine(line: string): ParsedLine {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { ok: false, id: null, error: 'not valid JSON' };
  }
  const result = inputLineSchema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const id =
    typeof json === 'object' && json !== null && 'id' in json && typeof json.id === 'string' ? json.id : null;
  const error = result.error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
  return { ok: false, id, error: `expected {"id": string, "text": string, "context"?: string[]}: ${error}` };
}

// `yorisoi triage train`: retrain the learned reader on data/triage/corpus/ and write
// data/triage/model.json. `yorisoi triage eval FILE.jsonl`: recall, false alarms and the
// confusion matrix per label (and per language) of the shipped triage on a labelled set.

export async function runTriageTrain(output: NodeJS.WritableStream, options: { corpus?: string; out?: string } = {}): Promise<number> {
  const { writeFileSync } = await import('node:fs');
  const { readCorpus, trainModel } = await import('../../triage/train.js');
  const { DEFAULT_TRIAGE_DATA_DIR } = await import('../../triage/rules.js');
  const { MODEL_FILE } = await import('../../triage/model.js');
  const rows = readCorpus(options.corpus);
  const started = performance.now();
  const file = trainModel(rows);
  const target = options.out ?? new URL(MODEL_FILE, DEFAULT_TRIAGE_DATA_DIR);
  writeFileSync(target, `${JSON.stringify(file)}\n`);
  output.write(
    `trained model ${file.version} on ${rows.length} messages (${Object.entries(file.corpus.byLabel).map(([k, v]) => `${k} ${v}`).join(', ')}) in ${Math.round(performance.now() - started)} ms → ${String(target)}\n`,
  );
  return EXIT_OK;
}

export async function runTriageEval(files: string[], output: NodeJS.WritableStream, options: { misses?: boolean } = {}): Promise<number> {
  const { evaluate, formatEvaluation, readLabelledJsonl } = await import('../../triage/evaluate.js');
  for (const file of files) {
    const evaluation = evaluate(readLabelledJsonl(file), (text, context) => triageText(text, context));
    output.write(`${formatEvaluation(file, evaluation, { misses: options.misses ?? false })}\n`);
  }
  return EXIT_OK;
}
