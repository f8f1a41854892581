// The layered reading of issue #14: when (now / past / resolved), how sure (denied, passive,
// hypothetical, quoted, joked), whose danger (roles), and the conversation before the message.
import { describe, expect, it } from 'vitest';

import { loadFrames, readFrame, sentencesOf } from '../../../src/triage/frames.js';
import { loadRoles, readRoles } from '../../../src/triage/roles.js';
import { DEFAULT_TRIAGE_DATA_DIR } from '../../../src/triage/rules.js';
import { createTriage, defaultRuleSet } from '../../../src/triage/triage.js';

const triage = createTriage();
const frames = loadFrames(DEFAULT_TRIAGE_DATA_DIR);
const roles = loadRoles(DEFAULT_TRIAGE_DATA_DIR);
const frameOf = (text: string, sentence = text) => readFrame(frames, text, sentence).frame;

describe('time: now, recently, long ago', () => {
  it.each([
    ['2年前に自殺未遂をしました', 'past'],
    ['去年ODして入院しました', 'past'],
    ['two years ago i tried to kill myself', 'past'],
    ['last year i overdosed', 'past'],
    ['高校生の頃リスカしていた', 'past'],
    ['前年我试过自杀', 'past'],
    ['작년에 약을 과다복용했어요', 'past'],
    ['死にたい', 'now'],
    ['今から飛ぶ', 'now'],
  ])('%s reads as %s', (text, frame) => {
    expect(frameOf(text)).toBe(frame);
  });

  it('a now cue beside the signal wins over a past one in the same sentence, and the nearer cue decides', () => {
    expect(readFrame(frames, '前は平気だったけど今は死にたい', '前は平気だったけど今は死にたい', '死にた').frame).toBe('now');
    expect(readFrame(frames, '以前ODしたことがあり、今も薬を見ると不安になります', '以前ODしたことがあり、今も薬を見ると不安になります', 'od').frame).toBe('past');
  });

  it('past danger is high and asked about, danger now is an emergency', () => {
    for (const text of ['2年前に自殺未遂をしました', 'two years ago I tried to kill myself', 'last year I overdosed', '去年ODした']) {
      expect(triage(text), text).toMatchObject({ urgency: 'high', check: true });
    }
    expect(triage('死にたい')).toMatchObject({ urgency: 'emergency', check: false });
    expect(triage('さっき薬を全部飲んだ')).toMatchObject({ urgency: 'emergency', check: false });
  });

  it('a message with a past attempt and danger now is an emergency (each signal has its own sentence)', () => {
    expect(sentencesOf('2年前に死のうとした。今また死にたい')).toEqual(['2年前に死のうとした。', '今また死にたい']);
    expect(triage('2年前に死のうとした。今また死にたい').urgency).toBe('emergency');
  });

  it('history long resolved, followed by a new topic, is ordinary', () => {
    expect(triage('昔リスカしてたけど、もう10年前の話。今は子どももいて元気にしてます。今日は息子の不登校のことで').urgency).toBe('normal');
  });
});

describe('how sure: denied, safe now, passive, quoted, joked', () => {
  it('"I think about dying but I am safe now" is high, and the bot asks', () => {
    for (const text of ['死にたいと思うことはあるけど、今は安全です', "I think about dying but I'm safe now", '有时候想死，但是现在没事，不会做什么']) {
      expect(triage(text), text).toMatchObject({ urgency: 'high', check: true });
    }
  });

  it('a denial with nothing else is ordinary; a denial never hides a second danger', () => {
    expect(frameOf("I'm not going to hurt myself, I just want to talk about my job search")).toBe('denied');
    expect(triage("I'm not going to hurt myself, I just want to talk about my job search").urgency).not.toBe('emergency');
    expect(triage('死にたいわけじゃないけど、生きてるのがしんどい').urgency).not.toBe('emergency');
    expect(triage('死にたいわけじゃないって前に言ったけど、今は本気。カッター握ってる').urgency).toBe('emergency');
  });

  it('thoughts that come and go are high', () => {
    expect(frameOf('消えたいなってたまに思う')).toBe('passive');
    expect(triage('もう疲れた。なにもかも終わりにしたいって思う時がある')).toMatchObject({ urgency: 'high' });
  });

  it('a quote, a title or a question about a word is ordinary', () => {
    for (const text of ['「死にたい」って歌詞の曲が流行ってるらしい', 'タヒってどういう意味？', 'ドラマで主人公が自殺するシーンがあって泣いた', 'we watched a movie called suicide squad']) {
      expect(triage(text).urgency, text).toBe('normal');
    }
  });

  it('hyperbole and jokes are not emergencies', () => {
    for (const text of ['辛すぎて死んだｗ', '笑いすぎて死ぬかと思った', '親に殺されるｗ 門限過ぎた', 'this homework is killing me lol', '笑死我了', 'morri de rir kkkkk']) {
      expect(triage(text).urgency, text).not.toBe('emergency');
      expect(triage(text).check, text).toBe(false);
    }
  });

  it('a knife emoji while cooking is not an emergency', () => {
    expect(triage('🔪🥕 今日はカレー作る').urgency).not.toBe('emergency');
    expect(triage('🔪🧅 chopping onions for curry').urgency).not.toBe('emergency');
  });
});

