import { beforeAll, describe, expect, it } from 'vitest';
import { initialState, runConversationStep, type Language } from '../../../src/conversation/index.js';
import type { FlowCatalog } from '../../../src/flows/index.js';
import {
  Conversation,
  EMERGENCY,
  HIGH,
  NEXT_OPENING,
  allText,
  effectsOf,
  expectWithinLineLimits,
  lastChoices,
  makeContext,
  shippedCatalog,
  type Result,
} from './helpers.js';

let catalog: FlowCatalog;
beforeAll(async () => {
  catalog = await shippedCatalog();
});

/** Welcome → family → son: waiting at family/age_band. */
function atFamilyAge(): Conversation {
  const c = new Conversation(catalog);
  c.start();
  c.tap('family');
  c.tap('son');
  expect(c.s.cursor).toEqual({ flow: 'family', step: 'age_band' });
  return c;
}

/** Answers every question with its first button (or skip) until the summary. */
function toSummary(c: Conversation): void {
  for (let i = 0; i < 40 && c.s.cursor?.step !== 'summary'; i++) {
    const first = lastChoices(c.last)[0]!;
    c.choice(first.data.startsWith('a:') ? first.data : lastChoices(c.last).at(-1)!.data);
  }
  expect(c.s.cursor).toEqual({ flow: 'closing', step: 'summary' });
}

const hotlineNumbers = () => catalog.hotlines.filter((h) => h.safety).map((h) => h.number);

function crisisAnswer(r: Result) {
  const m = r.messages.find((x) => x.type === 'actions');
  if (!m || m.type !== 'actions') throw new Error(`no crisis answer in: ${JSON.stringify(r.messages)}`);
  return m;
}

describe('welcome', () => {
  it('says it is free and anonymous, when staff reply, links the privacy notice, lists 24-hour numbers, then asks who', () => {
    const c = new Conversation(catalog);
    const r = c.start();
    expectWithinLineLimits(r.messages);
    expect(effectsOf(r, 'openCase')).toEqual([{ type: 'openCase', consulterType: null, language: 'ja' }]);
    const text = allText(r);
    expect(text).toContain('名前は言わなくても大丈夫');
    expect(text).toContain('無料');
    expect(text).toContain('受付時間内');
    for (const n of hotlineNumbers()) expect(text).toContain(n);
    expect(r.messages.find((m) => m.type === 'link')).toMatchObject({ url: '/privacy' });
    expect(lastChoices(r).map((x) => x.data)).toContain('a:intake:who:family');
    expect(lastChoices(r).map((x) => x.data)).toContain('cmd:language');
  });

  it('after hours says a counsellor replies from the next opening, in every language', () => {
    for (const [lang, first] of [
      ['ja', { kind: 'start' }],
      ['en', { kind: 'text', text: 'English' }],
      ['easy', { kind: 'text', text: 'やさしいにほんご' }],
    ] as const) {
      const r = runConversationStep(catalog, null, first, makeContext(new Date(), { open: false }));
      expect(allText(r)).toContain(NEXT_OPENING[lang]);
      expect(r.state.language).toBe(lang);
      expect(effectsOf(r, 'openCase')[0]!.language).toBe(lang);
      expect(effectsOf(r, 'updateCase')).toEqual([]);
    }
  });

  it('keeps a first message that is a story, then welcomes', () => {
    const c = new Conversation(catalog);
    const r = c.text('息子が10年部屋から出てきません。どうしたらいいでしょうか');
    expect(effectsOf(r, 'recordAnswer')[0]).toMatchObject({ key: 'message', freeText: expect.stringContaining('10年') });
    expect(c.s.cursor).toEqual({ flow: 'intake', step: 'who' });
  });
});

