#!/usr/bin/env node
// Offline stand-in for Prisma's native schema engine binary.
//
// Why this exists: the Prisma 7 CLI downloads a native `schema-engine` binary from Prisma's
// binary host before `migrate`, `db` and even `generate` run. Closed networks (LGWAN segments,
// this build machine) cannot reach that host. The CLI runs whatever executable
// PRISMA_SCHEMA_ENGINE_BINARY names instead, so this script speaks the binary's protocol and
// forwards the work to Prisma's own WebAssembly build of the same engine
// (@prisma/schema-engine-wasm), talking to PostgreSQL through @prisma/adapter-pg.
// See scripts/README.md for the pin and the upgrade procedure.
//
// The protocol, as read from prisma/build/cli.js (7.10.1):
//   --version                                  print "schema-engine-cli <hash>" and exit
//   --datasource <json> cli <command>          one-shot command; failure = exit 1 plus JSON log
//                                              records on stderr (the CLI drops stderr line 1)
//   [--datamodels <file>]… [--datasource <json>] newline-delimited JSON-RPC 2.0 on stdin/stdout,
//                                              one request at a time, until stdin closes
// stdout carries protocol only; everything else goes to stderr as JSON log records, because
// the CLI parses those lines (a non-JSON line after the first breaks `cli` commands).

import { appendFileSync } from 'node:fs';
import { readFile as readFileAsync } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import process from 'node:process';

// The pair this bridge was verified with. Prisma's CLI bundle asks for schema-engine-wasm
// 8.1.0-1.d1b3f377…, which was never published to npm; 8.1.0-2.59be4fda… is the next build of
// the same engine line and passes test/integration/prisma-bridge.test.ts. A different pair
// may change the RPC shapes silently, so refuse to run rather than half-migrate a database.
const PINNED = {
  prisma: '7.10.1',
  schemaEngineWasm: '8.1.0-2.59be4fda12412a79eeb9c2ae727b6aa723593323',
};

// ---------------------------------------------------------------------------------------------
// stderr logging in the engine's format
// ---------------------------------------------------------------------------------------------

const TRACE_FILE = process.env.PRISMA_SCHEMA_ENGINE_BRIDGE_TRACE;

function trace(direction, payload) {
  if (!TRACE_FILE) return;
  try {
    appendFileSync(TRACE_FILE, `${new Date().toISOString()} ${process.pid} ${direction} ${payload}\n`);
  } catch {
    // Tracing is a debugging aid; it must never break a migration.
  }
}

function writeStderr(line) {
  try {
    process.stderr.write(`${line}\n`);
  } catch {
    // The CLI may already have gone away (it kills us right after closing stdin).
  }
}

function logRecord(level, message, extra = {}) {
  writeStderr(
    JSON.stringify({
      timestamp: new Date().toISOString(),
      level,
      target: 'schema_engine::logger',
      fields: { message, ...extra },
    }),
  );
}

/** An ERROR record with error_code is what the CLI turns into "P1001: Can't reach…". */
function logError(message, errorCode) {
  logRecord('ERROR', message, errorCode ? { error_code: errorCode } : {});
}

// Node prints warnings (pg's sslmode deprecation, for one) as plain text on stderr, which the
// CLI would try to parse as JSON. Route them through the JSON logger instead.
process.emitWarning = (warning) => {
  logRecord('WARN', typeof warning === 'string' ? warning : String(warning?.message ?? warning));
};
// Some libraries print with console.log; stdout belongs to JSON-RPC.
console.log = console.info = console.debug = (...args) => logRecord('INFO', args.map(String).join(' '));
console.warn = console.error = (...args) => logRecord('WARN', args.map(String).join(' '));

// ---------------------------------------------------------------------------------------------
// Versions and the pin
// ---------------------------------------------------------------------------------------------

