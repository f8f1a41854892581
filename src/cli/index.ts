import { Command } from 'commander';
import { ConfigError, loadConfig, type Config, type ResolvedConfig } from '../config.js';
import { applyMigrations } from '../db/migrate.js';
import { startEmbeddedPostgres } from '../dev/embedded-postgres.js';
import { ensureDevRedis } from '../dev/redis-server.js';
import { watchConsole } from '../dev/console-watch.js';
import { startYorisoi, type RunningYorisoi } from '../main.js';
import { createLogger, type Logger } from '../platform/logger.js';
import { runFlowsCheck, runFlowsGraph } from './commands/flows.js';
import { runTriageEval, runTriageJsonl, runTriageTrain } from './commands/triage.js';
import { runLineRichMenu } from './commands/line.js';
import { runStaffAdd, runStaffResetPassword } from './commands/staff.js';
import { runKeysRotate } from './commands/keys.js';
import { DEMO_SUPERVISOR_EMAIL, ensureDemoSupervisor } from '../staff/index.js';

/** Stops cleanly on the first SIGTERM/SIGINT, exits at once on a second. */
function stopOnSignals(logger: Logger, stoppers: (() => Promise<void>)[]) {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'signal received');
    (async () => {
      for (const stop of stoppers) await stop();
    })()
      .then(() => process.exit(0))
      .catch((error) => {
        logger.error({ err: { message: (error as Error).message } }, 'error while stopping');
        process.exit(1);
      });
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

function requireDatabase(config: Config): ResolvedConfig {
  if (!config.databaseUrl) {
    throw new ConfigError([{ variable: 'DATABASE_URL', expected: 'a postgresql:// URL (only `yorisoi dev` starts an embedded database)' }]);
  }
  return config as ResolvedConfig;
}

