// The opt-in check-in ("may we contact you again?"), end to end on the web channel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDeskHours } from '../../../src/desk/load.js';
import { RealtimePublisher } from '../../../src/realtime/bus.js';
import { loadReminderPolicy } from '../../../src/reminders/policy.js';
import { fireReminder, type ReminderDeps } from '../../../src/reminders/reminders.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/services.js';
import { WebChatClient } from '../../support/web-client.js';

describe('opt-in check-in', () => {
  let app: TestApp;
  let deps: ReminderDeps;

  beforeAll(async () => {
    app = await startTestApp();
    const { db, queues, logger, redisFailFast, config } = app.runtime;
    deps = { db, queues, logger, realtime: new RealtimePublisher(redisFailFast, config.redisPrefix, logger), policy: loadReminderPolicy(loadDeskHours()) };
  });
  afterAll(async () => {
    await app?.dispose();
  });

  /** Walks the intake: the first option everywhere, "yes" to the check-in question. */
  async function intakeWithCheckIn(client: WebChatClient, answer: 'はい' | 'いいえ') {
    for (let i = 0; i < 40; i++) {
      await waitFor(async () => (await client.messages()).at(-1)?.author === 'bot');
      const last = (await client.messages()).findLast((m) => m.choices?.length);
      const labels: string[] = last.choices.map((c: { label: string }) => c.label);
      if (last.text.includes('様子をうかがってもいいですか')) {
        await client.send({ choice: last.choices.find((c: { label: string }) => c.label === answer) });
        return;
      }
      // Myself, "tell us more" (the check-in is among the further questions), this chat; else skip.
      const pick = labels.find((l) => ['自分のこと', '答える'].includes(l) || l.includes('このチャット')) ?? labels.find((l) => l.includes('スキップ')) ?? labels[0];
      const count = (await client.messages()).length;
      await client.send({ choice: last.choices.find((c: { label: string }) => c.label === pick) });
      await waitFor(async () => (await client.messages()).length > count + 1);
    }
    throw new Error('never reached the check-in question');
  }

  it('asks, schedules one check-in in desk time, sends it, and stops when the person asks', async () => {
    const db = app.runtime.db;
    const client = await WebChatClient.start(app.url);
    await intakeWithCheckIn(client, 'はい');
    await waitFor(async () => (await db.consent.count({ where: { kind: 'check_in', granted: true } })) === 1);
    const consent = await db.consent.findFirstOrThrow({ where: { kind: 'check_in' } });
    expect(consent).toMatchObject({ granted: true, wordingVersion: 'checkin-v1', channel: 'WEB' });
    const reminder = await db.reminder.findFirstOrThrow({ where: { kind: 'USER_CHECK_IN' } });
    expect(reminder.dueAt.getTime()).toBeGreaterThan(Date.now() + 7 * 24 * 60 * 60_000); // 14 service days
    expect(loadDeskHours().isOpen(reminder.dueAt)).toBe(true);

    // The day comes (fired directly rather than waiting two weeks).
    expect(await fireReminder(deps, reminder.id)).toBe('fired');
    expect(await fireReminder(deps, reminder.id)).toBe('skipped');
    await waitFor(async () => (await client.messages()).some((m) => m.text?.includes('その後いかがお過ごしですか')), { timeoutMs: 10_000 });
    const checkIn = (await client.messages()).findLast((m) => m.text?.includes('その後いかがお過ごしですか'));
    expect(checkIn.choices.map((c: { label: string }) => c.label)).toEqual(['人と話したい', 'もう連絡しないで']);
    expect(await db.notification.count({ where: { reminderId: reminder.id } })).toBe(0); // for the person, not staff

    // "No more": recorded as a withdrawn consent; a later check-in is not sent.
    await client.send({ choice: checkIn.choices[1] });
    await waitFor(async () => (await db.consent.count({ where: { kind: 'check_in', granted: false } })) === 1, { timeoutMs: 10_000 });
    const again = await db.reminder.create({ data: { kind: 'USER_CHECK_IN', caseId: reminder.caseId, dueAt: new Date() } });
    expect(await fireReminder(deps, again.id)).toBe('skipped');
  });

  it('schedules nothing when the person says no', async () => {
    const db = app.runtime.db;
    const before = await db.reminder.count({ where: { kind: 'USER_CHECK_IN' } });
    const client = await WebChatClient.start(app.url);
    await intakeWithCheckIn(client, 'いいえ');
    await waitFor(async () => (await db.consent.count({ where: { kind: 'check_in', granted: false } })) >= 2, { timeoutMs: 10_000 });
    expect(await db.reminder.count({ where: { kind: 'USER_CHECK_IN' } })).toBe(before);
  });
});