// Resolved lazily (see loadDependencies) so that even a broken install is reported in the
// engine's JSON log format rather than as a bare stack trace the CLI cannot parse.
let wasmBgUrl;
let pg;
let PrismaPg;
let bindMigrationAwareSqlAdapterFactory;
let ColumnTypeEnum;
let parseConnectionString;
let toClientConfig;

async function loadDependencies() {
  wasmBgUrl = import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  ({ default: pg } = await import('pg'));
  ({ PrismaPg } = await import('@prisma/adapter-pg'));
  ({ bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } = await import('@prisma/driver-adapter-utils'));
  // pg's own URL parser, taken from pg's dependencies rather than relying on npm hoisting.
  ({ parse: parseConnectionString, toClientConfig } = createRequire(import.meta.resolve('pg'))('pg-connection-string'));
}

async function readJson(url) {
  return JSON.parse(await readFileAsync(url, 'utf8'));
}

async function checkPin() {
  if (process.env.PRISMA_SCHEMA_ENGINE_BRIDGE_SKIP_PIN === '1') return;
  const wasmVersion = (await readJson(new URL('./package.json', wasmBgUrl))).version;
  const prismaVersion = (await readJson(new URL(import.meta.resolve('prisma/package.json')))).version;
  if (wasmVersion !== PINNED.schemaEngineWasm || prismaVersion !== PINNED.prisma) {
    throw new BridgeError(
      `prisma-schema-engine bridge is pinned to prisma ${PINNED.prisma} + @prisma/schema-engine-wasm ` +
        `${PINNED.schemaEngineWasm}, but found prisma ${prismaVersion} + @prisma/schema-engine-wasm ` +
        `${wasmVersion}. Upgrade both together and update PINNED in scripts/prisma-schema-engine.mjs ` +
        `after the bridge test passes (see scripts/README.md).`,
    );
  }
}

/** Loads the wasm engine without --experimental-wasm-modules, which its entry point needs. */
async function loadWasmEngine() {
  const bg = await import(wasmBgUrl);
  const bytes = await readFileAsync(new URL('./schema_engine_bg.wasm', wasmBgUrl));
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bg });
  bg.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  return bg;
}

// The wasm panic hook reports the Rust panic message here before trapping.
const panicRegistry = {
  message: '',
  set_message(message) {
    this.message = message;
  },
};
globalThis.PRISMA_WASM_PANIC_REGISTRY = panicRegistry;

class BridgeError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL connections
// ---------------------------------------------------------------------------------------------

// Query parameters Prisma understands in a URL but pg does not.
const PRISMA_URL_PARAMS = [
  'schema',
  'connection_limit',
  'pool_timeout',
  'pgbouncer',
  'statement_cache_size',
  'socket_timeout',
  'connect_timeout',
  'sslaccept',
];

/**
 * Turns a Prisma PostgreSQL URL into a discrete pg config. Discrete fields matter: pg lets a
 * `connectionString` override `database`, so a shadow-database pool derived from one would
 * silently connect to the main database.
 */
function parseDatabaseUrl(url) {
  if (!/^postgres(ql)?:\/\//i.test(url ?? '')) {
    throw new BridgeError(
      'This schema engine bridge only supports PostgreSQL URLs (postgresql://…).',
      'P1013',
    );
  }
  // libpq semantics for sslmode, as Prisma's engine has: `require` encrypts without verifying
  // the certificate (pg's default would treat it as verify-full and print a warning).
  const parsed = parseConnectionString(url, { useLibpqCompat: true });
  const schema = parsed.schema || 'public';
  for (const key of PRISMA_URL_PARAMS) delete parsed[key];
  const config = toClientConfig(parsed);
  config.port = config.port ?? 5432;
  config.host = config.host || 'localhost';
  // The native engine scopes a connection to ?schema= through search_path; do the same so
  // unqualified names in migration scripts land in the same place.
  if (schema !== 'public') {
    config.options = [config.options, `-c search_path="${schema.replaceAll('"', '""')}"`]
      .filter(Boolean)
      .join(' ');
  }
  config.application_name = 'prisma-schema-engine-bridge';
  return { config, schema };
}

