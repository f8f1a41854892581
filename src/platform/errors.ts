// Error details that may be logged or stored. Database and validation errors can quote the
// values they were given — what a person wrote — so only the error's name and code leave here.

export function describeError(error: unknown): { name: string; code?: string } {
  if (!(error instanceof Error)) return { name: 'UnknownError' };
  const code = (error as { code?: unknown }).code;
  return { name: error.name, ...(typeof code === 'string' ? { code } : {}) };
}

// Connection loss, pool exhaustion, timeouts, deadlocks and serialisation failures pass with
// time; they must never count against a message's retry budget.
const TRANSIENT_CODES = new Set([
  'P1001', // can't reach the database server
  'P1002', // the database server timed out
  'P1008', // operation timed out
  'P1017', // server closed the connection
  'P2024', // timed out fetching a connection from the pool
  'P2028', // transaction API error (e.g. transaction timed out)
  'P2034', // write conflict or deadlock, retry
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available (also a person's lock that stayed busy: pipeline/source-lock.ts)
  '57P01', // admin_shutdown
  '08006', // connection_failure
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
]);

export function isTransientError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  return /connect|connection|timed? ?out|terminat|deadlock|ECONN|pool/i.test(`${error.name} ${error.message}`);
}