describe('danger hook', () => {
  it('an emergency mid-intake: the crisis answer with its lines as tap targets, alert, queue, no questions until the user continues', () => {
    const c = atFamilyAge();
    const r = c.text('もう死にたいと言っています', { triage: EMERGENCY });
    expectWithinLineLimits(r.messages);
    const answer = crisisAnswer(r);
    expect(answer.actions[0]!.uri).toBe('tel:0758644343'); // 京都いのちの電話 first for suicidal thoughts
    expect(answer.actions.map((a) => a.uri)).toContain('https://talkme.jp/'); // a 24-hour chat for people who cannot phone
    expect(effectsOf(r, 'raiseAlert')).toEqual([{ type: 'raiseAlert', urgency: 'emergency', signals: ['suicidal_ideation'], score: 82, kinds: ['suicide'] }]);
    const queued = effectsOf(r, 'queueForStaff');
    expect(queued.map((q) => q.reason)).toEqual(['emergency']);
    expect(queued[0]!.summary).toMatchObject({ consulterType: 'family', answers: { consulter: 'family', relation: 'son' } });
    expect(effectsOf(r, 'recordAnswer')[0]).toMatchObject({ key: 'message', freeText: 'もう死にたいと言っています' });
    expect(c.s.phase).toBe('safety');
    // Suicidal thoughts: acknowledge and ask directly.
    expect(answer.text).toContain('まっすぐ聞かせてください');
    expect(lastChoices(r).map((x) => x.data)).toEqual(['sys:safety:yes', 'sys:safety:no', 'sys:safety:unsure', 'cmd:talk']);

    // A later message that is not itself dangerous: no list, recorded, the numbers one tap away.
    const again = c.text('つらい');
    expect(effectsOf(again, 'raiseAlert')).toEqual([]);
    expect(effectsOf(again, 'recordAnswer')).toHaveLength(1);
    expect(again.messages.some((m) => m.type === 'actions')).toBe(false);
    expect(lastChoices(again).map((x) => x.data)).toEqual(['cmd:hotlines', 'cmd:talk', 'sys:continue:go']);
    // A later message that is itself dangerous raises a new alert, still without repeating the list.
    const worse = c.text('もう無理', { triage: EMERGENCY });
    expect(effectsOf(worse, 'raiseAlert')).toHaveLength(1);
    expect(worse.messages.some((m) => m.type === 'actions')).toBe(false);
    expect(c.s.phase).toBe('safety');
    // A stale answer button does not resume the questions.
    c.choice('a:family:age_band:40s');
    expect(c.s.phase).toBe('safety');
    expect(c.s.answers.age_band).toBeUndefined();

    // "質問にもどる" resumes at the same question.
    const back = c.tap('質問にもどる');
    expect(c.s.phase).toBe('intake');
    expect(c.s.cursor).toEqual({ flow: 'family', step: 'age_band' });
    expect(allText(back)).toContain('ご本人の年代');
  });

  it('an emergency as the very first message: case opened, alert, numbers; continuing starts the welcome', () => {
    const c = new Conversation(catalog);
    const r = c.text('死にたい', { triage: EMERGENCY });
    expect(r.effects.map((e) => e.type)).toEqual(['openCase', 'recordAnswer', 'raiseAlert', 'queueForStaff']);
    expect(crisisAnswer(r).actions.map((a) => a.uri)).toContain('tel:0120279338');
    expect(c.s.phase).toBe('safety');
    c.tap('いいえ');
    const next = c.tap('質問にもどる');
    expect(allText(next)).toContain('「よりそい」');
    expect(c.s.cursor).toEqual({ flow: 'intake', step: 'who' });
  });

  it('typing the continue label also resumes; staff joining ends the safety pause', () => {
    const c = atFamilyAge();
    c.text('死にたい', { triage: EMERGENCY });
    c.text('質問にもどる');
    expect(c.s.phase).toBe('intake');
    c.text('死にたい', { triage: EMERGENCY });
    const joined = c.send({ kind: 'staffJoined' });
    expect(joined.messages).toEqual([]);
    expect(c.s.phase).toBe('staff');
  });

  it('shows the crisis answer in the user language', () => {
    const c = atFamilyAge();
    c.text('English');
    const r = c.text('I want to die', { triage: { ...EMERGENCY, language: 'en' } });
    expect(crisisAnswer(r).text).toContain('are you thinking of ending your life right now?');
    // Kyoto Inochi no Denwa speaks Japanese only: English-speaking lines come first.
    expect(crisisAnswer(r).actions[0]!.uri).toBe('tel:0120279338');
    expect(crisisAnswer(r).actions.map((a) => a.uri)).toContain('tel:0357740992');
    expect(lastChoices(r).map((x) => x.label)).toEqual(['Yes', 'No', "I'm not sure", 'Talk to a person now']);
  });

  it('after the hand-off an emergency still alerts once and offers to continue', () => {
    const c = new Conversation(catalog);
    c.start();
    toSummary(c);
    c.tap('confirm');
    expect(c.s.phase).toBe('handedOff');
    const r = c.text('消えたい', { triage: EMERGENCY });
    expect(effectsOf(r, 'raiseAlert')).toHaveLength(1);
    expect(c.s.phase).toBe('safety');
    const no = c.tap('いいえ');
    expect(lastChoices(no).at(-1)!.label).toBe('続ける');
    c.tap('続ける');
    expect(c.s.phase).toBe('handedOff');
  });

  it('with a counsellor present: the crisis answer and an alert on every danger signal (the desk paces notifications)', () => {
    const c = atFamilyAge();
    c.send({ kind: 'staffJoined' });
    const first = c.text('死にたい', { triage: EMERGENCY });
    expect(effectsOf(first, 'raiseAlert')).toHaveLength(1);
    expect(crisisAnswer(first).text).toContain('担当の相談員にも');
    const second = c.text('今から飛び降りる', { triage: EMERGENCY });
    expect(effectsOf(second, 'raiseAlert')).toHaveLength(1);
    expect(second.messages.some((m) => m.type === 'actions')).toBe(false);
    expect(c.s.phase).toBe('staff');
  });

  it('with a counsellor holding the chat after hours the bot steps back: no desk-hours notes', () => {
    const c = atFamilyAge();
    c.send({ kind: 'staffJoined' });
    const open = c.text('ありがとうございます');
    expect(open.messages).toEqual([]);
    const night = c.send({ kind: 'text', text: '夜分にすみません' }, { open: false });
    expect(night.messages).toEqual([]);
  });

  it('a counsellor releasing the case hands the chat back to the bot', () => {
    const c = atFamilyAge();
    c.send({ kind: 'staffJoined' });
    expect(c.text('もしもし').messages).toEqual([]);
    c.send({ kind: 'staffLeft' });
    expect(c.s.phase).toBe('handedOff');
    expect(c.text('まだいますか').messages.length).toBeGreaterThan(0);
  });

  it('high concern: one alert, a gentle acknowledgement, and the flow goes on with the text kept', () => {
    const c = atFamilyAge();
    const r = c.text('もう疲れ果てました', { triage: HIGH });
    expect(effectsOf(r, 'raiseAlert')).toEqual([{ type: 'raiseAlert', urgency: 'high', signals: ['exhaustion'], score: 42, kinds: [] }]);
    expect(allText(r)).toContain('つらい気持ちを書いてくださって');
    expect(effectsOf(r, 'recordAnswer')[0]).toMatchObject({ key: 'age_band', value: null, freeText: 'もう疲れ果てました' });
    expect(c.s.cursor?.step).toBe('duration');
    const again = c.text('本当に疲れた', { triage: HIGH });
    expect(effectsOf(again, 'raiseAlert')).toEqual([]);
    expect(c.s.phase).toBe('intake');
  });

  it('a choice marked risk: answered at once with help, queued, and the questions go on when the person wants', () => {
    const c = atFamilyAge();
    for (let i = 0; i < 10 && c.s.cursor?.step !== 'exhaustion'; i++) c.choice(lastChoices(c.last).at(-1)!.data);
    const r = c.tap('limit');
    expect(effectsOf(r, 'raiseAlert')).toEqual([{ type: 'raiseAlert', urgency: 'high', signals: ['answer:family_exhaustion=limit'], score: 60, kinds: [] }]);
    expect(effectsOf(r, 'queueForStaff').map((q) => q.reason)).toEqual(['risk']);
    expect(effectsOf(r, 'queueForStaff')[0]!.summary.answers).toMatchObject({ consulter: 'family', family_exhaustion: 'limit' });
    const answer = crisisAnswer(r);
    expect(answer.text).toContain('よくがんばってこられました');
    expect(answer.actions[0]!.uri).toBe('tel:0120279338');
    expect(lastChoices(r).map((x) => x.data)).toEqual(['cmd:talk', 'sys:continue:go']);
    expect(r.messages).toHaveLength(1); // the next question waits
    const next = c.tap('質問にもどる');
    expect(c.s.cursor?.step).toBe('health_consent');
    expect(allText(next)).toContain('体や心の調子');
  });
});