const quoteIdent = (name) => `"${String(name).replaceAll('"', '""')}"`;
const where = (config) => `${config.host}:${config.port}`;

/** Maps connection-level pg errors to the codes and wording the native engine uses. */
function toEngineError(error, config) {
  if (error instanceof BridgeError) return error;
  const code = error?.code;
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOENT'].includes(code)) {
    return new BridgeError(
      `Can't reach database server at \`${where(config)}\`\n\nPlease make sure your database server is running at \`${where(config)}\`.`,
      'P1001',
    );
  }
  if (code === '3D000') {
    return new BridgeError(
      `Database \`${config.database}\` does not exist on the database server at \`${where(config)}\`.`,
      'P1003',
    );
  }
  if (code === '28P01' || code === '28000') {
    return new BridgeError(
      `Authentication failed against database server, the provided database credentials for \`${config.user}\` are not valid.\n\nPlease make sure to provide valid database credentials for the database server at the configured address.`,
      'P1000',
    );
  }
  if (code === '42501') {
    return new BridgeError(`User \`${config.user}\` was denied access on the database \`${config.database}\``, 'P1010');
  }
  if (code === '42P04') {
    return new BridgeError(
      `Database \`${config.database}\` already exists on the database server at \`${where(config)}\``,
      'P1009',
    );
  }
  return new BridgeError(error?.message ?? String(error));
}

