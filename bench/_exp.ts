import { spawn } from 'node:child_process';
import setup from '../test/support/global-setup.js';
import { createTestDatabase } from '../test/support/databases.js';
import { freePort } from '../test/support/services.js';
import { spawnYorisoi, yorisoiEnv } from '../test/faults/support/processes.js';
import { runIngest } from './lib/ingest.js';
import pg from 'pg';

const SECRET = 'bench-secret'; const TOKEN = 'bench-token';
await setup();
const db = await createTestDatabase();
const fakeChild = spawn(process.execPath, ['--import', 'tsx', 'bench/fake-line-server.ts'], { env: { ...process.env, LINE_CHANNEL_ACCESS_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'inherit'] });
const line: string = await new Promise((r) => fakeChild.stdout!.once('data', (d) => r(String(d))));
const [, apiUrl] = line.trim().split(' ');
const barePort = await freePort();
const bare = spawn(process.execPath, ['--import', 'tsx', 'bench/bare-line-endpoint.ts'], { env: { ...process.env, PORT: String(barePort), LINE_CHANNEL_SECRET: SECRET }, stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((r) => bare.stdout!.once('data', r));
const which = process.argv[2] ?? 'both';
if (which !== 'app') {
  await runIngest({ url: `http://127.0.0.1:${barePort}`, secret: SECRET, connections: 50, duration: 2 });
  const r = await runIngest({ url: `http://127.0.0.1:${barePort}`, secret: SECRET, connections: 50, duration: 8 });
  console.log('bare', { ...r, ackedIds: r.ackedIds.length });
}
const port = await freePort();
const app = await spawnYorisoi('start', yorisoiEnv({ databaseUrl: db.url, redisUrl: 'redis://127.0.0.1:6379', redisPrefix: 'bexp' + Date.now(), port, line: { secret: SECRET, token: TOKEN, apiUrl: apiUrl! }, logLevel: process.env.LL ?? 'info', }), { logFile: '/tmp/bexp-app.log', nodeArgs: process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : [] });
await runIngest({ url: app.url!, secret: SECRET, connections: 50, amount: 3000 });
const r2 = await runIngest({ url: app.url!, secret: SECRET, connections: 50, amount: Number(process.env.AMOUNT ?? 20000) });
console.log('app', { ...r2, ackedIds: r2.ackedIds.length }, app.memory());
const c = new pg.Client({ connectionString: db.url }); await c.connect();
console.log((await c.query('select count(*) from "InboundEvent"')).rows);
await c.end();
await app.stop(); bare.kill(); fakeChild.kill(); await db.drop();