describe('whose danger: roles', () => {
  it('a parent hit by a son is household violence toward a parent, not child abuse', () => {
    const result = triage('息子に殴られて怖い');
    expect(result.signals).not.toContain('abuse_child');
    expect(result.signals).toContain('household_violence');
    expect(result.kinds).toContain('violence');
    expect(result.kinds).not.toContain('child_abuse');
    expect(readRoles(roles, '息子に殴られて怖い')).toMatchObject({ perpetrator: 'child', victim: 'self' });
  });

  it('an old parent hit by a son is elder abuse', () => {
    const result = triage('80代の母が同居の息子に毎日殴られています');
    expect(result.kinds).toContain('elder_abuse');
    expect(result.kinds).not.toContain('child_abuse');
  });

  it('a partner hitting is DV; a child hit by a parent is child abuse', () => {
    expect(triage('いま夫に殴られてる。助けて')).toMatchObject({ urgency: 'emergency', kinds: expect.arrayContaining(['dv']) });
    expect(triage('今、夫が子どもを殴っています').kinds).toContain('child_abuse');
    expect(readRoles(roles, 'my husband is beating me right now')).toMatchObject({ perpetrator: 'partner' });
  });

  it('"I want to kill myself" is suicide, not violence to others', () => {
    const result = triage('I want to kill myself');
    expect(result.urgency).toBe('emergency');
    expect(result.kinds).toEqual(['suicide']);
    expect(result.signals).not.toContain('violence_to_others');
  });

  it('someone else at risk counts', () => {
    expect(triage('娘が浴室に鍵をかけて出てきません。カミソリがなくなっていて、音もしません').urgency).toBe('emergency');
    expect(triage('my mom isnt breathing').kinds[0]).toBe('medical');
  });
});

describe('the conversation before the message', () => {
  it('after an overdose, "still awake, I feel sick" is an emergency; alone it is not', () => {
    expect(triage('まだ起きてる。気持ち悪い').urgency).not.toBe('emergency');
    expect(triage('まだ起きてる。気持ち悪い', ['薬たくさん飲んだ'])).toMatchObject({ urgency: 'emergency', kinds: expect.arrayContaining(['medical']) });
    expect(triage('still awake, i feel sick', ['i took a lot of pills']).urgency).toBe('emergency');
  });

  it('a goodbye with bridge and waves after a week of despair is an emergency', () => {
    expect(triage('🌉🌊 ばいばい', ['もう一週間なにも食べてない', '生きてても意味ない', '誰もわかってくれない']).urgency).toBe('emergency');
  });

  it('earlier messages never lower a reading', () => {
    expect(triage('死にたい', ['今日はいい天気', 'ありがとう']).urgency).toBe('emergency');
  });

  it('calm earlier messages do not raise an ordinary one', () => {
    expect(triage('来週の面談の時間を教えてください', ['息子のことで相談したいです']).urgency).toBe('normal');
  });

  it('only the latest few earlier messages are read', () => {
    const limit = defaultRuleSet().reading?.context.messages ?? 4;
    const old = ['薬たくさん飲んだ', ...Array.from({ length: limit }, (_, i) => `今日の予定その${i + 1}`)];
    expect(triage('こんにちは', old).signals).not.toContain('context_escalation');
  });
});

describe('the safety question and the score', () => {
  it('is never asked instead of a clear emergency', () => {
    for (const text of ['今から飛び降りる', '母が息をしていません', 'さっき薬を全部飲んだ']) expect(triage(text).check, text).toBe(false);
  });

  it('is asked when a danger to life is read but unsure', () => {
    expect(triage('消えたいなってたまに思う。でも大丈夫').check).toBe(true);
  });

  it('orders an overdose in progress above a past passive wish, each within its level band', () => {
    const overdose = triage('睡眠薬を30錠飲みました。ふらふらする');
    const passive = triage('昨日は死にたいって思ったけど、今は大丈夫');
    const ordinary = triage('面談の予約をしたいです');
    expect(overdose.urgency).toBe('emergency');
    expect(overdose.score).toBeGreaterThanOrEqual(70);
    expect(passive.urgency).toBe('high');
    expect(passive.score).toBeGreaterThanOrEqual(35);
    expect(passive.score).toBeLessThan(70);
    expect(ordinary.score).toBeLessThan(35);
    expect(overdose.score).toBeGreaterThan(passive.score);
  });
});

describe('explain', () => {
  it('shows staff why a signal fired: layer, pattern, frame and cues, and the learned reader', () => {
    const matches = triage.explain('2年前に自殺未遂をしました');
    const rule = matches.find((m) => m.layer === 'rules');
    expect(rule).toMatchObject({ frame: 'past', reads: 'high', cues: expect.arrayContaining(['年前']) });
    expect(matches.at(-1)).toMatchObject({ layer: 'model', ruleId: 'learned_reader', pattern: expect.stringMatching(/^model .+: emergency 0\.\d\d/) });
  });
});