/** Runs `fn` with a single client connected to `config`, always closing it. */
async function withClient(config, fn) {
  const client = new pg.Client(config);
  client.on('error', () => {}); // a dropped idle connection must not crash the bridge
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** CREATE/DROP DATABASE cannot run inside the target database, so use a maintenance one. */
async function withMaintenanceClient(config, fn) {
  let lastError;
  for (const database of ['postgres', 'template1']) {
    try {
      return await withClient({ ...config, database }, fn);
    } catch (error) {
      // Only fall through when the maintenance database itself is missing or forbidden.
      if (error?.code !== '3D000' && error?.code !== '42501') throw error;
      lastError = error;
    }
  }
  throw lastError;
}

// Pools and shadow databases still open; closed on exit, including on SIGTERM.
const openPools = new Set();
const shadowDatabases = new Map(); // name -> admin pg config

function trackPool(pool) {
  openPools.add(pool);
  const end = pool.end.bind(pool);
  pool.end = async () => {
    openPools.delete(pool);
    if (!pool.ended) await end();
  };
  return pool;
}

/**
 * adapter-pg 7.10.1 has no column-type mapping for PostgreSQL's internal `"char"` type
 * (OID 18), which the engine's catalog queries return (relkind, contype, confdeltype, …), and
 * fails those queries with UnsupportedNativeDataType. Report such columns as Character.
 * Results are matched by their `rows` array, which queryRaw passes through unchanged.
 */
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

function patchQueryable(queryable) {
  const charColumnsByRows = new WeakMap();
  const performIO = queryable.performIO.bind(queryable);
  queryable.performIO = async (query) => {
    trace('sql', JSON.stringify(query.sql));
    const result = await performIO(query);
    const charColumns = [];
    result?.fields?.forEach((field, index) => {
      if (field.dataTypeID === PG_CHAR_OID) {
        charColumns.push(index);
        field.dataTypeID = PG_TEXT_OID; // values are already plain one-character strings
      }
    });
    if (charColumns.length > 0) charColumnsByRows.set(result.rows, charColumns);
    return result;
  };
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => {
    const resultSet = await queryRaw(query);
    for (const index of charColumnsByRows.get(resultSet.rows) ?? []) {
      resultSet.columnTypes[index] = ColumnTypeEnum.Character;
    }
    return resultSet;
  };
  return queryable;
}

function patchAdapter(adapter) {
  patchQueryable(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (...args) => patchQueryable(await startTransaction(...args));
  // adapter-pg splits scripts on ";" and runs the pieces one by one, which breaks function
  // bodies and string literals containing ";" and leaves half-applied migrations behind. The
  // native engine sends the whole migration as one simple-protocol query, which PostgreSQL runs
  // as a single implicit transaction; do the same.
  adapter.executeScript = async (script) => {
    trace('script', JSON.stringify(script.slice(0, 200)));
    try {
      await adapter.client.query(script);
    } catch (error) {
      adapter.onError(error);
    }
  };
  return adapter;
}

/**
 * The driver-adapter factory handed to the wasm engine: the main database from the datasource
 * URL, and shadow databases for `migrate dev`/`migrate diff --from-migrations`.
 *
 * Shadow databases are created and dropped here rather than by adapter-pg, whose
 * connectToShadowDb() drops the database before closing its own pool ("database … is being
 * accessed by other users") and, given a URL, would connect to the main database instead.
 */
class BridgeAdapterFactory {
  provider = 'postgres';
  adapterName = '@prisma/adapter-pg';

  constructor(datasource) {
    this.datasource = datasource ?? {};
  }

  main() {
    if (!this.datasource.url) {
      throw new BridgeError(
        'No database URL: set `datasource.url` in prisma.config.ts (e.g. from DATABASE_URL).',
      );
    }
    return parseDatabaseUrl(this.datasource.url);
  }

  async connectTo({ config, schema }) {
    const pool = trackPool(new pg.Pool({ ...config, max: 4 }));
    const factory = new PrismaPg(pool, { schema, disposeExternalPool: true });
    return patchAdapter(await factory.connect());
  }

  async connect() {
    // The engine connects as soon as it starts, even for work that needs no database
    // (`migrate diff --from-empty --to-schema …`); without a URL, fail only if it is used.
    if (!this.datasource.url) return new NoDatabaseAdapter();
    return this.connectTo(this.main());
  }

  async connectToShadowDb() {
    if (this.datasource.shadowDatabaseUrl) {
      return this.connectTo(parseDatabaseUrl(this.datasource.shadowDatabaseUrl));
    }
    const { config, schema } = this.main();
    const name = `prisma_migrate_shadow_db_${randomUUID()}`;
    await withClient(config, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}`)).catch((error) => {
      throw toEngineError(error, config);
    });
    shadowDatabases.set(name, config);
    trace('shadow', `created ${name}`);
    const adapter = await this.connectTo({ config: { ...config, database: name }, schema });
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose(); // close our pool first, then the database can go
      await dropShadowDatabase(name);
    };
    return adapter;
  }
}

/**
 * Stands in for a connection when no datasource URL is configured, so that work which never
 * touches a database (`migrate diff --from-empty --to-schema …`, the native engine needs no URL
 * for it) still runs. The engine's start-up probe (does the schema exist, is this PostgreSQL or
 * CockroachDB, which version) is answered as "plain PostgreSQL"; anything else fails clearly.
 */
class NoDatabaseAdapter {
  provider = 'postgres';
  adapterName = '@prisma/adapter-pg';

  async queryRaw(query) {
    if (/^SELECT EXISTS\(SELECT 1 FROM pg_namespace WHERE nspname = \$1\), version\(\)/.test(query.sql)) {
      return {
        columnNames: ['exists', 'version', 'numeric_version'],
        columnTypes: [ColumnTypeEnum.Boolean, ColumnTypeEnum.Text, ColumnTypeEnum.Int32],
        rows: [[true, 'PostgreSQL (no database configured; prisma-schema-engine bridge)', NO_DATABASE_SERVER_VERSION]],
      };
    }
    return this.fail(query.sql);
  }
  async executeRaw(query) {
    return this.fail(query.sql);
  }
  async executeScript(script) {
    return this.fail(script);
  }
  async startTransaction() {
    return this.fail('BEGIN');
  }
  getConnectionInfo() {
    return { schemaName: 'public', supportsRelationJoins: true };
  }
  async dispose() {}

  fail(sql) {
    trace('sql (no database)', JSON.stringify(sql));
    throw new BridgeError(
      'This command needs a database, but no URL is configured: set `datasource.url` in prisma.config.ts (e.g. from DATABASE_URL).',
    );
  }
}
// The oldest PostgreSQL the project supports (embedded PostgreSQL is 18, servers 15+).
const NO_DATABASE_SERVER_VERSION = 150000;

async function dropShadowDatabase(name) {
  const config = shadowDatabases.get(name);
  if (!config) return;
  shadowDatabases.delete(name);
  trace('shadow', `dropping ${name}`);
  // WITH (FORCE) (PostgreSQL 13+) ends any connection the engine may have left behind.
  await withClient(config, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`)).catch(
    (error) => logRecord('WARN', `Could not drop shadow database ${name}: ${error.message}`),
  );
}

// ---------------------------------------------------------------------------------------------
// One-shot `cli` commands (used by migrate dev/deploy to check for and create the database)
// ---------------------------------------------------------------------------------------------

/** Returns a line for stdout (in `cli` mode only: in RPC mode stdout is the protocol). */
async function runCliCommand(command, datasource) {
  const { config } = parseDatabaseUrl(datasource?.url);
  try {
    switch (command) {
      case 'can-connect-to-database':
        await withClient(config, (client) => client.query('SELECT 1'));
        return;
      case 'create-database':
        await withMaintenanceClient(config, (client) => client.query(`CREATE DATABASE ${quoteIdent(config.database)}`));
        return `Database '${config.database}' was successfully created.`;
      case 'drop-database':
        await withMaintenanceClient(config, (client) => client.query(`DROP DATABASE ${quoteIdent(config.database)}`));
        return `The database '${config.database}' was successfully dropped.`;
      default:
        throw new BridgeError(`Unknown cli command: ${command}`);
    }
  } catch (error) {
    throw toEngineError(error, config);
  }
}

// ---------------------------------------------------------------------------------------------
// JSON-RPC server
// ---------------------------------------------------------------------------------------------

// The RPC names the CLI sends that the wasm engine spells differently.
const METHOD_ALIASES = { getDatabaseVersion: 'version' };
// The wasm engine's RPC methods (schema_engine.d.ts); its prototype also holds wasm-bindgen
// internals such as free(), which must not be reachable from the pipe.
const ENGINE_METHODS = new Set([
  'applyMigrations',
  'createMigration',
  'dbExecute',
  'debugPanic',
  'devDiagnostic',
  'diagnoseMigrationHistory',
  'diff',
  'ensureConnectionValidity',
  'evaluateDataLoss',
  'introspect',
  'introspectSql',
  'markMigrationApplied',
  'markMigrationRolledBack',
  'reset',
  'schemaPush',
  'version',
]);

function send(message) {
  const line = JSON.stringify(message);
  trace('>>', line);
  process.stdout.write(`${line}\n`);
}

/** Turns whatever the wasm engine or adapter threw into the error shape the CLI renders. */
function toRpcError(error, errorRegistry) {
  if (error instanceof WebAssembly.RuntimeError) {
    const message = panicRegistry.message || error.message;
    return { code: 4466, message: 'An error happened. Check the data field for details.', data: { is_panic: true, message, error: { message } } };
  }
  // Errors thrown by JavaScript inside the adapter reach us as "External error id#N", an index
  // into the adapter's error registry that holds the original error.
  const jsErrorId = /External error id#(\d+)/.exec(error?.message ?? '')?.[1];
  if (jsErrorId !== undefined) {
    const original = errorRegistry.consumeError(Number(jsErrorId))?.error;
    if (original) error = original;
  }
  const message = error?.message ?? String(error);
  const data = { is_panic: false, message, meta: error?.meta ?? null };
  if (typeof error?.code === 'string' && /^P\d{4}$/.test(error.code)) data.error_code = error.code;
  return { code: 4466, message: 'An error happened. Check the data field for details.', data };
}

// evaluateDataLoss and createMigration read the schema of the migration history from a cache
// that only devDiagnostic/diagnoseMigrationHistory fill, with the migrations that were already
// applied. When `migrate dev` first applies pending migrations (after `--create-only`, or a
// teammate's migrations), the list they ask for is not cached, and the wasm build, unlike the
// native engine, has no fallback shadow database for that miss. Fill the cache the engine's way
// (now that everything is applied) and retry once; nothing was written before the failure.
const SHADOW_CACHE_MISS = 'shadow DB must be provided through an external factory';
const USES_MIGRATION_SCHEMA_CACHE = new Set(['evaluateDataLoss', 'createMigration']);

async function callEngine(engine, method, params) {
  try {
    // Call through `engine` so wasm-bindgen keeps its receiver (__wbg_ptr).
    return await engine[method](params ?? undefined);
  } catch (error) {
    if (!USES_MIGRATION_SCHEMA_CACHE.has(method) || !String(error?.message).includes(SHADOW_CACHE_MISS)) throw error;
    trace('retry', `${method}: warming the migration schema cache`);
    await engine.diagnoseMigrationHistory({
      migrationsList: params.migrationsList,
      optInToShadowDatabase: true,
      filters: params.filters,
    });
    return await engine[method](params);
  }
}

/** Starts the wasm engine; any failure here is reported on every request (see below). */
async function startEngine({ datamodelPaths, datasource }, adapterFactory) {
  await checkPin();
  const { SchemaEngine } = await loadWasmEngine();
  const datamodels = await Promise.all(datamodelPaths.map(async (path) => [path, await readFileAsync(path, 'utf8')]));
  const engineLog = (entry) => {
    const text = typeof entry === 'string' ? entry : JSON.stringify(entry);
    try {
      JSON.parse(text);
      writeStderr(text);
    } catch {
      logRecord('INFO', text);
    }
  };
  // `datamodels` must be undefined or non-empty.
  return SchemaEngine.new({ datamodels: datamodels.length > 0 ? datamodels : undefined }, engineLog, adapterFactory);
}

function runRpcServer(options) {
  const adapterFactory = bindMigrationAwareSqlAdapterFactory(new BridgeAdapterFactory(options.datasource));
  // Prisma 7.10.1 exits 0 without a word when the engine process dies mid-request (seen with
  // `migrate diff`), so a failed start must not exit: it becomes the answer to each request.
  const enginePromise = startEngine(options, adapterFactory);
  enginePromise.catch(() => {}); // reported per request

  // Requests we send to the CLI (only `print`) and are waiting on.
  const pendingPrints = new Map();
  let nextPrintId = 1;
  const print = (content) =>
    new Promise((resolve) => {
      const id = nextPrintId++;
      pendingPrints.set(id, resolve);
      send({ jsonrpc: '2.0', method: 'print', params: { content }, id });
    });

  async function handle(request) {
    const method = METHOD_ALIASES[request.method] ?? request.method;
    try {
      if (method === 'createDatabase') {
        // Not part of the wasm engine; the CLI normally uses `cli create-database` instead.
        const url = request.params?.datasource?.url ?? options.datasource?.url;
        await runCliCommand('create-database', { url });
        return { value: { databaseName: parseDatabaseUrl(url).config.database } };
      }
      if (!ENGINE_METHODS.has(method)) {
        return { error: { code: -32601, message: `Method not found: ${request.method}` } };
      }
      const engine = await enginePromise;
      const result = await callEngine(engine, method, request.params);
      if (result && typeof result === 'object' && 'stdout' in result) {
        // The native engine prints diff output through the CLI instead of returning it; the
        // CLI appends a newline itself.
        if (result.stdout) await print(result.stdout.replace(/\n$/, ''));
        return { value: { ...result, stdout: null } };
      }
      return { value: result ?? null };
    } catch (error) {
      return {
        error: toRpcError(error, adapterFactory.errorRegistry),
        panicked: error instanceof WebAssembly.RuntimeError,
      };
    }
  }

  let queue = Promise.resolve();
  const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
  input.on('line', (line) => {
    if (!line.trim()) return;
    trace('<<', line);
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
      return;
    }
    if (message.method === undefined) {
      // A reply to one of our `print` requests; handled at once, or the request waiting on
      // it would block the queue.
      pendingPrints.get(message.id)?.();
      pendingPrints.delete(message.id);
      return;
    }
    queue = queue.then(async () => {
      const outcome = await handle(message);
      if (message.id === undefined) return; // notification
      if (outcome.error) send({ jsonrpc: '2.0', id: message.id, error: outcome.error });
      else send({ jsonrpc: '2.0', id: message.id, result: outcome.value });
      // A panicked wasm instance is not safe to reuse; the native engine exits with 101 too.
      if (outcome.panicked) await shutdown(101);
    });
  });
  // The wasm engine keeps a ~10 s timer alive; exit as soon as the CLI is done with us.
  input.on('close', () => {
    queue.then(() => shutdown(0));
  });
}