describe('anywhere commands in all three languages', () => {
  const words: Record<Language, Record<'talk' | 'restart' | 'pause' | 'delete' | 'help' | 'language', string>> = {
    ja: { talk: '人と話したいです', restart: '最初から', pause: 'やめる', delete: 'データを消して', help: 'ヘルプ', language: '言語' },
    en: { talk: 'Talk to a person', restart: 'start over', pause: 'Pause', delete: 'delete my data', help: 'help', language: 'Language' },
    easy: { talk: 'ひとと はなしたい', restart: 'さいしょから', pause: 'やすむ', delete: 'データを けして', help: 'つかいかた', language: 'ことば' },
  };

  function inLanguage(lang: Language): Conversation {
    const c = atFamilyAge();
    if (lang !== 'ja') c.choice(`cmd:lang_${lang}`);
    return c;
  }

  it.each(['ja', 'en', 'easy'] as const)('%s: talk to a person queues for staff and keeps accepting messages', (lang) => {
    const c = inLanguage(lang);
    const r = c.text(words[lang].talk);
    expect(effectsOf(r, 'queueForStaff').map((q) => q.reason)).toEqual(['requested']);
    expect(c.s.phase).toBe('handedOff');
    expect(lastChoices(r).map((x) => x.data)).toEqual(['sys:continue:go']);
    const after = c.text(lang === 'en' ? 'Are you there?' : 'まだですか');
    expect(after.messages.length).toBe(1);
    expect(effectsOf(after, 'recordAnswer')).toHaveLength(1);
    // and the questions can be taken up again
    c.choice('sys:continue:go');
    expect(c.s.cursor).toEqual({ flow: 'family', step: 'age_band' });
  });

  it.each(['ja', 'en', 'easy'] as const)('%s: start over, pause, delete, help, language', (lang) => {
    const c = inLanguage(lang);
    c.text(words[lang].restart);
    expect(c.s.cursor).toEqual({ flow: 'intake', step: 'who' });
    expect(c.s.answers).toEqual({});
    expect(c.s.language).toBe(lang);

    const paused = c.text(words[lang].pause);
    expect(c.s.pending).toBe('resume');
    expect(paused.messages).toHaveLength(1);
    const resumed = c.text(lang === 'en' ? 'Continue' : lang === 'ja' ? '続きから' : 'つづきから');
    expect(c.s.pending).toBeNull();
    expect(lastChoices(resumed).map((x) => x.data)).toContain('a:intake:who:self');

    const help = c.text(words[lang].help);
    expect(help.messages.length).toBe(2);
    expect(lastChoices(help).map((x) => x.data)).toContain('a:intake:who:self');

    const menu = c.text(words[lang].language);
    expect(lastChoices(menu).map((x) => x.data)).toEqual(['cmd:lang_ja', 'cmd:lang_en', 'cmd:lang_easy']);

    const ask = c.text(words[lang].delete);
    expect(c.s.pending).toBe('deleteConfirm');
    expect(effectsOf(ask, 'deleteUserData')).toEqual([]);
    const done = c.choice('sys:delete:yes');
    expect(effectsOf(done, 'deleteUserData')).toHaveLength(1);
    expect(c.s.phase).toBe('new');
    expect(c.s.answers).toEqual({});
    expect(c.s.language).toBe(lang);
  });

  it('a command word inside a longer message is just text', () => {
    const c = atFamilyAge();
    const r = c.text('学校をやめることにしたそうです');
    expect(effectsOf(r, 'recordAnswer')[0]).toMatchObject({ key: 'age_band', freeText: '学校をやめることにしたそうです' });
    expect(c.s.pending).toBeNull();
  });

  it('command words match loosely: width, kana, spaces, punctuation, polite endings', () => {
    for (const word of ['ｽﾀｯﾌ', 'すたっふ', ' 人と 話したい！', 'TALK TO A PERSON.', '相談員と話したいです', 'お願いします人と話したい']) {
      const c = atFamilyAge();
      expect(effectsOf(c.text(word), 'queueForStaff').map((q) => q.reason), word).toEqual(['requested']);
    }
  });

  it('rich-menu style command buttons work in any phase; crisis numbers on request without alerting', () => {
    const c = new Conversation(catalog);
    const r = c.choice('cmd:hotlines');
    expect(allText(r)).toContain('0120-279-338');
    expect(effectsOf(r, 'raiseAlert')).toEqual([]);
    expect(c.s.cursor).toEqual({ flow: 'intake', step: 'who' });
    c.choice('cmd:start');
    expect(c.s.cursor).toEqual({ flow: 'intake', step: 'who' });
  });

  it('delete: typing the confirmation word deletes; anything else keeps the data and is read as usual', () => {
    const c = atFamilyAge();
    c.text('削除');
    const kept = c.text('20代です');
    expect(effectsOf(kept, 'deleteUserData')).toEqual([]);
    expect(allText(kept)).toContain('消さずに');
    expect(c.s.pending).toBeNull();
    expect(c.s.answers.relation).toBe('son');

    c.text('delete');
    const del = c.text('Delete');
    expect(effectsOf(del, 'deleteUserData')).toHaveLength(1);
    expect(c.s.answers).toEqual({});
    // the next message starts a new conversation with a new case
    const again = c.text('こんにちは');
    expect(effectsOf(again, 'openCase')).toHaveLength(1);
    expect(c.s.cursor).toEqual({ flow: 'intake', step: 'who' });
  });

  it('a stale "yes, delete" button does nothing when no deletion was asked', () => {
    const c = atFamilyAge();
    const r = c.choice('sys:delete:yes');
    expect(effectsOf(r, 'deleteUserData')).toEqual([]);
    expect(c.s.answers.relation).toBe('son');
    expect(allText(r)).toContain('前のメッセージ');
  });
});

