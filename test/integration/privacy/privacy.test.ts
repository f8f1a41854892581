// Encryption at rest and "delete my data", end to end on both channels: what a person wrote (and
// what staff wrote about them) never sits in the database in clear, and a deletion removes it
// from the database and from what the console shows.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/client.js';
import { fakeLineUserId, lineEvents, postLineWebhook, startFakeLineApi, type FakeLineApi } from '../../fakes/fake-line-api.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { lookupHash } from '../../support/encrypted.js';
import { waitFor } from '../../support/services.js';
import { createStaff, grantHandoverConsent, queuedWebCase, StaffClient, TALK_TO_A_PERSON } from '../../support/staff.js';

const SECRET = 'privacy-test-secret';
const TOKEN = 'privacy-test-token';
const TABLES = ['Message', 'Note', 'IntakeAnswer', 'Case', 'Conversation', 'InboundEvent', 'OutboundDelivery', 'Contact', 'Handover'];

describe('privacy: encryption at rest and deletion', () => {
  let fake: FakeLineApi;
  let app: TestApp;
  let db: Db;
  let sql: pg.Client;
  let counselor: StaffClient;
  let supervisor: StaffClient;

  beforeAll(async () => {
    fake = await startFakeLineApi({ channelAccessToken: TOKEN });
    app = await startTestApp({
      env: { LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: TOKEN, LINE_API_BASE_URL: fake.url, LINE_DATA_API_BASE_URL: fake.url, PUBLIC_BASE_URL: 'https://yorisoi.example.jp' },
    });
    db = app.runtime.db;
    sql = new pg.Client({ connectionString: app.config.databaseUrl });
    await sql.connect();
    const staff = await createStaff(db, { role: 'COUNSELOR', name: '相談員 プライバシー' });
    counselor = await StaffClient.login(app.url, staff);
    supervisor = await StaffClient.login(app.url, await createStaff(db, { role: 'SUPERVISOR', name: 'SV プライバシー' }));
  });
  afterAll(async () => {
    await sql?.end();
    await app?.dispose();
    await fake?.close();
  });

  /** Every row of the tables that hold people's words, as PostgreSQL stores it (raw text). */
  async function rawDatabase(): Promise<string> {
    const parts: string[] = [];
    for (const table of TABLES) {
      const { rows } = await sql.query(`SELECT t::text AS row FROM "${table}" t`);
      parts.push(...rows.map((r: { row: string }) => r.row));
    }
    return parts.join('\n');
  }

  /** Everything the app can read back (decrypted) about the given conversations' cases. */
  async function decryptedRecords(conversationIds: string[], contactId: string): Promise<string> {
    const cases = await db.case.findMany({ where: { conversationId: { in: conversationIds } }, include: { answers: true, notes: true, handovers: true } });
    const contact = await db.contact.findUniqueOrThrow({ where: { id: contactId } });
    const events = contact.channelUserIdHash
      ? await db.inboundEvent.findMany({ where: { sourceKey: { endsWith: contact.channelUserIdHash } } })
      : [];
    return JSON.stringify({
      cases,
      messages: await db.message.findMany({ where: { conversationId: { in: conversationIds } } }),
      conversations: await db.conversation.findMany({ where: { id: { in: conversationIds } } }),
      deliveries: await db.outboundDelivery.findMany({ where: { conversationId: { in: conversationIds } } }),
      events: events.map((e) => e.payload),
    });
  }

  async function workTheCase(caseId: string, words: { reply: string; note: string; assessment: string; handover: string }) {
    expect((await counselor.post(`/cases/${caseId}/claim`)).status).toBe(200);
    expect((await counselor.post(`/cases/${caseId}/messages`, { text: words.reply })).status).toBe(201);
    expect((await counselor.post(`/cases/${caseId}/notes`, { text: words.note })).status).toBe(201);
    const assessment = {
      track: 'person',
      ownWish: { value: 'undecided', personAware: 'yes', note: words.assessment },
      householdRisk: { value: 'low', factors: [], note: '' },
      supportConnections: { value: 'none', note: '' },
      stage: 'encounter_assessment',
      needs: ['listen'],
      urgency: 'NORMAL',
      consulterType: null,
      summary: words.assessment,
      overrideReason: '面談で確認した',
    };
    expect((await counselor.put(`/cases/${caseId}/assessment`, assessment)).status).toBe(204);
    await grantHandoverConsent(db, caseId);
    expect((await counselor.post(`/cases/${caseId}/handovers`, { centerCode: 'sakyo', basis: 'consent', note: words.handover })).status).toBe(201);
  }

  it('stores no plain text of what people and staff wrote, nor LINE user ids, in any column', async () => {
    const tag = randomUUID().slice(0, 8);
    const words = {
      web: `ウェブの秘密の相談-${tag}`,
      line: `LINEの秘密の相談-${tag}`,
      reply: `相談員の返信-${tag}`,
      note: `相談員のメモ-${tag}`,
      assessment: `見立て-${tag}`,
      handover: `センターへの申し送り-${tag}`,
    };
    const { caseId } = await queuedWebCase(app.url, db, words.web);
    await workTheCase(caseId, words);

    const userId = fakeLineUserId();
    for (const event of [lineEvents.follow(userId), lineEvents.text(userId, words.line), lineEvents.text(userId, TALK_TO_A_PERSON)]) {
      expect((await postLineWebhook(app.url, SECRET, { events: [event] })).status).toBe(200);
      await waitFor(async () => (await db.inboundEvent.findFirst({ where: { externalId: event.webhookEventId } }))?.processedAt != null);
    }
    await waitFor(async () => (await db.outboundDelivery.count({ where: { recipientHash: lookupHash(db, userId), status: 'SENT' } })) > 0);

    // The app reads it all back…
    const webCase = await counselor.get(`/cases/${caseId}`);
    expect(JSON.stringify(webCase.body)).toContain(words.web);
    expect(webCase.body.notes[0].text).toBe(words.note);
    expect(webCase.body.case.assessment.summary).toBe(words.assessment);
    const lineContact = await db.contact.findUniqueOrThrow({ where: { channel_channelUserIdHash: { channel: 'LINE', channelUserIdHash: lookupHash(db, userId) } } });
    expect(lineContact.channelUserId).toBe(userId);
    const answers = await db.intakeAnswer.findMany({ where: { caseId } });
    expect(answers.some((a) => a.freeText === words.web)).toBe(true);

    // …but the database holds none of it in clear.
    const raw = await rawDatabase();
    for (const secret of [...Object.values(words), userId, tag]) expect(raw, secret).not.toContain(secret);
    const webContact = await db.contact.findFirstOrThrow({ where: { conversations: { some: { case: { id: caseId } } } } });
    expect(raw).not.toContain(webContact.channelUserId!);
    // Ciphertexts carry their key id; the sweeper's phase stays queryable in clear.
    const { rows } = await sql.query(`SELECT "text" FROM "Message" WHERE "text" IS NOT NULL LIMIT 1`);
    expect(rows[0].text).toMatch(/^enc:dev:/);
    const phases = await sql.query(`SELECT DISTINCT "phase" FROM "Conversation" WHERE "phase" IS NOT NULL`);
    expect(phases.rows.map((r: { phase: string }) => r.phase).length).toBeGreaterThan(0);
  });

  it('refuses a query that filters on an encrypted column (it could never match)', async () => {
    await expect(db.message.count({ where: { text: 'anything' } })).rejects.toThrow(/Message\.text is encrypted/);
    await expect(db.contact.findFirst({ where: { conversations: { some: { messages: { some: { text: 'x' } } } } } })).rejects.toThrow(/encrypted/);
    await expect(db.message.count({ where: { text: null } })).resolves.toBeGreaterThanOrEqual(0);
  });

  it('web "delete my data": the words are gone from the database and from the console, which marks the case', async () => {
    const tag = randomUUID().slice(0, 8);
    const words = { web: `消してほしい相談-${tag}`, reply: `返信-${tag}`, note: `メモ-${tag}`, assessment: `見立て-${tag}`, handover: `申し送り-${tag}` };
    const { chat, caseId, contactId } = await queuedWebCase(app.url, db, words.web);
    await workTheCase(caseId, words);
    const conversationIds = (await db.conversation.findMany({ where: { contactId }, select: { id: true } })).map((c) => c.id);
    expect(await decryptedRecords(conversationIds, contactId)).toContain(words.web);

    const response = await fetch(`${app.url}/api/chat/conversation`, { method: 'DELETE', headers: chat.headers() });
    expect(response.status).toBe(204);

    const left = await decryptedRecords(conversationIds, contactId);
    for (const secret of Object.values(words)) expect(left, secret).not.toContain(secret);
    const view = await counselor.get(`/cases/${caseId}`);
    expect(view.status).toBe(200);
    expect(view.body.case.dataDeletedAt).toEqual(expect.any(String));
    for (const secret of Object.values(words)) expect(JSON.stringify(view.body), secret).not.toContain(secret);
    expect(view.body.history.map((h: { action: string }) => h.action)).toContain('user.data_deleted');
    const handovers = await counselor.get(`/handovers/${view.body.handovers[0].id}`);
    expect(JSON.stringify(handovers.body)).not.toContain(words.handover);
    // Counts survive: the case row, its status and coded fields.
    expect((await db.case.findUniqueOrThrow({ where: { id: caseId } })).status).toBe('HANDED_OVER');
  });

  it('LINE "delete my data" through the core removes the words the same way', async () => {
    const tag = randomUUID().slice(0, 8);
    const userId = fakeLineUserId();
    const said = `LINEで話したこと-${tag}`;
    const send = async (event: { webhookEventId: string }) => {
      expect((await postLineWebhook(app.url, SECRET, { events: [event] })).status).toBe(200);
      await waitFor(async () => (await db.inboundEvent.findFirst({ where: { externalId: event.webhookEventId } }))?.processedAt != null);
    };
    await send(lineEvents.follow(userId));
    await send(lineEvents.text(userId, said));
    await send(lineEvents.text(userId, TALK_TO_A_PERSON));
    const contact = await db.contact.findUniqueOrThrow({ where: { channel_channelUserIdHash: { channel: 'LINE', channelUserIdHash: lookupHash(db, userId) } } });
    const conversationIds = (await db.conversation.findMany({ where: { contactId: contact.id }, select: { id: true } })).map((c) => c.id);
    expect(await decryptedRecords(conversationIds, contact.id)).toContain(said);

    await send(lineEvents.text(userId, 'データを消して'));
    await send(lineEvents.text(userId, (await deleteYesLabel())));
    await waitFor(async () => (await db.auditEvent.count({ where: { action: 'user.data_deleted', caseId: { not: null } } })) >= 2);
    expect(await decryptedRecords(conversationIds, contact.id)).not.toContain(said);
    const kase = await db.case.findFirstOrThrow({ where: { conversationId: { in: conversationIds } } });
    // Nothing is left to answer: the unclaimed case left the queue (closed, with the reason in its
    // history); a supervisor still sees that the person deleted their data.
    expect(kase.status).toBe('CLOSED');
    expect(await db.auditEvent.count({ where: { caseId: kase.id, action: 'case.closed_after_deletion' } })).toBe(1);
    const view = await supervisor.get(`/cases/${kase.id}`);
    expect(view.body.case.dataDeletedAt).toEqual(expect.any(String));
    expect(JSON.stringify(view.body)).not.toContain(said);
  });
});

/** The button label that confirms a deletion (flows/messages.yaml). */
async function deleteYesLabel(): Promise<string> {
  const { loadFlowCatalog } = await import('../../../src/flows/index.js');
  return (await loadFlowCatalog()).messages.delete_yes_label.ja!;
}
