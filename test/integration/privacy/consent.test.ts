// Consent through the real pipeline: the answer to the health question is stored as a Consent row
// with its time, channel and wording version; after "no" the chat goes on and no health question
// comes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/client.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/services.js';
import { WebChatClient } from '../../support/web-client.js';

describe('consent records', () => {
  let app: TestApp;
  let db: Db;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.runtime.db;
  });
  afterAll(async () => {
    await app?.dispose();
  });

  /** The buttons of the bot's newest message, once more bot messages than `seen` have arrived. */
  async function nextChoices(chat: WebChatClient, seen: number): Promise<{ messages: any[]; choices: { label: string; data: string }[] }> {
    let messages: any[] = [];
    await waitFor(async () => {
      messages = await chat.messages();
      return messages.filter((m) => m.author === 'bot').length > seen && (messages.at(-1)?.choices?.length ?? 0) > 0;
    });
    return { messages, choices: messages.at(-1).choices };
  }

  it('stores the refusal with time, channel and wording version; no health question follows', async () => {
    const chat = await WebChatClient.start(app.url);
    let { messages, choices } = await nextChoices(chat, 0);
    const started = new Date();
    // Myself → the first button of each question, until the health consent, which is refused.
    let tapped = choices.find((c) => c.data === 'a:intake:who:self')!;
    for (let i = 0; i < 15 && !tapped.data.endsWith(':health_consent:no'); i++) {
      const bots = messages.filter((m) => m.author === 'bot').length;
      await chat.send({ choice: tapped });
      ({ messages, choices } = await nextChoices(chat, bots));
      tapped = choices.find((c) => c.data.endsWith(':health_consent:no')) ?? choices.find((c) => c.data.startsWith('a:'))!;
    }
    expect(tapped.data).toBe('a:self:health_consent:no');
    const bots = messages.filter((m) => m.author === 'bot').length;
    await chat.send({ choice: tapped });
    ({ messages } = await nextChoices(chat, bots));

    const consent = await db.consent.findFirstOrThrow({ where: { kind: 'health_info' }, include: { contact: true } });
    expect(consent).toMatchObject({ granted: false, wordingVersion: 'health-v1', channel: 'WEB' });
    expect(consent.createdAt.getTime()).toBeGreaterThanOrEqual(started.getTime() - 1_000);
    expect(consent.caseId).not.toBeNull();
    // The chat goes on with the next question, which is not about health.
    const next = messages.at(-1);
    expect(next.text).toContain('様子をうかがってもいいですか');
    expect(messages.map((m) => m.text).join('\n')).not.toMatch(/病院や相談先に通っていますか|体や心の調子で気になること/);
  });
});