describe('language switch', () => {
  it('switches mid-question, tells the case, and asks the same question in the new language', () => {
    const c = atFamilyAge();
    const r = c.text('English');
    expect(c.s.language).toBe('en');
    expect(effectsOf(r, 'updateCase')).toEqual([{ type: 'updateCase', patch: { language: 'en' } }]);
    expect(allText(r)).toContain('I will continue in English.');
    expect(allText(r)).toContain('How old is the person');
    expect(lastChoices(r).at(-1)!.label).toBe('Skip');
    const easy = c.choice('cmd:lang_easy');
    expect(allText(easy)).toContain('ほんにんは なんさいぐらいですか');
    // answers typed in another language still match
    c.text('40代');
    expect(c.s.answers.age_band).toBe('40s');
  });
});

describe('never turn away', () => {
  it('skip by button and by words records a skipped answer and moves on', () => {
    const c = atFamilyAge();
    for (const [input, step] of [
      [{ kind: 'choice', data: 'skip:family:age_band' }, 'duration'],
      [{ kind: 'text', text: 'とばす' }, 'going_out'],
      [{ kind: 'text', text: 'Skip' }, 'household'],
      [{ kind: 'text', text: '答えたくないです' }, 'household_oldest'],
    ] as const) {
      const r = c.send(input);
      expect(effectsOf(r, 'recordAnswer')[0]).toMatchObject({ value: null, freeText: null });
      expect(c.s.cursor?.step).toBe(step);
    }
  });

  it('free text at a choice step is kept with that item and the next question follows', () => {
    const c = atFamilyAge();
    const r = c.text('たぶん40歳くらいだと思います');
    expect(effectsOf(r, 'recordAnswer')).toEqual([
      { type: 'recordAnswer', flowId: 'family', stepId: 'age_band', key: 'age_band', value: null, freeText: 'たぶん40歳くらいだと思います' },
    ]);
    expect(allText(r)).toContain('書いてくださって');
    expect(c.s.cursor?.step).toBe('duration');
    expect(c.s.freeText.age_band).toEqual(['たぶん40歳くらいだと思います']);
  });

  it('typing a choice label answers the question', () => {
    const c = atFamilyAge();
    c.text('30代');
    expect(c.s.answers.age_band).toBe('30s');
  });

  it('stale, repeated and unknown buttons get a kind word and the current question again', () => {
    const c = atFamilyAge();
    c.choice('a:family:age_band:30s');
    for (const data of ['a:family:age_band:30s', 'a:intake:who:self', 'a:family:duration:nonsense', 'hello', '', 'cmd:unknown']) {
      const r = c.choice(data);
      expect(effectsOf(r, 'recordAnswer'), data).toEqual([]);
      expect(allText(r), data).toContain('前のメッセージ');
      expect(lastChoices(r).map((x) => x.data), data).toContain('skip:family:duration');
      expect(c.s.cursor?.step).toBe('duration');
    }
  });

  it('media and stickers are acknowledged and the question is asked again', () => {
    const c = atFamilyAge();
    for (const media of ['sticker', 'image', 'location', 'audio'] as const) {
      const r = c.send({ kind: 'media', media });
      expect(r.messages.length).toBe(2);
      expect(c.s.cursor?.step).toBe('age_band');
    }
  });

  it('empty and whitespace-only text re-asks without recording', () => {
    const c = atFamilyAge();
    for (const text of ['', '   ', '\n']) {
      const r = c.text(text);
      expect(effectsOf(r, 'recordAnswer')).toEqual([]);
      expect(lastChoices(r).length).toBeGreaterThan(0);
    }
  });

  it('a stored state this release cannot read starts afresh instead of failing', () => {
    for (const bad of [{}, { version: 99 }, { ...initialState(), phase: 'weird' }, 'text', 42]) {
      const r = runConversationStep(catalog, bad as never, { kind: 'text', text: 'こんにちは' }, makeContext(new Date()));
      expect(r.state.phase).toBe('intake');
      expect(r.messages.length).toBeGreaterThan(0);
    }
  });
});

