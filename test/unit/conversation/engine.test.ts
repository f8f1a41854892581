import { beforeAll, describe, expect, it } from 'vitest';
import { initialState, runConversationStep, type Language, type TriageResult } from '../../../src/conversation/index.js';
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
  it('is short: free and anonymous, when staff reply, the privacy notice, a tap target for danger, then asks who', () => {
    const c = new Conversation(catalog);
    const r = c.start();
    expectWithinLineLimits(r.messages);
    expect(effectsOf(r, 'openCase')).toEqual([{ type: 'openCase', consulterType: null, language: 'ja' }]);
    const text = allText(r);
    expect(text).toContain('名前は言わなくて大丈夫');
    expect(text).toContain('無料');
    expect(text).toContain('受付時間内');
    expect(text).toContain('そのまま書いてください');
    // Everything before the first question is well under 250 characters.
    expect(r.messages.slice(0, -1).map((m) => m.text).join('').length).toBeLessThan(250);
    expect(r.messages.find((m) => m.type === 'link')).toMatchObject({ url: '/privacy' });
    const buttons = lastChoices(r).map((x) => x.data);
    expect(buttons).toContain('a:intake:who:family');
    expect(buttons).toContain('cmd:hotlines');
    expect(buttons).toContain('cmd:language');
    expect(buttons).toContain('cmd:send_now');
    const numbers = c.choice('cmd:hotlines');
    // The numbers come as tap targets (tel:) — in the text or on the buttons of the crisis answer.
    for (const n of ['110', '119']) expect(JSON.stringify(numbers.messages)).toContain(n);
  });

  it('after hours says a counsellor replies from the next opening, in every language', () => {
    for (const [lang, first] of [
      ['ja', { kind: 'start' }],
      ['en', { kind: 'text', text: 'English' }],
      ['easy', { kind: 'text', text: 'やさしいにほんご' }],
      ['zh', { kind: 'choice', data: 'cmd:lang_zh' }],
      ['ko', { kind: 'text', text: '한국어' }],
      ['vi', { kind: 'choice', data: 'cmd:lang_vi' }],
      ['pt', { kind: 'text', text: 'Português' }],
    ] as const) {
      const r = runConversationStep(catalog, null, first, makeContext(new Date(), { open: false }));
      expect(allText(r)).toContain(NEXT_OPENING[lang]);
      expect(r.state.language).toBe(lang);
      expect(effectsOf(r, 'openCase')[0]!.language).toBe(lang);
      expect(effectsOf(r, 'updateCase')).toEqual([]);
    }
  });

  it('a first message that is a story is the consultation: kept, sent to staff at once, welcomed', () => {
    const c = new Conversation(catalog);
    const r = c.text('息子が10年部屋から出てきません。どうしたらいいでしょうか');
    expect(effectsOf(r, 'recordAnswer')[0]).toMatchObject({ key: 'message', freeText: expect.stringContaining('10年') });
    expect(effectsOf(r, 'queueForStaff').map((q) => q.reason)).toEqual(['first_message']);
    expect(allText(r)).toContain('しっかり受け取りました');
    expect(c.s.cursor).toEqual({ flow: 'intake', step: 'who' });
  });

  it('a person who simply writes in Chinese, Korean, Vietnamese or Portuguese is answered in it at once', () => {
    const cases = [
      ['zh', '我儿子不出门已经五年了'],
      ['ko', '아들이 5년째 방에서 나오지 않아요'],
      ['vi', 'Con trai tôi không ra khỏi phòng đã 5 năm'],
      ['pt', 'O meu filho não sai do quarto há cinco anos'],
    ] as const;
    for (const [lang, text] of cases) {
      const triage: TriageResult = { urgency: 'normal', signals: [], score: 0, check: false, kinds: [], language: lang };
      const r = runConversationStep(catalog, null, { kind: 'text', text }, makeContext(new Date(), { triage }));
      expect(r.state.language, lang).toBe(lang);
      expect(effectsOf(r, 'openCase')[0]!.language).toBe(lang);
      const welcome = catalog.flows.intake!.steps[0]!.text[lang]!.split('\n')[0]!;
      expect(allText(r)).toContain(welcome);
      expect(allText(r)).not.toMatch(/[\u3040-\u30ff]/);
    }
  });

  it('a language chosen by the person stays, whatever they write next', () => {
    const c = new Conversation(catalog);
    c.start();
    c.choice('cmd:lang_en');
    c.text('我想咨询', { triage: { urgency: 'normal', signals: [], score: 0, check: false, kinds: [], language: 'zh' } });
    expect(c.s.language).toBe('en');
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

  it('a worrying first message is queued once, as a concern, before any question', () => {
    const c = new Conversation(catalog);
    const r = c.text('もう疲れ果てました', { triage: HIGH });
    expect(effectsOf(r, 'queueForStaff').map((e) => e.reason)).toEqual(['concern']);
  });

  it('high concern: one alert, a gentle acknowledgement, and the flow goes on with the text kept', () => {
    const c = atFamilyAge();
    const r = c.text('もう疲れ果てました', { triage: HIGH });
    expect(effectsOf(r, 'raiseAlert')).toEqual([{ type: 'raiseAlert', urgency: 'high', signals: ['exhaustion'], score: 42, kinds: [] }]);
    expect(allText(r)).toContain('つらい気持ちを書いてくださって');
    // Not an answer to "how old?": kept as their message, and the question asked again.
    expect(effectsOf(r, 'recordAnswer')[0]).toMatchObject({ key: 'message', value: null, freeText: 'もう疲れ果てました' });
    expect(c.s.answers.age_band).toBeUndefined();
    expect(c.s.cursor?.step).toBe('age_band');
    const again = c.text('本当に疲れた', { triage: HIGH });
    expect(effectsOf(again, 'raiseAlert')).toEqual([]);
    expect(c.s.phase).toBe('intake');
  });

  it('a choice marked risk: answered at once with help, queued, and the questions go on when the person wants', () => {
    const c = atFamilyAge();
    for (let i = 0; i < 10 && c.s.cursor?.step !== 'exhaustion'; i++) c.choice(lastChoices(c.last).find((b) => b.data.startsWith('skip:'))!.data);
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
    expect(c.s.cursor?.step).toBe('help_wanted');
    expect(allText(next)).toContain('どんなことがあるといいですか');
  });
});

