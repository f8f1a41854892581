// Progress while the benchmark runs: one line per phase, updated in place on a terminal and
// printed every few seconds otherwise (CI logs).

const isTty = Boolean(process.stderr.isTTY);
const started = Date.now();

const clock = () => {
  const s = Math.floor((Date.now() - started) / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

let live = '';
let lastPrinted = 0;

function clearLive() {
  if (isTty && live) process.stderr.write('\r\x1b[2K');
}

/** A finished step, kept on screen. */
export function note(message: string) {
  clearLive();
  process.stderr.write(`[${clock()}] ${message}\n`);
  if (isTty && live) process.stderr.write(live);
}

/** The current state of a running step (replaced by the next status). */
export function status(message: string) {
  const line = `[${clock()}]   … ${message}`;
  if (isTty) {
    clearLive();
    live = line.slice(0, (process.stderr.columns ?? 120) - 1);
    process.stderr.write(live);
  } else if (Date.now() - lastPrinted > 5_000) {
    lastPrinted = Date.now();
    process.stderr.write(`${line}\n`);
  }
}

export function doneStatus() {
  clearLive();
  live = '';
}

/** Runs `fn` as a named phase, with a status line refreshed every second by `ticker`. */
export async function phase<T>(title: string, fn: (tick: (message: string) => void) => Promise<T>): Promise<T> {
  note(`▶ ${title}`);
  const t0 = Date.now();
  try {
    const result = await fn((message) => status(`${title}: ${message}`));
    doneStatus();
    note(`✔ ${title} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return result;
  } catch (error) {
    doneStatus();
    note(`✘ ${title}: ${(error as Error).message}`);
    throw error;
  }
}
