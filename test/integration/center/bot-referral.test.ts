import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeChoiceData } from '../../../src/conversation/index.js';
import type { Db } from '../../../src/db/client.js';
import { loadFlowCatalog, type FlowCatalog } from '../../../src/flows/index.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { waitFor } from '../../support/services.js';
import { createStaff, StaffClient } from '../../support/staff.js';
import { WebChatClient } from '../../support/web-client.js';

// A family asking for information in the web chat gets matching resources from
// data/resources.yaml at once; the bot's referral is stored and appears, coded and anonymised,
// in the dashboard and the export.

describe('resources offered by the bot (issue #18)', () => {
  let app: TestApp;
  let db: Db;
  let catalog: FlowCatalog;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.runtime.db;
    catalog = await loadFlowCatalog();
  });
  afterAll(async () => {
    await app?.dispose();
  });

  const keyOf = (flow: string, step: string) => {
    const found = catalog.flows[flow]?.steps.find((s) => s.id === step);
    return found && found.type === 'question' ? found.key : null;
  };

  it('a family choosing 「情報がほしい」 sees family classes; the referral is stored and exported', async () => {
    const chat = await WebChatClient.start(app.url);
    const wanted: Record<string, string> = { consulter: 'family', help_wanted: 'information' };
    const answered = new Set<string>();
    const reachedDesk = async () => {
      const referral = await db.referral.findFirst({ where: { via: 'bot' }, include: { case: { select: { status: true } } } });
      return referral !== null && referral.case.status !== 'INTAKE';
    };
    // Walk the whole intake (the wanted answers where asked, otherwise the first choice or skip).
    for (let turn = 0; turn < 80 && !(answered.has('help_wanted') && (await reachedDesk())); turn++) {
      let question: any;
      await waitFor(async () => {
        const messages = await chat.messages();
        const last = messages.at(-1);
        question = last?.author === 'bot' && last.choices ? last : null;
        return !!question || (answered.has('help_wanted') && (await reachedDesk()));
      }, { timeoutMs: 15_000 });
      if (!question) break;
      const options = question.choices.map((c: any) => ({ c, d: decodeChoiceData(c.data) }));
      const keyed = options.find(({ d }: any) => d.kind === 'answer' && wanted[keyOf(d.flow, d.step) ?? ''] === d.value);
      const pick = keyed ?? options.find(({ d }: any) => d.kind === 'answer') ?? options.find(({ d }: any) => d.kind === 'system' || d.kind === 'skip');
      if (!pick) break;
      if (pick.d.kind === 'answer') answered.add(keyOf(pick.d.flow, pick.d.step) ?? '');
      const before = (await chat.messages()).length;
      expect((await chat.send({ choice: { data: pick.c.data, label: pick.c.label }, clientMessageId: `walk-${turn}-${Date.now()}` })).status).toBeLessThan(300);
      await waitFor(async () => (await chat.messages()).length > before + 1);
    }
    expect(answered.has('help_wanted')).toBe(true);
    const offer = (await chat.messages()).find((m) => m.author === 'bot' && m.text?.includes('ご家族向けの教室'));
    expect(offer?.text).toContain('ひきこもり家族教室');

    const referral = await db.referral.findFirstOrThrow({ where: { via: 'bot' } });
    const caseId = referral.caseId;
    const referrals = await db.referral.findMany({ where: { caseId } });
    expect(referrals.map((r) => [r.resourceId, r.resourceKind, r.via, r.byId])).toEqual([
      ['kokoro-family-class', 'family_class', 'bot', null],
      ['center-family-class', 'family_class', 'bot', null],
      ['family-group-kyoto', 'family_group', 'bot', null],
    ]);
    // The intake ended: the case reached the desk, so the dashboard and the export count it.
    expect((await db.case.findUniqueOrThrow({ where: { id: caseId } })).status).not.toBe('INTAKE');
    const supervisor = await createStaff(db, { role: 'SUPERVISOR' });
    const asSupervisor = await StaffClient.login(app.url, supervisor);
    const overview = await asSupervisor.get('/analytics');
    expect(overview.status).toBe(200);
    expect(overview.body.center.referrals).toMatchObject({ total: 3, cases: 1, byVia: { bot: 3, desk: 0, center: 0 }, byKind: { family_class: 2, family_group: 1 } });
    const csv = await fetch(`${app.url}/api/staff/analytics/export.csv`, { headers: { cookie: asSupervisor.cookie } }).then((r) => r.text());
    const [header, ...rows] = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    const columns = header!.split(',');
    const row = rows.map((r) => r.split(',')).find((cells) => cells[columns.indexOf('referrals')] === '3');
    expect(row, csv).toBeDefined();
    expect(row![columns.indexOf('referral_kinds')]).toBe('family_class;family_group');
    expect(csv).not.toContain(caseId);
    expect(csv).not.toContain('kokoro-family-class');
  });
});
