// After "delete my data" and after retention, no word of the person — nor any word staff wrote
// about them — is left in any column of any table, the append-only audit log included. The test
// reads every text and JSON column of every table (decrypting what is encrypted) and looks for
// markers planted in each kind of text a person or staff can write.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRetention } from '../../../src/cases/retention.js';
import { dataCryptoOf, type Db } from '../../../src/db/client.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { createStaff, grantHandoverConsent, queuedWebCase, StaffClient } from '../../support/staff.js';

describe('nothing about a person survives deletion or retention', () => {
  let app: TestApp;
  let db: Db;
  let sql: pg.Client;
  let first: StaffClient;
  let second: StaffClient;
  let secondId: string;
  let firstId: string;
  let center: StaffClient;
  let supervisor: StaffClient;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.runtime.db;
    sql = new pg.Client({ connectionString: app.config.databaseUrl });
    await sql.connect();
    const a = await createStaff(db, { role: 'COUNSELOR' });
    const b = await createStaff(db, { role: 'COUNSELOR' });
    firstId = a.id;
    secondId = b.id;
    first = await StaffClient.login(app.url, a);
    second = await StaffClient.login(app.url, b);
    center = await StaffClient.login(app.url, await createStaff(db, { role: 'CENTER', centerCode: 'sakyo' }));
    supervisor = await StaffClient.login(app.url, await createStaff(db, { role: 'SUPERVISOR' }));
  });
  afterAll(async () => {
    await sql?.end();
    await app?.dispose();
  });

  /**
   * Every non-null text, varchar and json(b) value of every table in the database, each also
   * decrypted when it is a ciphertext: a full dump as someone holding the keys would read it.
   */
  async function fullDump(): Promise<string> {
    const crypto = dataCryptoOf(db);
    const { rows: columns } = await sql.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'ARRAY')`,
    );
    expect(columns.some((c) => c.table_name === 'AuditEvent' && c.column_name === 'detail')).toBe(true);
    const values: string[] = [];
    for (const { table_name, column_name } of columns) {
      const { rows } = await sql.query<{ v: string }>(`SELECT "${column_name}"::text AS v FROM "${table_name}" WHERE "${column_name}" IS NOT NULL`);
      for (const { v } of rows) {
        values.push(v);
        for (const candidate of [v, safeJsonString(v)]) {
          if (typeof candidate === 'string' && candidate.startsWith('enc')) {
            try {
              const plain = crypto.decrypt(candidate);
              values.push(typeof plain === 'string' ? plain : JSON.stringify(plain));
            } catch {
              // not one of ours
            }
          }
        }
      }
    }
    return values.join('\n');
  }

  function markers(tag: string) {
    return {
      person: `本人が書いたこと-${tag}`,
      reply: `相談員の返信-${tag}`,
      note: `ケースノート-${tag}`,
      assessmentSummary: `見立て-${tag}`,
      assessmentNote: `希望についての記録-${tag}`,
      overrideReason: `評価を変えた理由-${tag}`,
      statusReason: `状態を変えた理由-${tag}`,
      releaseReason: `戻した理由-${tag}`,
      transferReason: `引き継いだ理由-${tag}`,
      handoverNote: `申し送り-${tag}`,
      handoverOverride: `緊急の理由-${tag}`,
      acknowledgement: `受け止め記録-${tag}`,
    };
  }

  const assessment = (words: ReturnType<typeof markers>, urgency: string, overrideReason?: string) => ({
    track: 'person',
    ownWish: { value: 'undecided', personAware: 'yes', note: words.assessmentNote },
    householdRisk: { value: 'low', factors: [], note: '' },
    supportConnections: { value: 'none', note: '' },
    stage: 'encounter_assessment',
    needs: ['listen'],
    urgency,
    consulterType: null,
    summary: words.assessmentSummary,
    ...(overrideReason ? { overrideReason } : {}),
  });

  const ok = (result: { status: number; body: unknown }, status: number) => expect(result.status, JSON.stringify(result.body)).toBe(status);

  it('"delete my data" leaves no marker in any column of any table, audit included', async () => {
    const tag = randomUUID().slice(0, 8);
    const words = markers(tag);
    const { chat, caseId } = await queuedWebCase(app.url, db, words.person);

    ok(await first.post(`/cases/${caseId}/claim`), 200);
    ok(await first.post(`/cases/${caseId}/messages`, { text: words.reply }), 201);
    ok(await first.post(`/cases/${caseId}/notes`, { text: words.note }), 201);
    ok(await first.put(`/cases/${caseId}/assessment`, assessment(words, 'NORMAL', words.overrideReason)), 204);
    ok(await first.put(`/cases/${caseId}/assessment`, assessment(words, 'HIGH', words.overrideReason)), 204);
    ok(await first.post(`/cases/${caseId}/status`, { status: 'WAITING_USER', reason: words.statusReason }), 204);
    ok(await first.post(`/cases/${caseId}/release`, { reason: words.releaseReason }), 204);
    ok(await second.post(`/cases/${caseId}/claim`), 200);
    ok(await second.post(`/cases/${caseId}/transfer`, { toStaffId: firstId, reason: words.transferReason }), 204);
    await grantHandoverConsent(db, caseId);
    ok(await first.post(`/cases/${caseId}/handovers`, { centerCode: 'sakyo', basis: 'emergency_override', overrideReason: words.handoverOverride, note: words.handoverNote }), 201);
    const handoverId = (await db.handover.findFirstOrThrow({ where: { caseId } })).id;
    ok(await center.post(`/handovers/${handoverId}/acknowledge`, { note: words.acknowledgement }), 204);

    // Before: the words are there (so the dump can see them at all), and the audit still tells
    // supervisors why things changed.
    const before = await fullDump();
    for (const [kind, marker] of Object.entries(words)) expect(before, kind).toContain(marker);

    const reasonOf = async (action: string) => {
      const audit = await supervisor.get(`/audit?caseId=${caseId}`);
      return audit.body.events.find((e: { action: string }) => e.action === action)?.detail;
    };
    expect(await reasonOf('case.status_changed')).toMatchObject({ to: 'WAITING_USER', reason: words.statusReason });
    expect(await reasonOf('case.assessment_override')).toMatchObject({ reason: words.overrideReason });

    const response = await fetch(`${app.url}/api/chat/conversation`, { method: 'DELETE', headers: chat.headers() });
    expect(response.status).toBe(204);

    const after = await fullDump();
    for (const [kind, marker] of Object.entries(words)) expect(after, kind).not.toContain(marker);
    expect(after).not.toContain(tag);
    // The record of what happened stays: actions, ids and codes.
    const actions = (await db.auditEvent.findMany({ where: { caseId } })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['case.status_changed', 'case.assessment_override', 'case.released', 'case.transferred', 'case.handed_over', 'handover.acknowledged', 'user.data_deleted']));
    // The supervisors' audit view shows that a reason was given, no longer what it said.
    expect(await reasonOf('case.status_changed')).toMatchObject({ to: 'WAITING_USER', reason: null });
    void secondId;
  });

  it('retention leaves no marker in any column of any table, audit included', async () => {
    const tag = randomUUID().slice(0, 8);
    const words = markers(tag);
    const { caseId } = await queuedWebCase(app.url, db, words.person);
    ok(await first.post(`/cases/${caseId}/claim`), 200);
    ok(await first.post(`/cases/${caseId}/messages`, { text: words.reply }), 201);
    ok(await first.post(`/cases/${caseId}/notes`, { text: words.note }), 201);
    ok(await first.put(`/cases/${caseId}/assessment`, assessment(words, 'NORMAL', words.overrideReason)), 204);
    ok(await first.put(`/cases/${caseId}/assessment`, assessment(words, 'HIGH', words.overrideReason)), 204);
    ok(await first.post(`/cases/${caseId}/status`, { status: 'CLOSED', reason: words.statusReason }), 204);
    expect(await fullDump()).toContain(words.statusReason);

    await sql.query(`UPDATE "Case" SET "closedAt" = now() - interval '2000 days' WHERE id = $1`, [caseId]);
    const result = await applyRetention({ db }, { retentionDays: 1095 });
    expect(result.cases).toBeGreaterThanOrEqual(1);

    const after = await fullDump();
    for (const [kind, marker] of Object.entries(words)) expect(after, kind).not.toContain(marker);
  });
});

function safeJsonString(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
