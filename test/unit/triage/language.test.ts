import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../../src/triage/language.js';

describe('detectLanguage', () => {
  it.each([
    ['死にたい', 'ja'],
    ['もう無理ｗ', 'ja'],
    ['ｼﾆﾀｲ', 'ja'],
    ['죽고 싶어요', 'ko'],
    ['我不想活了', 'zh'],
    ['我媽媽沒有呼吸了', 'zh-Hant'],
    ['我妈妈没有呼吸了', 'zh'],
    ['Tôi muốn chết', 'vi'],
    ['toi muon chet', 'vi'],
    ['Eu não aguento mais, quero morrer', 'pt'],
    ['Ya no quiero vivir, estoy muy cansada', 'es'],
    ['Ayoko na po mabuhay', 'tl'],
    ['Saya ingin bunuh diri', 'id'],
    ['म मर्न चाहन्छु', 'ne'],
    ['malai marna man lagyo', 'ne'],
    ['I want to kill myself', 'en'],
  ])('%s → %s', (text, expected) => {
    expect(detectLanguage(text)).toBe(expected);
  });

  it('says nothing when the text does not tell', () => {
    expect(detectLanguage('💊🍺👋')).toBeNull();
    expect(detectLanguage('1234')).toBeNull();
    expect(detectLanguage('自殺')).toBeNull();
    expect(detectLanguage('')).toBeNull();
  });
});

describe('detectLanguage on the blind holdouts (11 languages, as people type)', () => {
  it('names the language of at least 97% of the messages that have letters, and never guesses on emoji alone', async () => {
    const { readLabelledJsonl } = await import('../../../src/triage/evaluate.js');
    const rows = ['triage-holdout-7.jsonl', 'triage-holdout-8.jsonl'].flatMap((name) => readLabelledJsonl(new URL(`../../fixtures/${name}`, import.meta.url)));
    const lettered = rows.filter((r) => r.lang && /\p{L}/u.test(r.text));
    const right = lettered.filter((r) => detectLanguage(r.text) === r.lang).length;
    expect(right / lettered.length).toBeGreaterThanOrEqual(0.97);
    for (const r of rows.filter((row) => !/\p{L}/u.test(row.text))) expect(detectLanguage(r.text), r.text).toBeNull();
  });
});