describe('consent before health questions', () => {
  function atConsent(): Conversation {
    const c = new Conversation(catalog);
    c.start();
    c.tap('self');
    for (let i = 0; i < 10 && c.s.cursor?.step !== 'health_consent'; i++) c.choice(lastChoices(c.last)[0]!.data);
    expect(c.s.cursor?.step).toBe('health_consent');
    return c;
  }

  it('yes records the consent with its wording version and asks the health questions', () => {
    const c = atConsent();
    const r = c.tap('yes');
    expect(effectsOf(r, 'recordConsent')).toEqual([{ type: 'recordConsent', kind: 'health_info', granted: true, wordingVersion: 'health-v1' }]);
    expect(c.s.cursor?.step).toBe('health_care');
  });

  it('no records the refusal and simply continues without them', () => {
    const c = atConsent();
    const r = c.tap('no');
    expect(effectsOf(r, 'recordConsent')[0]).toMatchObject({ granted: false });
    expect(c.s.cursor?.step).toBe('connections');
  });

  it('skip records no consent and skips them too', () => {
    const c = atConsent();
    const r = c.text('スキップ');
    expect(effectsOf(r, 'recordConsent')).toEqual([]);
    expect(c.s.cursor?.step).toBe('connections');
  });
});

describe('summary and corrections', () => {
  it('shows the answers; an item can be answered again and the summary comes back', () => {
    const c = atFamilyAge();
    c.tap('40s');
    toSummary(c);
    expect(allText(c.last)).toContain('・ご本人の年代：40代');
    const menu = c.tap('fix');
    expect(c.s.pending).toBe('fixMenu');
    expect(lastChoices(menu).map((x) => x.data)).toContain('sys:fix:age_band');
    expect(lastChoices(menu).map((x) => x.data)).not.toContain('sys:fix:consulter');
    c.choice('sys:fix:age_band');
    expect(c.s.cursor).toEqual({ flow: 'family', step: 'age_band' });
    const back = c.tap('50s');
    expect(c.s.cursor).toEqual({ flow: 'closing', step: 'summary' });
    expect(allText(back)).toContain('・ご本人の年代：50代');
  });

  it('corrections can simply be written, from the menu or straight at the summary', () => {
    const c = new Conversation(catalog);
    c.start();
    toSummary(c);
    c.tap('fix');
    c.choice('sys:fix:_write');
    expect(c.s.pending).toBe('fixWrite');
    const r = c.text('年齢は45歳です');
    expect(effectsOf(r, 'recordAnswer')[0]).toMatchObject({ key: 'correction', freeText: '年齢は45歳です' });
    expect(allText(r)).toContain('なおしたい点：「年齢は45歳です」');
    const r2 = c.text('電話は夜がいいです');
    expect(effectsOf(r2, 'recordAnswer')[0]).toMatchObject({ key: 'correction' });
    expect(c.s.cursor?.step).toBe('summary');
    const sent = c.text('この内容で送る');
    expect(effectsOf(sent, 'queueForStaff')[0]!.summary.freeText.correction).toEqual(['年齢は45歳です', '電話は夜がいいです']);
  });
});

