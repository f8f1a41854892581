// bin/yorisoi, the launcher every production start goes through: the memory settings reach node,
// node replaces the launcher (same pid), and an operator's own values win.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const launcher = fileURLToPath(new URL('../../../bin/yorisoi', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'yorisoi-launcher-'));
// Stands in for node: prints its pid, arguments and the malloc settings it was given.
const fakeNode = join(dir, 'node');
writeFileSync(fakeNode, '#!/bin/sh\necho "pid=$$"\nfor a in "$@"; do echo "arg=$a"; done\nenv | grep ^MALLOC_ | sort\n');
chmodSync(fakeNode, 0o755);

function launch(args: string[], env: Record<string, string> = {}, via = launcher) {
  const out = execFileSync('/bin/sh', ['-c', `echo "shell=$$"; exec "$0" "$@"`, via, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE: fakeNode, ...env },
    encoding: 'utf8',
  });
  const lines = out.trim().split('\n');
  return {
    shellPid: lines.find((l) => l.startsWith('shell='))!.slice(6),
    pid: lines.find((l) => l.startsWith('pid='))!.slice(4),
    args: lines.filter((l) => l.startsWith('arg=')).map((l) => l.slice(4)),
    malloc: Object.fromEntries(lines.filter((l) => l.startsWith('MALLOC_')).map((l) => l.split('='))),
  };
}

describe('bin/yorisoi', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('execs node with the memory settings, then bin/yorisoi.js and the command', () => {
    const run = launch(['start', '--no-worker']);
    expect(run.pid).toBe(run.shellPid);
    expect(run.args).toEqual(['--v8-pool-size=1', '--max-semi-space-size=32', '--heap-growing-percent=70', launcher.replace(/yorisoi$/, 'yorisoi.js'), 'start', '--no-worker']);
    expect(run.malloc).toEqual({ MALLOC_ARENA_MAX: '1', MALLOC_MMAP_THRESHOLD_: '65536', MALLOC_TRIM_THRESHOLD_: '65536' });
  });

  it("keeps V8's young generation for the worker", () => {
    expect(launch(['worker']).args.slice(0, 3)).toEqual(['--v8-pool-size=1', '--max-semi-space-size=16', '--heap-growing-percent=70']);
  });

  it('lets the operator override: own MALLOC_* values, extra node flags after the defaults', () => {
    const run = launch(['start'], { MALLOC_ARENA_MAX: '4', YORISOI_NODE_ARGS: '--heap-growing-percent=100 --cpu-prof' });
    expect(run.malloc.MALLOC_ARENA_MAX).toBe('4');
    expect(run.args.slice(3, 5)).toEqual(['--heap-growing-percent=100', '--cpu-prof']);
  });

  it('finds bin/yorisoi.js when started through a symbolic link (npm installs it as one)', () => {
    const link = join(dir, 'yorisoi');
    symlinkSync(launcher, link);
    expect(launch(['start'], {}, link).args).toContain(launcher.replace(/yorisoi$/, 'yorisoi.js'));
  });
});