function printDevBanner(running: RunningYorisoi, extra: string[]) {
  const url = running.url!;
  const lines = [
    '',
    '  よりそい Yorisoi is running (development mode)',
    '',
    `  Web chat:       ${url}/`,
    `  Staff console:  ${url}/staff`,
    `  Health:         ${url}/readyz`,
    ...extra,
    '',
    '  Stop with Ctrl+C.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

export function buildCli(): Command {
  const program = new Command('yorisoi').description('よりそい — first-contact consultation bot (LINE + web chat)');

  program
    .command('start')
    .description('start the HTTP server (applies pending migrations first)')
    .option('--no-worker', 'do not run the queue workers in this process')
    .action(async (options: { worker: boolean }) => {
      const config = requireDatabase(loadConfig());
      const logger = createLogger({ level: config.logLevel });
      const running = await startYorisoi(config, logger, { http: true, worker: options.worker && config.workerInProcess });
      stopOnSignals(logger, [running.stop]);
    });

  program
    .command('worker')
    .description('run the queue workers (inbound processing, deliveries, reminders)')
    .action(async () => {
      const config = requireDatabase(loadConfig());
      const logger = createLogger({ level: config.logLevel });
      const running = await startYorisoi(config, logger, { http: false, worker: true });
      stopOnSignals(logger, [running.stop]);
    });

  program
    .command('dev')
    .description('start everything on embedded defaults: PostgreSQL, Redis, app and worker')
    .action(async () => {
      const config = loadConfig();
      const logger = createLogger({ level: config.logLevel, pretty: process.stdout.isTTY });
      const stoppers: (() => Promise<void>)[] = [];
      stopOnSignals(logger, stoppers);
      let databaseUrl = config.databaseUrl;
      if (!databaseUrl) {
        const embedded = await startEmbeddedPostgres(config.dataDir, logger);
        databaseUrl = embedded.url;
        stoppers.push(embedded.stop);
      }
      const redis = await ensureDevRedis(config.redisUrl, config.dataDir, logger);
      stoppers.push(redis.stop);
      const running = await startYorisoi({ ...config, databaseUrl }, logger, { http: true, worker: true });
      stoppers.unshift(running.stop);
      stoppers.push(await watchConsole(logger));
      const demo = await ensureDemoSupervisor(running.runtime.db, logger);
      const env = config.databaseUrl ? '' : `DATABASE_URL='${databaseUrl}' `;
      printDevBanner(running, [
        `  Database:       ${config.databaseUrl ? 'DATABASE_URL from the environment' : `${databaseUrl}   (embedded)`}`,
        '',
        `  Demo supervisor: ${DEMO_SUPERVISOR_EMAIL}`,
        demo
          ? `  Password:        ${demo.password}   (shown this once)`
          : `  Password:        set on the first start; to set a new one: ${env}npx yorisoi staff reset-password --email ${DEMO_SUPERVISOR_EMAIL}`,
        `  More staff:      ${env}npx yorisoi staff add --email E --name N --role counselor|supervisor|admin|center [--center CODE]`,
      ]);
    });

  program
    .command('migrate')
    .description('apply pending database migrations (start does this too)')
    .action(async () => {
      const config = requireDatabase(loadConfig());
      await applyMigrations(config.databaseUrl, createLogger({ level: config.logLevel }));
    });

  const flows = program.command('flows').description('intake flows kept as data in flows/');
  flows
    .command('check')
    .description('validate every flow: references, reachability, hand-offs, LINE limits, translations')
    .option('--dir <dir>', 'flows folder (default: the shipped flows/)')
    .action(async (options: { dir?: string }) => {
      const { ok, report } = await runFlowsCheck(options.dir);
      (ok ? process.stdout : process.stderr).write(`${report}\n`);
      process.exitCode = ok ? 0 : 1;
    });
  flows
    .command('graph <flow>')
    .description('print a Mermaid diagram of a flow')
    .option('--dir <dir>', 'flows folder (default: the shipped flows/)')
    .action(async (flow: string, options: { dir?: string }) => {
      process.stdout.write(`${await runFlowsGraph(flow, options.dir)}\n`);
    });

  const triage = program
    .command('triage')
    .description('classify messages: JSON lines {id, text, context?} on stdin → {id, urgency, score, check, signals} on stdout')
    .option('--jsonl', 'read and write JSON lines')
    .action(async (options: { jsonl?: boolean }) => {
      if (!options.jsonl) {
        triage.help({ error: true });
      }
      process.exitCode = await runTriageJsonl(process.stdin, process.stdout);
    });
  triage
    .command('train')
    .description('retrain the learned reader on data/triage/corpus/ and write data/triage/model.json')
    .option('--corpus <dir>', 'corpus folder (default: data/triage/corpus/)')
    .option('--out <file>', 'weight file to write (default: data/triage/model.json)')
    .action(async (options: { corpus?: string; out?: string }) => {
      process.exitCode = await runTriageTrain(process.stdout, options);
    });
  triage
    .command('eval <files...>')
    .description('recall, false alarms and the confusion matrix per label of labelled JSON lines {id, text, label, context?}')
    .option('--misses', 'list every message read at another level')
    .action(async (files: string[], options: { misses?: boolean }) => {
      process.exitCode = await runTriageEval(files, process.stdout, options);
    });

  const staff = program.command('staff').description('staff accounts of the console');
  staff
    .command('add')
    .description('create a staff account; the password is read from stdin (one line, at least 12 characters)')
    .requiredOption('--email <email>', 'login email')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--role <role>', 'counselor | supervisor | admin | center')
    .option('--center <code>', 'ward center code from data/centers.yaml (required with --role center)')
    .action(async (options: { email: string; name: string; role: string; center?: string }) => {
      const config = requireDatabase(loadConfig());
      process.exitCode = await runStaffAdd(options, {
        databaseUrl: config.databaseUrl,
        logger: createLogger({ level: config.logLevel }),
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
      });
    });

  staff
    .command('reset-password')
    .description('set a new password for an account (read from stdin); ends its sessions, lifts a lockout, audited')
    .requiredOption('--email <email>', 'login email')
    .action(async (options: { email: string }) => {
      const config = requireDatabase(loadConfig());
      process.exitCode = await runStaffResetPassword(options, {
        databaseUrl: config.databaseUrl,
        logger: createLogger({ level: config.logLevel }),
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
      });
    });

  const keys = program.command('keys').description('data encryption keys (DATA_ENCRYPTION_KEYS, LOOKUP_HASH_KEY)');
  keys
    .command('rotate')
    .description('re-encrypt every stored value under the primary (first) key; resumable, safe while the app runs')
    .option('--batch-size <n>', 'rows per transaction', '500')
    .action(async (options: { batchSize: string }) => {
      const config = requireDatabase(loadConfig());
      try {
        await runKeysRotate(config, { batchSize: Number(options.batchSize), output: process.stderr });
      } catch (error) {
        if (!(error instanceof Error) || !['DecryptionError', 'RangeError'].includes(error.name)) throw error;
        process.stderr.write(`yorisoi keys rotate: ${error.message}\n`);
        process.exitCode = 1;
      }
    });

  const line = program.command('line').description('LINE Official Account set-up');
  line
    .command('richmenu')
    .description('create the rich menu from data/line/ (richmenu.json + richmenu.png) and make it the default')
    .option('--menu <file>', 'rich menu JSON (default: data/line/richmenu.json)')
    .option('--image <file>', 'PNG or JPEG, the menu size, at most 1 MB (default: data/line/richmenu.png)')
    .option('--no-default', 'create and upload only; do not make it the default menu')
    .option('--dry-run', 'check the files without calling LINE')
    .action(async (options: { menu?: string; image?: string; default: boolean; dryRun?: boolean }) => {
      const result = await runLineRichMenu(loadConfig(), { menu: options.menu, image: options.image, setDefault: options.default, dryRun: options.dryRun });
      (result.ok ? process.stdout : process.stderr).write(`${result.report}\n`);
      process.exitCode = result.ok ? 0 : 1;
    });

  return program;
}

try {
  await buildCli().parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError || (error instanceof Error && ['MigrationError', 'RedisUnavailableError', 'InvalidFlowsError', 'FlowLoadError'].includes(error.name))) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`yorisoi: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
}