describe('resume after a gap', () => {
  it('offers to continue or start over after a long silence, keeping what was written', () => {
    const c = atFamilyAge();
    const r = c.text('こんばんは、また来ました', { advanceMinutes: 120 });
    expect(c.s.pending).toBe('resume');
    expect(effectsOf(r, 'recordAnswer')[0]).toMatchObject({ key: 'message', stepId: 'resume' });
    expect(lastChoices(r).map((x) => x.data)).toEqual(['sys:continue:go', 'cmd:restart']);
    const back = c.choice('sys:continue:go');
    expect(c.s.cursor).toEqual({ flow: 'family', step: 'age_band' });
    expect(allText(back)).toContain('ご本人の年代');
  });

  it('start over from the resume prompt begins again', () => {
    const c = atFamilyAge();
    c.start(true);
    expect(c.s.pending).toBe('resume');
    c.tap('restart');
    expect(c.s.cursor).toEqual({ flow: 'intake', step: 'who' });
    expect(c.s.answers).toEqual({});
  });

  it('a short pause needs no prompt, and the current button still works after a long one', () => {
    const c = atFamilyAge();
    c.text('20代', { advanceMinutes: 10 });
    expect(c.s.answers.age_band).toBe('20s');
    c.tap('1_3y', { advanceMinutes: 600 });
    expect(c.s.answers.duration).toBe('1_3y');
    expect(c.s.pending).toBeNull();
  });
});

