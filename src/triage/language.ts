// Which language a short message is written in, so that a person who writes in Korean or
// Portuguese is answered in it and pointed to help they can reach in it. Pure and cheap: the
// script decides most cases (Hangul, kana, Devanagari, Han), a few function words the rest of the
// Latin-script languages people in Kyoto write in. Null when a text does not say (emoji, digits,
// a single ambiguous word): the caller then keeps the conversation's language.

import type { MessageLanguage } from '../conversation/types.js';

const HANGUL = /[\p{Script=Hangul}]/gu;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}ｦ-ﾟ]/gu;
const DEVANAGARI = /[\p{Script=Devanagari}]/gu;
const HAN = /[\p{Script=Han}]/gu;
const LATIN = /[\p{Script=Latin}]/gu;
/** Letters only Vietnamese uses among the Latin-script languages here (ă đ ơ ư, dot-below, hook-above). */
const VIETNAMESE_LETTERS = /[ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/iu;

// Han characters written one way in simplified Chinese, another in traditional Chinese, and
// neither way (or rarely) in Japanese: they tell the three apart in a text without kana.
const SIMPLIFIED_ONLY = new Set([...'这们么吗妈没对说为让还点觉儿钱实气药样应个杀网乐爱亲讲谁车门见头电话时开东问题经长发现后关难过给听医吓']);
const TRADITIONAL_ONLY = new Set([...'這們麼嗎媽裡沒對來會說為讓還點覺兒錢實氣藥樣應妳嚇醫聽']);
/** Function words of Chinese that Japanese rarely writes without kana around them. */
const CHINESE_FUNCTION = new Set([...'的了吗嗎呢吧啊我你他她是在不很要想都就也']);

// A few frequent words per language, lower case, accents as typed and without (people on phones
// often leave accents out). A word may belong to two lists; a language wins by more hits.
const FUNCTION_WORDS: Record<'en' | 'pt' | 'es' | 'tl' | 'id' | 'ne' | 'vi', readonly string[]> = {
  en: ['i', "i'm", 'im', 'the', 'and', 'to', 'my', 'me', 'you', 'is', 'am', 'are', 'want', "don't", 'dont', "can't", 'cant', 'it', 'of', 'not', 'have', 'feel', 'help', 'please', 'what', 'how', 'he', 'she', 'they', 'this', 'that', 'just', 'myself', 'mom', 'dad', 'with', 'who', 'going', 'anymore', 'son', 'daughter', 'was', 'be', 'die', 'kill', 'hurt', 'wanna', 'gonna', 'alone', 'tired', 'hello', 'hi'],
  pt: ['eu', 'não', 'nao', 'você', 'voce', 'estou', 'tô', 'minha', 'meu', 'muito', 'é', 'quero', 'tenho', 'mãe', 'mae', 'pai', 'ele', 'ela', 'morrer', 'matar', 'socorro', 'ajuda', 'com', 'para', 'pra', 'uma', 'um', 'que', 'de', 'filho', 'filha', 'marido', 'mais', 'aqui', 'agora', 'está', 'tá', 'ta', 'isso', 'já', 'ja', 'mas', 'olá', 'ola', 'obrigado', 'obrigada', 'remédios', 'remedios', 'bateu', 'batendo'],
  es: ['yo', 'estoy', 'quiero', 'tengo', 'muy', 'mi', 'mis', 'hijo', 'hija', 'él', 'pero', 'que', 'de', 'con', 'para', 'una', 'un', 'madre', 'padre', 'morir', 'matarme', 'ayuda', 'ayúdame', 'ayudame', 'está', 'esta', 'ya', 'ahora', 'aquí', 'aqui', 'mamá', 'papá', 'esposo', 'marido', 'no', 'hola', 'gracias', 'pastillas', 'golpea', 'porque', 'nadie', 'vivir', 'puedo', 'soy', 'siento'],
  tl: ['ako', 'ang', 'ng', 'sa', 'mga', 'ko', 'mo', 'na', 'hindi', 'gusto', 'ayoko', 'siya', 'kami', 'namin', 'po', 'ba', 'lang', 'talaga', 'nanay', 'tatay', 'mamatay', 'tulungan', 'kasi', 'wala', 'naman', 'ikaw', 'akin', 'ay', 'ito', 'yung', 'anak', 'asawa', 'ngayon', 'pagod', 'sinasaktan', 'tulong', 'salamat', 'kayo', 'niya', 'nang'],
  id: ['saya', 'aku', 'tidak', 'nggak', 'gak', 'yang', 'dan', 'ini', 'itu', 'ingin', 'mau', 'mati', 'ibu', 'ayah', 'tolong', 'sudah', 'sangat', 'dengan', 'untuk', 'dia', 'kamu', 'anak', 'bunuh', 'diri', 'sekarang', 'di', 'ke', 'bisa', 'lagi', 'suami', 'obat', 'banyak', 'capek', 'terima', 'kasih', 'halo', 'sakit', 'ada', 'tidur'],
  ne: ['ma', 'malai', 'mero', 'timi', 'tapai', 'chha', 'cha', 'chhu', 'chu', 'garna', 'marna', 'garnu', 'sakdina', 'huncha', 'hajur', 'aama', 'buwa', 'kasto', 'dherai', 'ghar', 'aaja', 'ani', 'pani', 'lai', 'bhayo', 'manchhe', 'man', 'lagyo', 'lagcha', 'ramro', 'ekdam', 'kina', 'khana', 'mareko', 'chaina', 'chhaina', 'namaste', 'dhanyabad'],
  vi: ['toi', 'tôi', 'khong', 'không', 'muon', 'muốn', 'chet', 'chết', 'co', 'có', 'la', 'là', 'cua', 'của', 'nguoi', 'người', 'ban', 'bạn', 'em', 'anh', 'minh', 'mình', 'roi', 'rồi', 'duoc', 'được', 'me', 'mẹ', 'bo', 'bố', 'giup', 'giúp', 'chong', 'chồng', 'con', 'thuoc', 'thuốc', 'nhieu', 'nhiều', 'qua', 'quá', 'xin', 'chao', 'chào'],
};

const WORD_SETS = Object.fromEntries(Object.entries(FUNCTION_WORDS).map(([lang, words]) => [lang, new Set(words)])) as Record<
  keyof typeof FUNCTION_WORDS,
  Set<string>
>;

const count = (text: string, script: RegExp): number => text.match(script)?.length ?? 0;

export function detectLanguage(text: string): MessageLanguage | null {
  const kana = count(text, KANA);
  const hangul = count(text, HANGUL);
  const devanagari = count(text, DEVANAGARI);
  const han = count(text, HAN);
  const latin = count(text, LATIN);
  if (hangul > 0 && hangul >= kana) return 'ko';
  if (kana > 0) return 'ja';
  if (devanagari > 0 && devanagari >= latin) return 'ne';
  if (han > 0 && han >= latin) return chineseOrJapanese(text);
  if (latin === 0) return null;
  if (VIETNAMESE_LETTERS.test(text)) return 'vi';
  return latinLanguage(text);
}

function chineseOrJapanese(text: string): MessageLanguage | null {
  let simplified = 0;
  let traditional = 0;
  let functionWords = 0;
  for (const char of text) {
    if (SIMPLIFIED_ONLY.has(char)) simplified += 1;
    if (TRADITIONAL_ONLY.has(char)) traditional += 1;
    if (CHINESE_FUNCTION.has(char)) functionWords += 1;
  }
  if (traditional > simplified) return 'zh-Hant';
  if (simplified > 0 || functionWords >= 2) return 'zh';
  // Kanji alone (「自殺」「助」): most likely Japanese at a Kyoto desk, but not certain.
  return null;
}

function latinLanguage(text: string): MessageLanguage | null {
  const words = text.toLowerCase().match(/[\p{L}']+/gu) ?? [];
  const hits: Array<[keyof typeof FUNCTION_WORDS, number]> = [];
  for (const [lang, set] of Object.entries(WORD_SETS) as Array<[keyof typeof FUNCTION_WORDS, Set<string>]>) {
    let n = 0;
    for (const word of words) if (set.has(word)) n += 1;
    hits.push([lang, n]);
  }
  // Letters that only one of the close pair pt/es writes break their ties.
  if (/[ãõç]|ão\b|nh|lh/iu.test(text)) bump(hits, 'pt');
  if (/[ñ¿¡]/u.test(text)) bump(hits, 'es');
  hits.sort((a, b) => b[1] - a[1]);
  const [best, second] = hits;
  if (best === undefined || best[1] === 0) return null;
  if (second !== undefined && second[1] === best[1]) return null;
  return best[0];
}

function bump(hits: Array<[string, number]>, lang: string) {
  const entry = hits.find(([l]) => l === lang);
  if (entry) entry[1] += 1.5;
}
