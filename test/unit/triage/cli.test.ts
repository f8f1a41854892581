import { PassThrough, Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { EXIT_INVALID_LINES, EXIT_OK, runTriageEval, runTriageJsonl } from '../../../src/cli/commands/triage.js';

/** Collects everything written to it as text. */
function sink(options: { highWaterMark?: number } = {}): Writable & { text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    highWaterMark: options.highWaterMark ?? 16_384,
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      // A slow consumer, so that back-pressure is exercised.
      setImmediate(callback);
    },
  });
  return Object.assign(stream, { text: () => chunks.join('') });
}

async function run(input: string, options: { highWaterMark?: number } = {}) {
  const out = sink(options);
  const err = sink();
  const code = await runTriageJsonl(Readable.from([input]), out, { errors: err });
  const lines = out
    .text()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, lines, stderr: err.text() };
}

describe('yorisoi triage --jsonl', () => {
  it('answers every line in order with the contract shape', async () => {
    const input = [
      { id: 'a', text: '息子が部屋から出てこない' },
      { id: 'b', text: 'ｼﾆﾀｲ' },
      { id: 'c', text: '電気が止まりそう' },
    ]
      .map((row) => JSON.stringify(row))
      .join('\n');
    const { code, lines, stderr } = await run(`${input}\n`);
    expect(code).toBe(EXIT_OK);
    expect(stderr).toBe('');
    expect(lines).toMatchObject([
      { id: 'a', urgency: 'normal', signals: [] },
      { id: 'b', urgency: 'emergency', signals: ['suicidal_ideation'] },
      { id: 'c', urgency: 'high', signals: ['money_utilities'] },
    ]);
    for (const line of lines) expect(Object.keys(line).sort()).toEqual(['check', 'id', 'score', 'signals', 'urgency']);
  });

  it('skips blank lines, accepts CRLF and a byte-order mark', async () => {
    const { code, lines } = await run('\uFEFF{"id":"1","text":"kms"}\r\n\r\n   \n{"id":"2","text":"こんにちは"}\r\n');
    expect(code).toBe(EXIT_OK);
    expect(lines).toMatchObject([
      { id: '1', urgency: 'emergency', signals: ['suicidal_ideation'] },
      { id: '2', urgency: 'normal', signals: [] },
    ]);
  });

  it('reports invalid lines by number on stderr, keeps going and keeps outputs aligned', async () => {
    const input = [
      '{"id":"ok1","text":"相談したいです"}',
      'not json',
      '',
      '{"id":"no-text"}',
      '{"id":7,"text":"x"}',
      '["id","text"]',
      '{"id":"ok2","text":"死にたい"}',
    ].join('\n');
    const { code, lines, stderr } = await run(input);
    expect(code).toBe(EXIT_INVALID_LINES);
    expect(lines.map((l) => l.id)).toEqual(['ok1', null, 'no-text', null, null, 'ok2']);
    expect(lines[1]).toEqual({ id: null, error: 'not valid JSON' });
    expect(lines[2]?.error).toMatch(/text/);
    expect(lines[5]).toMatchObject({ id: 'ok2', urgency: 'emergency', signals: ['suicidal_ideation'] });
    expect(stderr).toMatch(/line 2: not valid JSON/);
    expect(stderr).toMatch(/line 4: .*text/);
    expect(stderr).toMatch(/line 5: .*id/);
    expect(stderr).toMatch(/line 6:/);
    expect(stderr).not.toMatch(/line (1|3|7):/);
  });

  it('streams 4,000 lines with back-pressure and preserves order', { timeout: 120_000 }, async () => {
    const input = new PassThrough();
    const out = sink({ highWaterMark: 64 });
    const done = runTriageJsonl(input, out, { errors: sink() });
    for (let i = 0; i < 4_000; i += 1) {
      input.write(`${JSON.stringify({ id: `m${i}`, text: i % 100 === 0 ? 'リスカした' : '家族教室について' })}\n`);
    }
    input.end();
    expect(await done).toBe(EXIT_OK);
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toHaveLength(4_000);
    expect(JSON.parse(lines[3_999] as string)).toMatchObject({ id: 'm3999', urgency: 'normal', signals: [] });
    expect(JSON.parse(lines[200] as string)).toMatchObject({ id: 'm200', urgency: 'emergency', signals: ['self_harm'] });
  });

  it('reads the optional context: the earlier messages, oldest first', async () => {
    const input = [
      { id: 'alone', text: 'まだ起きてる。気持ち悪い' },
      { id: 'after', text: 'まだ起きてる。気持ち悪い', context: ['薬たくさん飲んだ'] },
      { id: 'null', text: 'こんにちは', context: null },
      { id: 'bad', text: 'こんにちは', context: 'not a list' },
    ]
      .map((row) => JSON.stringify(row))
      .join('\n');
    const { code, lines } = await run(input);
    expect(code).toBe(EXIT_INVALID_LINES);
    expect(lines[0]?.urgency).not.toBe('emergency');
    expect(lines[1]).toMatchObject({ id: 'after', urgency: 'emergency', check: false });
    expect(lines[2]).toMatchObject({ id: 'null', urgency: 'normal' });
    expect(lines[3]).toMatchObject({ id: 'bad', error: expect.stringMatching(/context/) });
  });

  it('eval prints recall, false alarms and the confusion matrix per label and per language', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'triage-eval-'));
    const path = join(dir, 'set.jsonl');
    writeFileSync(
      path,
      [
        { id: '1', text: '死にたい', label: 'emergency', lang: 'ja' },
        { id: '2', text: '2年前に自殺未遂をしました', label: 'high', lang: 'ja' },
        { id: '3', text: '面談の予約をしたいです', label: 'normal', lang: 'ja' },
        { id: '4', text: 'i took all my pills', label: 'emergency', lang: 'en' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const out = sink();
    expect(await runTriageEval([path], out, { misses: true })).toBe(EXIT_OK);
    const text = out.text();
    expect(text).toMatch(/label \\ predicted +emergency +high +normal +asked +recall/);
    expect(text).toMatch(/^emergency +2 +0 +0 +0 +1\.000$/m);
    expect(text).toMatch(/emergency recall 1\.000/);
    expect(text).toMatch(/normal→emergency 0\.000/);
    expect(text).toMatch(/high kept high +1\.000/);
    expect(text).toMatch(/^en +1 /m);
  });

  it('returns 0 for empty input', async () => {
    const { code, lines } = await run('');
    expect(code).toBe(EXIT_OK);
    expect(lines).toEqual([]);
  });
});