describe('after the intake', () => {
  function finished(): Conversation {
    const c = new Conversation(catalog);
    c.start();
    toSummary(c);
    const r = c.tap('confirm');
    expect(effectsOf(r, 'queueForStaff').map((q) => q.reason)).toEqual(['completed']);
    return c;
  }

  it('acknowledges briefly, records, and queues for staff again only after a while', () => {
    const c = finished();
    const first = c.text('追加で伝えたいことがあります');
    expect(effectsOf(first, 'queueForStaff')).toEqual([]);
    expect(allText(first)).toContain('あわせて相談員に届けます');
    expect(effectsOf(first, 'recordAnswer')[0]).toMatchObject({ key: 'message', stepId: 'after_intake' });
    const later = c.text('やっぱり電話がいいです', { advanceMinutes: 7 * 60 });
    expect(effectsOf(later, 'queueForStaff').map((q) => q.reason)).toEqual(['message_after_intake']);
    expect(allText(later)).toContain('相談員に届けました');
    const soon = c.send({ kind: 'media', media: 'image' });
    expect(effectsOf(soon, 'queueForStaff')).toEqual([]);
    expect(soon.messages).toHaveLength(1);
    expect(lastChoices(soon)).toEqual([]);
  });

  it('does not ask the questions again, even for old buttons or a returning start', () => {
    const c = finished();
    const old = c.choice('a:intake:who:self');
    expect(effectsOf(old, 'recordAnswer')).toEqual([]);
    expect(c.s.phase).toBe('handedOff');
    const back = c.start(true);
    expect(allText(back)).toContain('おかえりなさい');
    expect(c.s.phase).toBe('handedOff');
  });
});