describe('anywhere commands in all three languages', () => {
  const words: Record<Language, Record<'talk' | 'restart' | 'pause' | 'delete' | 'help' | 'language', string>> = {
    ja: { talk: '人と話したいです', restart: '最初から', pause: 'やめる', delete: 'データを消して', help: 'ヘルプ', language: '言語' },
    en: { talk: 'Talk to a person', restart: 'start over', pause: 'Pause', delete: 'delete my data', help: 'help', language: 'Language' },
    easy: { talk: 'ひとと はなしたい', restart: 'さいしょから', pause: 'やすむ', delete: 'データを けして', help: 'つかいかた', language: 'ことば' },
    zh: { talk: '人工', restart: '重新开始', pause: '休息', delete: '删除数据', help: '帮助', language: '语言' },
    ko: { talk: '상담원', restart: '처음부터', pause: '쉬기', delete: '데이터 삭제', help: '도움말', language: '언어' },
    vi: { talk: 'nói chuyện với người', restart: 'bắt đầu lại', pause: 'nghỉ', delete: 'xóa dữ liệu', help: 'trợ giúp', language: 'ngôn ngữ' },
    pt: { talk: 'falar com alguém', restart: 'recomeçar', pause: 'pausa', delete: 'apagar dados', help: 'ajuda', language: 'idioma' },
  };
  const ALL = ['ja', 'en', 'easy', 'zh', 'ko', 'vi', 'pt'] as const;
  const CONTINUE: Record<Language, string> = { ja: '続きから', en: 'Continue', easy: '続（つづ）きから', zh: '继续', ko: '이어서 하기', vi: 'Tiếp tục', pt: 'Continuar' };

  function inLanguage(lang: Language): Conversation {
    const c = atFamilyAge();
    if (lang !== 'ja') c.choice(`cmd:lang_${lang}`);
    return c;
  }

  it.each(ALL)('%s: talk to a person queues for staff and keeps accepting messages', (lang) => {
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

  it.each(ALL)('%s: start over, pause, delete, help, language', (lang) => {
    const c = inLanguage(lang);
    c.text(words[lang].restart);
    expect(c.s.cursor).toEqual({ flow: 'intake', step: 'who' });
    expect(c.s.answers).toEqual({});
    expect(c.s.language).toBe(lang);

    const paused = c.text(words[lang].pause);
    expect(c.s.pending).toBe('resume');
    expect(paused.messages).toHaveLength(1);
    const resumed = c.text(CONTINUE[lang]);
    expect(c.s.pending).toBeNull();
    expect(lastChoices(resumed).map((x) => x.data)).toContain('a:intake:who:self');

    const help = c.text(words[lang].help);
    expect(help.messages.length).toBe(2);
    expect(lastChoices(help).map((x) => x.data)).toContain('a:intake:who:self');

    const menu = c.text(words[lang].language);
    expect(lastChoices(menu).map((x) => x.data)).toEqual(['cmd:lang_ja', 'cmd:lang_easy', 'cmd:lang_en', 'cmd:lang_zh', 'cmd:lang_ko', 'cmd:lang_vi', 'cmd:lang_pt']);

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
    expect(effectsOf(r, 'recordAnswer')[0]).toMatchObject({ key: 'message', freeText: '学校をやめることにしたそうです' });
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
    expect(JSON.stringify(r.messages)).toMatch(/0120-?279-?338/);
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
    expect(lastChoices(r).map((b) => b.label).slice(-2)).toEqual(['Skip', 'Send as it is']);
    const easy = c.choice('cmd:lang_easy');
    expect(allText(easy)).toContain('本人（ほんにん）は 何歳（なんさい）ですか');
    // answers typed in another language still match
    c.text('40代');
    expect(c.s.answers.age_band).toBe('40s');
  });
});

describe('never turn away', () => {
  it('skip by button and by words records a skipped answer and moves on', () => {
    const c = atFamilyAge();
    for (const [input, step] of [
      [{ kind: 'choice', data: 'skip:family:age_band' }, 'worries'],
      [{ kind: 'text', text: 'とばす' }, 'exhaustion'],
      [{ kind: 'text', text: 'Skip' }, 'help_wanted'],
      [{ kind: 'text', text: '答えたくないです' }, 'more'],
    ] as const) {
      const r = c.send(input);
      expect(effectsOf(r, 'recordAnswer')[0]).toMatchObject({ value: null, freeText: null });
      expect(c.s.cursor?.step).toBe(step);
    }
  });

  it.each([
    ['emoji', '😭😭😭'],
    ['a long story', `5年間、自分の部屋から出てきません。${'ごはんも部屋の前に置いています。'.repeat(200)}`],
    ['a question back', 'これって誰が読むんですか？'],
    ['a paste of one letter', 'あ'.repeat(5000)],
  ])('free text that is not an answer (%s) is kept as their message, acknowledged, and the question asked again — never the answer', (_kind, text) => {
    const c = atFamilyAge();
    const r = c.text(text);
    expect(effectsOf(r, 'recordAnswer')).toEqual([
      { type: 'recordAnswer', flowId: 'family', stepId: 'age_band', key: 'message', value: null, freeText: text },
    ]);
    expect(effectsOf(r, 'stepEvent').map((e) => e.event)).toEqual(['wrote', 'reached']);
    expect(allText(r)).toMatch(/受け取りました|ご質問ありがとうございます/);
    expect(c.s.cursor?.step).toBe('age_band');
    expect(c.s.answers.age_band).toBeUndefined();
    expect(c.s.freeText.age_band).toBeUndefined();
    // Written again: still not the answer, and the conversation moves on.
    const again = c.text(text);
    expect(effectsOf(again, 'recordAnswer').every((a) => a.key === 'message')).toBe(true);
    expect(c.s.cursor?.step).toBe('worries');
    expect('age_band' in c.s.answers).toBe(false);
  });

  it('a question back is answered as a question, not as "thank you for writing"', () => {
    const c = atFamilyAge();
    expect(allText(c.text('これって誰が読むんですか？'))).toContain('ご質問ありがとうございます');
  });

  it('a phone number question takes a number, and only a number', () => {
    const c = new Conversation(catalog);
    c.start();
    c.tap('self');
    c.tap('20s');
    c.tap('listen');
    c.tap('phone');
    expect(c.s.cursor?.step).toBe('phone_number');
    c.text('😭😭😭');
    expect(c.s.answers.phone).toBeUndefined();
    expect(c.s.cursor?.step).toBe('phone_number');
    c.text('０９０−１２３４−５６７８');
    expect(c.s.answers.phone).toBeNull();
    expect(c.s.freeText.phone).toEqual(['０９０−１２３４−５６７８']);
  });

  it('"send as it is" sends now: no more questions come', () => {
    const c = atFamilyAge();
    const r = c.tap('cmd:send_now'.split(':')[1]!);
    expect(effectsOf(r, 'queueForStaff').map((q) => q.reason)).toEqual(['sent_now']);
    expect(c.s.phase).toBe('handedOff');
    expect(lastChoices(r).map((x) => x.data)).toEqual(['sys:continue:go']);
    const typed = new Conversation(catalog);
    typed.start();
    typed.text('このまま届けて');
    expect(typed.s.phase).toBe('handedOff');
    const after = typed.text('よろしくお願いします');
    expect(after.messages.every((m) => m.type !== 'choices' || m.choices.every((x) => !x.data.startsWith('a:')))).toBe(true);
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
      expect(lastChoices(r).map((x) => x.data), data).toContain('skip:family:worries');
      expect(c.s.cursor?.step).toBe('worries');
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
    for (let i = 0; i < 20 && c.s.cursor?.step !== 'health_consent'; i++) c.choice(lastChoices(c.last)[0]!.data);
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
    expect(c.s.cursor?.step).toBe('check_in');
  });

  it('skip records no consent and skips them too', () => {
    const c = atConsent();
    const r = c.text('スキップ');
    expect(effectsOf(r, 'recordConsent')).toEqual([]);
    expect(c.s.cursor?.step).toBe('check_in');
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
    c.tap('money', { advanceMinutes: 600 });
    expect(c.s.answers.household_worries).toBe('money');
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
  it('agency with an assessment: the fast track to a handover request; the agency consents as itself, the person\'s consent is asked apart', () => {
    const c = new Conversation(catalog);
    c.start();
    c.tap('agency');
    c.tap('welfare');
    c.tap('yes');
    expect(c.s.cursor?.step).toBe('handover_summary');
    c.text('70代の母と40代の本人の二人暮らし。本人は支援を希望。');
    expect(c.s.cursor?.step).toBe('fast_age_band');
    c.tap('40s');
    expect(c.s.cursor?.step).toBe('agency_consent');
    const agreed = c.tap('yes');
    // The agency's own consent, under its own kind — never the person's handover consent.
    expect(effectsOf(agreed, 'recordConsent')).toEqual([{ type: 'recordConsent', kind: 'agency_handover', granted: true, wordingVersion: 'agency-handover-v1' }]);
    expect(c.s.cursor?.step).toBe('person_consent');
    const reported = c.tap('yes');
    expect(effectsOf(reported, 'recordConsent')).toEqual([]);
    expect(c.s.answers.person_consent).toBe('yes');
    expect(c.s.consents.handover_ward_center).toBeUndefined();
    // The ward, by button, from data/centers.yaml.
    expect(c.s.cursor?.step).toBe('ward');
    expect(lastChoices(c.last).map((b) => b.label)).toEqual(expect.arrayContaining(['北区', '伏見区', '西京区']));
    const request = c.tap('fushimi');
    expect(effectsOf(request, 'queueForStaff').map((q) => q.reason)).toEqual(['handover_request']);
    expect(effectsOf(request, 'queueForStaff')[0]!.summary.answers.ward).toBe('fushimi');
    expect(c.s.cursor?.step).toBe('summary');
  });

  it('neighbour who wants no further contact is asked for none', () => {
    const c = new Conversation(catalog);
    c.start();
    c.tap('neighbour');
    c.tap('neighbour');
    c.text('最近お見かけしないので気になっています');
    const r = c.tap('once');
    expect(c.s.phase).toBe('handedOff');
    expect(allText(r)).toContain('こちらから連絡することはありません');
    expect(effectsOf(r, 'recordConsent')).toEqual([]);
    expect(Object.keys(c.s.answers)).not.toContain('check_in');
    expect(Object.keys(c.s.answers)).not.toContain('contact_method');
  });

  it('neighbour who stays in touch: no consent to share, a gentle check-in question', () => {
    const c = new Conversation(catalog);
    c.start();
    c.tap('neighbour');
    c.tap('neighbour');
    c.text('最近お見かけしないので気になっています');
    const r = c.tap('yes');
    expect(allText(r)).toContain('無理をしなくても大丈夫');
    expect(c.s.cursor?.step).toBe('check_in');
    c.tap('no');
    expect(c.s.cursor?.step).toBe('summary');
  });

  it('a person writing about themself who asks for a meeting or a visit creates one outreach task', () => {
    for (const [value, kind] of [['meeting', 'meeting'], ['home_visit', 'home_visit']] as const) {
      const c = new Conversation(catalog);
      c.start();
      c.tap('self');
      c.tap('20s');
      const r = c.tap(value);
      expect(effectsOf(r, 'requestOutreach')).toEqual([{ type: 'requestOutreach', kind }]);
      expect(allText(r)).toContain('なるべく早くご連絡します');
      const again = c.tap('in_person');
      expect(effectsOf(again, 'requestOutreach')).toEqual([]);
    }
  });

  it('a person writing about themself reaches a counsellor after at most five questions, with the rest offered', () => {
    const c = new Conversation(catalog);
    c.start();
    let asked = 1; // who
    c.tap('self');
    for (const value of ['30s', 'listen', 'phone']) {
      asked++;
      c.tap(value);
    }
    asked++;
    const r = c.text('090-1234-5678');
    expect(asked).toBeLessThanOrEqual(5);
    expect(effectsOf(r, 'queueForStaff').map((q) => q.reason)).toEqual(['first_questions']);
    expect(allText(r)).toContain('あと12問まで');
    expect(c.s.cursor?.step).toBe('more');
    const done = c.tap('no');
    expect(c.s.phase).toBe('handedOff');
    expect(effectsOf(done, 'queueForStaff').map((q) => q.reason)).toEqual(['completed']);
  });
});
