// One odd event must not fail a signed webhook: LINE would redeliver the whole request (or drop
// it), and the valid events beside the odd one would be lost. The odd event is left out and
// logged as malformed; the rest are stored and LINE hears 200.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeLineUserId, lineEvents, postLineWebhook, startFakeLineApi, type FakeLineApi } from '../../fakes/fake-line-api.js';
import { startTestApp, type TestApp } from '../../support/app.js';

const SECRET = 'odd-events-secret';
const TOKEN = 'odd-events-token';

describe('a signed webhook with one odd event', () => {
  let fake: FakeLineApi;
  let app: TestApp;

  beforeAll(async () => {
    fake = await startFakeLineApi({ channelAccessToken: TOKEN });
    app = await startTestApp({
      worker: false,
      env: { LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: TOKEN, LINE_API_BASE_URL: fake.url, LINE_DATA_API_BASE_URL: fake.url },
    });
  });
  afterAll(async () => {
    await app?.dispose();
    await fake?.close();
  });

  const stored = (id: string) => app.runtime.db.inboundEvent.count({ where: { channel: 'LINE', externalId: id } });

  it('a timestamp outside the range of a Date: 200, the valid event stored, the odd one not', async () => {
    const valid = lineEvents.text(fakeLineUserId(), '普通のメッセージ');
    const odd = { ...lineEvents.text(fakeLineUserId(), '時刻がおかしい'), timestamp: 9_000_000_000_000_000 };
    const response = await postLineWebhook(app.url, SECRET, { events: [odd, valid] });
    expect(response.status).toBe(200);
    expect(await stored(valid.webhookEventId)).toBe(1);
    expect(await stored(odd.webhookEventId)).toBe(0);
  });

  it('an unknown field nested 200,000 levels deep: 200, the valid event stored, the odd one not', async () => {
    const valid = lineEvents.text(fakeLineUserId(), '深い入れ子の隣');
    const odd = lineEvents.text(fakeLineUserId(), '深い入れ子');
    const depth = 200_000;
    const oddJson = JSON.stringify(odd).replace(/\}$/, `,"futureField":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    const body = `{"destination":"Udeadbeefdeadbeefdeadbeefdeadbeef","events":[${JSON.stringify(valid)},${oddJson}]}`;
    const response = await postLineWebhook(app.url, SECRET, body);
    expect(response.status).toBe(200);
    expect(await stored(valid.webhookEventId)).toBe(1);
    expect(await stored(odd.webhookEventId)).toBe(0);
  });

  it('objects nested deep in a known field too', async () => {
    const valid = lineEvents.text(fakeLineUserId(), '隣のメッセージ');
    const odd = lineEvents.postback(fakeLineUserId(), 'x');
    const depth = 100_000;
    const oddJson = JSON.stringify(odd).replace(/\}$/, `,"postback":{"data":"x","params":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}}`);
    const body = `{"destination":"Udeadbeefdeadbeefdeadbeefdeadbeef","events":[${oddJson},${JSON.stringify(valid)}]}`;
    const response = await postLineWebhook(app.url, SECRET, body);
    expect(response.status).toBe(200);
    expect(await stored(valid.webhookEventId)).toBe(1);
  });
});