describe('staff, inactivity, stop', () => {
  it('once staff joined, the bot is quiet except for deleting data', () => {
    const c = atFamilyAge();
    const joined = c.send({ kind: 'staffJoined' });
    expect(joined.messages).toEqual([]);
    for (const text of ['こんにちは', 'ヘルプ', '最初から', '20代', 'English']) {
      const r = c.text(text);
      expect(r.messages, text).toEqual([]);
      expect(c.s.phase).toBe('staff');
    }
    expect(c.s.language).toBe('ja');
    const ask = c.text('データを消して');
    expect(lastChoices(ask).map((x) => x.data)).toEqual(['sys:delete:yes', 'sys:delete:no']);
    const del = c.choice('sys:delete:yes');
    expect(effectsOf(del, 'deleteUserData')).toHaveLength(1);
  });

  it('inactivity hands what was collected to staff once, without a message', () => {
    const c = atFamilyAge();
    const r = c.send({ kind: 'inactivity' });
    expect(r.messages).toEqual([]);
    expect(effectsOf(r, 'queueForStaff').map((q) => q.reason)).toEqual(['inactive']);
    expect(effectsOf(r, 'queueForStaff')[0]!.summary.answers).toMatchObject({ consulter: 'family', relation: 'son' });
    expect(effectsOf(c.send({ kind: 'inactivity' }), 'queueForStaff')).toEqual([]);
    c.text('20代');
    expect(effectsOf(c.send({ kind: 'inactivity' }), 'queueForStaff')).toHaveLength(1);
  });

  it('inactivity with nothing collected does nothing', () => {
    const c = new Conversation(catalog);
    c.start();
    expect(c.send({ kind: 'inactivity' }).effects).toEqual([]);
  });

  it('stop (unfollow) emits contactStopped and no message; coming back offers to resume', () => {
    const c = atFamilyAge();
    const r = c.send({ kind: 'stop' });
    expect(r.messages).toEqual([]);
    expect(r.effects).toEqual([{ type: 'contactStopped' }]);
    expect(c.s.contactStopped).toBe(true);
    c.start(true);
    expect(c.s.contactStopped).toBe(false);
    expect(c.s.pending).toBe('resume');
  });
});

describe('paths by who is writing', () => {
  it('agency with an assessment: handover summary and key items only', () => {
    const c = new Conversation(catalog);
    c.start();
    c.tap('agency');
    c.tap('welfare');
    c.tap('yes');
    expect(c.s.cursor?.step).toBe('handover_summary');
    c.text('70代の母と40代の本人の二人暮らし。本人は支援を希望。');
    expect(c.s.cursor?.step).toBe('age_band');
    c.tap('40s');
    expect(c.s.cursor?.step).toBe('household_oldest');
    c.tap('70s');
    expect(c.s.cursor?.step).toBe('person_aware');
  });

  it('neighbour: no questions about consent to share, a gentle way to stay in touch', () => {
    const c = new Conversation(catalog);
    c.start();
    c.tap('neighbour');
    c.tap('neighbour');
    const r = c.text('最近お見かけしないので気になっています');
    expect(allText(r)).toContain('無理に何かをしなくても大丈夫');
    c.tap('yes');
    for (let i = 0; i < 10 && c.s.cursor?.step !== 'summary'; i++) {
      expect(c.s.cursor?.step).not.toBe('handover_consent');
      c.choice(lastChoices(c.last).at(-1)!.data);
    }
    expect(c.s.cursor?.step).toBe('summary');
  });

  it('textFor: agency staff see their own wording of the consent question', () => {
    const c = new Conversation(catalog);
    c.start();
    c.tap('agency');
    for (let i = 0; i < 30 && c.s.cursor?.step !== 'handover_consent'; i++) c.choice(lastChoices(c.last).at(-1)!.data);
    expect(allText(c.last)).toContain('ご本人・ご家族の同意の状況');
  });
});
