// CPU time per process group from /proc (utime + stime), to see where a phase's CPU went.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS = 100; // USER_HZ on Linux

function processes(): { pid: number; cmd: string; ticks: number }[] {
  const out: { pid: number; cmd: string; ticks: number }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      out.push({ pid: Number(name), cmd, ticks });
    } catch {
      // gone
    }
  }
  return out;
}

export type Grouper = (p: { pid: number; cmd: string }) => string | null;

/** The benchmark's own helper processes (fake LINE API, bare endpoint): never counted as noise. */
export const helperProcesses = new Map<number, string>();

/** Starts counting; the returned function gives CPU seconds per group since then. */
export function cpuMeter(group: Grouper): () => Record<string, number> {
  const before = new Map(processes().map((p) => [p.pid, p.ticks]));
  return () => {
    const totals: Record<string, number> = {};
    for (const p of processes()) {
      const name = group(p);
      if (!name) continue;
      const delta = p.ticks - (before.get(p.pid) ?? 0);
      if (delta > 0) totals[name] = (totals[name] ?? 0) + delta / TICKS;
    }
    return Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, Math.round(v * 100) / 100]));
  };
}

/** Groups: the given pids by name, PostgreSQL, Redis, this process, everything else. */
export function standardGroups(named: Record<string, number | undefined>): Grouper {
  const byPid = new Map(Object.entries(named).filter(([, pid]) => pid).map(([name, pid]) => [pid!, name]));
  return (p) => {
    const name = byPid.get(p.pid);
    if (name) return name;
    if (p.pid === process.pid) return 'bench (load generator)';
    const helper = helperProcesses.get(p.pid);
    if (helper) return helper;
    if (p.cmd.startsWith('postgres') || p.cmd.includes('/postgres')) return 'postgresql';
    if (p.cmd.includes('redis-server')) return 'redis';
    return 'other processes';
  };
}
