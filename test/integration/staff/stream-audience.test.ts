// The staff live stream sends each role only the events of cases it may open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/client.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/services.js';
import { createStaff, grantHandoverConsent, queuedWebCase, StaffClient } from '../../support/staff.js';

describe('staff live stream audiences', () => {
  let app: TestApp;
  let db: Db;
  const streams: Record<string, StaffClient> = {};

  beforeAll(async () => {
    app = await startTestApp();
    db = app.runtime.db;
    const accounts = {
      holder: await createStaff(db, { role: 'COUNSELOR' }),
      otherCounselor: await createStaff(db, { role: 'COUNSELOR' }),
      supervisor: await createStaff(db, { role: 'SUPERVISOR' }),
      admin: await createStaff(db, { role: 'ADMIN' }),
      sakyoCenter: await createStaff(db, { role: 'CENTER', centerCode: 'sakyo' }),
      kitaCenter: await createStaff(db, { role: 'CENTER', centerCode: 'kita' }),
    };
    for (const [name, staff] of Object.entries(accounts)) {
      streams[name] = await StaffClient.login(app.url, staff);
      await streams[name]!.openStream();
    }
    await waitFor(() => Object.values(streams).every((s) => s.events.some((e) => e.name === 'ready')));
  });
  afterAll(async () => {
    for (const stream of Object.values(streams)) stream.close();
    await app?.dispose();
  });

  const changesOf = (name: string, caseId: string) =>
    streams[name]!.events.filter((e) => e.name === 'case' && e.data.caseId === caseId).map((e) => e.data.change as string);

  it('supervisors see every change; counsellors their queue and claims; centers their handovers; admins nothing', async () => {
    const { caseId } = await queuedWebCase(app.url, db, 'ストリームの確認');
    const holder = streams.holder!;
    expect((await holder.post(`/cases/${caseId}/claim`)).status).toBe(200);
    expect((await holder.post(`/cases/${caseId}/messages`, { text: 'お返事です' })).status).toBe(201);
    expect((await holder.post(`/cases/${caseId}/notes`, { text: '内部のメモ' })).status).toBe(201);
    await grantHandoverConsent(db, caseId);
    expect((await holder.post(`/cases/${caseId}/handovers`, { centerCode: 'sakyo', basis: 'consent', note: '申し送り' })).status).toBe(201);
    const handover = await db.handover.findFirstOrThrow({ where: { caseId } });
    expect((await streams.sakyoCenter!.post(`/handovers/${handover.id}/acknowledge`, {})).status).toBe(204);

    // The supervisor's stream is the reference: once it has the last change, every other
    // stream has had its chance to receive what it would (events fan out together).
    await waitFor(() => changesOf('supervisor', caseId).includes('handover_acknowledged'));
    await new Promise((r) => setTimeout(r, 300));
    expect(changesOf('supervisor', caseId)).toEqual(expect.arrayContaining(['claimed', 'reply', 'note', 'handed_over', 'handover_acknowledged']));
    expect(changesOf('holder', caseId)).toEqual(expect.arrayContaining(['claimed', 'reply', 'note', 'handed_over']));
    // Another counsellor: the case while it waited in the queue, then its claim (it leaves their
    // queue), and nothing of the work on it.
    const other = changesOf('otherCounselor', caseId);
    expect(other).toContain('queued');
    expect(other.slice(other.indexOf('claimed'))).toEqual(['claimed']);
    // The receiving center: from the handover on, never the desk's reply or note.
    expect(changesOf('sakyoCenter', caseId)).toEqual(['handed_over', 'handover_acknowledged']);
    expect(changesOf('kitaCenter', caseId)).toEqual([]);
    expect(changesOf('admin', caseId)).toEqual([]);
  }, 60_000);
});