// ---------------------------------------------------------------------------------------------
// Lifecycle
// ---------------------------------------------------------------------------------------------

let shuttingDown = false;

async function shutdown(exitCode) {
  if (shuttingDown) return;
  shuttingDown = true;
  const cleanup = (async () => {
    await Promise.allSettled([...openPools].map((pool) => pool.end()));
    await Promise.allSettled([...shadowDatabases.keys()].map(dropShadowDatabase));
  })();
  // Never hang the CLI on a stuck connection.
  await Promise.race([cleanup, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  process.exit(exitCode);
}

// On Linux the CLI sends SIGTERM right after closing stdin; still tidy up shadow databases.
process.on('SIGTERM', () => shutdown(0));
process.on('SIGINT', () => shutdown(130));
// Keep even crashes in the JSON log format the CLI reads.
process.on('uncaughtException', (error) => {
  logRecord('ERROR', error?.stack ?? String(error));
  shutdown(1);
});
process.on('unhandledRejection', (reason) => {
  logRecord('WARN', `Unhandled rejection: ${reason?.stack ?? reason}`);
});

function parseArgs(argv) {
  const options = { datamodelPaths: [], datasource: undefined, cli: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--datamodels') options.datamodelPaths.push(argv[++i]);
    else if (arg === '--datasource') options.datasource = JSON.parse(argv[++i]);
    else if (arg === '--enabled-preview-features' || arg === '--extension-types') i++; // schema files carry these
    else if (arg === 'cli') options.cli = argv[++i];
    else throw new BridgeError(`Unexpected argument: ${arg}`);
  }
  return options;
}

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('--version') || args.includes('-V')) {
    await loadDependencies();
    await checkPin();
    const { version } = await loadWasmEngine();
    process.stdout.write(`schema-engine-cli ${version()}\n`);
    return process.exit(0);
  }
  // The CLI discards the first stderr line, so it must come before anything that can fail.
  logRecord('INFO', `Starting schema engine bridge (@prisma/schema-engine-wasm ${PINNED.schemaEngineWasm})`);
  await loadDependencies();
  const options = parseArgs(args);
  if (options.cli) {
    await checkPin();
    const message = await runCliCommand(options.cli, options.datasource);
    if (message) process.stdout.write(`${message}\n`);
    return shutdown(0);
  }
  runRpcServer(options);
}

main().catch((error) => {
  if (error instanceof BridgeError) logError(error.message, error.code);
  else logRecord('ERROR', error?.stack ?? String(error));
  shutdown(1);
});
