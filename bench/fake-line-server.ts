// The fake LINE API (test/fakes/fake-line-api.ts) in its own process, so that serving the app's
// LINE calls does not share the load generator's event loop. A control port hands the recorded
// calls to the benchmark:  GET /calls → [{ path, status, at, replyToken, to, retryKey, messages }],
// POST /reset. Prints `READY <api url> <control url>` when listening.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeLineApi } from '../test/fakes/fake-line-api.js';

const fake = await startFakeLineApi({ channelAccessToken: process.env.LINE_CHANNEL_ACCESS_TOKEN });

const control = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/calls') {
    const calls = fake.calls.map((c) => ({
      path: c.path,
      status: c.status,
      at: c.at,
      replyToken: c.body?.replyToken ?? null,
      to: c.body?.to ?? null,
      chatId: c.body?.chatId ?? null,
      retryKey: c.headers['x-line-retry-key'] ?? null,
      messages: Array.isArray(c.body?.messages) ? c.body.messages.length : 0,
    }));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(calls));
    return;
  }
  if (req.method === 'POST' && req.url === '/reset') {
    fake.reset();
    res.writeHead(204).end();
    return;
  }
  res.writeHead(404).end();
});
await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
process.stdout.write(`READY ${fake.url} http://127.0.0.1:${(control.address() as AddressInfo).port}\n`);

const stop = () => {
  control.close();
  void fake.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
