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
// Once a text is known to be Chinese, these longer lists tell the two scripts apart (many of their
// characters are also Japanese, so they never decide Chinese against Japanese).
const SIMPLIFIED_FORMS = new Set([...'这们么吗妈没对说为让还点觉儿钱实气药样应个杀网乐爱亲讲谁车门见头电话时开东问题经长发现后关难过给听医吓风刚遗书写饿饭面岁楼边层桥铁轨绳绝诉帮该办进远动疯样万与专业丢两严丧临为丽举么义乌乐习书买乱争亏云亚产亩亲亿仅从仓们价众优会伞伟传伤伦伪体余侠侣侧侨侦债倾偿儿党兰关兴养兽内冈册写军农冲决况冻净减凑凤处凭击划则刚创删别刹剂剑剧劝办务动励劳势勋区医华协单卖卢卫却厂厅历压厌县参双发变叙叶号叹后吓吗听启员响哑唤啰嘱团园围图圆圣场坏块坚坛坟坠垄垦垫埙堕墙壮声壳处备复够头夹夺奋奖妆妇妈姗娄娱婴婶孙学宁宝实宠审宪宫宽宾对寻导寿将尔尘尝层屉届属岁岂岗岛岭岳峡币师帐带帮帅广庆库应庙废开异弃张弹归当录彻径忆忧怀态怜总恋恳恶悦惊惧惩惫惭惯愤愿戏战户扑执扩扫扬扰抚抛抢护报担拟拥择挂挚挡挤挥捞损换据掷搀摄摆摇撑撵擞敌数斋斗断无旧时旷昙显晒晓晕暂术机杀杂权条来杨极构枪柜标栋树样桥梦检楼横欢欧歼残毁毕毙气汇汉汤沟没沦沪泪泼泽洁洒浅浆测济浏浑浓涂涛涝润涨渊渐渔温游湾湿溃滚满滤滥滨灭灯灵灾灿炉点炼烁烂烛烟烦烧热焕爱爷牵犹状狭独狮猎猪献环现玛珐琐琼瓒电画畅疗疟疮疯痒瘫癫皑盏盐监盖盘眯着睁矫矿码砖础硕确碍礼祸离种积称税稳穷窃窍窝窥竞笔笼筑筹签简粮紧纠红约级纪纳纷纸纹纺线练组细织终绍经绑结绕绘给络绝统继绩绪续绳维绵综绿缓编缘缠缩缴网罗罚罢职联聪肃肠肤肿胀胁胆胜胶脉脏脑脚脱脸腊舰艰艺节芦苏苹范茎荐药莱获营萧虏虑虽虾蚀蛮衔补衬袜袭装裤见观规觉览触誉计订认讨让训议讯记讲许论设访证评识诉词译试诗诚话诞询该详语误说请诸诺读课谁调谈谊谋谐谓谜谢谣谦谨谱贝负贡财责贤败账货质贩贪贫购贯贵贷贸费贺贼资赌赏赔赖赚赛赞赠赢赶趋跃践踊踪车轨轩转轮软轰轻载较辅辆辈辉输辞辩边达迁过迈运还这进远违连迟适选逊递逻遗遥邓邮邻郁郑酝酱释里鉴针钉钓钟钢钥钩钱铁铃铅银铺链销锁锅锋错锡锦键锻镇镜长门闪闭问闯闲间闷闹闻阀阁阅队阳阴阵阶际陆陈险随隐隶难雏雾静面韩页顶项顺须顾顿预领频题颜额风飞饥饭饮饰饱饿馆马驱驳驶驻驾骂验骑骗骚骤鱼鲁鲜鸟鸡鸣鸭鹅麦黄齐齿龙龟']);
const TRADITIONAL_FORMS = new Set([...'這們麼嗎媽裡沒對來會說為讓還點覺兒錢實氣藥樣應妳嚇醫聽風剛遺書寫東餓飯麵歲樓邊層橋鐵軌繩絕訴幫該辦進遠動瘋萬與專業丟兩嚴喪臨麗舉義樂習買亂爭虧雲亞產畝親億僅從倉價眾優傘偉傳傷倫偽體餘俠侶側僑偵債傾償黨蘭關興養獸岡冊軍農衝決況凍淨減湊鳳處憑擊劃則創刪別剎劑劍劇勸務勵勞勢勳區華協單賣盧衛卻廠廳歷壓厭縣參雙發變敘葉號嘆後員響啞喚囉囑團園圍圖圓聖場壞塊堅壇墳墜壟墾墊墮牆壯聲殼備複夠頭夾奪奮獎妝婦姍婁娛嬰嬸孫學寧寶實寵審憲宮寬賓對尋導壽將爾塵嘗屜屆屬豈崗島嶺嶽峽幣師帳帶幫帥廣慶庫廟廢開異棄張彈歸當錄徹徑憶憂懷態憐總戀懇惡悅驚懼懲憊慚慣憤願戲戰戶撲執擴掃揚擾撫拋搶護報擔擬擁擇掛摯擋擠揮撈損換據擲攙攝擺搖撐敵數齋鬥斷無舊時曠顯曬曉暈暫術機殺雜權條楊極構槍櫃標棟樹夢檢橫歡歐殲殘毀畢斃氣匯漢湯溝淪滬淚潑澤潔灑淺漿測濟瀏渾濃塗濤澇潤漲淵漸漁溫遊灣濕潰滾滿濾濫濱滅燈靈災燦爐煉爍爛燭煙煩燒熱煥愛爺牽猶狀狹獨獅獵豬獻環現瑪琺瑣瓊電畫暢療瘧瘡癢癱癲皚盞鹽監蓋盤瞇著睜矯礦碼磚礎碩確礙禮禍離種積稱稅穩窮竊竅窩窺競筆籠築籌簽簡糧緊糾紅約級紀納紛紙紋紡線練組細織終紹經綁結繞繪給絡統繼績緒續維綿綜綠緩編緣纏縮繳網羅罰罷職聯聰肅腸膚腫脹脅膽勝膠脈臟腦腳脫臉臘艦艱藝節蘆蘇蘋範莖薦萊獲營蕭虜慮雖蝦蝕蠻銜補襯襪襲裝褲見觀規覽觸譽計訂認討訓議訊記講許論設訪證評識詞譯試詩誠話誕詢詳語誤請諸諾讀課誰調談誼謀諧謂謎謝謠謙謹譜貝負貢財責賢敗賬貨質販貪貧購貫貴貸貿費賀賊資賭賞賠賴賺賽贊贈贏趕趨躍踐踴蹤車軌軒轉輪軟轟輕載較輔輛輩輝輸辭辯達遷過邁運還進違連遲適選遜遞邏遙鄧郵鄰鬱鄭醞醬釋裏鑒針釘釣鐘鋼鑰鉤鈴鉛銀鋪鏈銷鎖鍋鋒錯錫錦鍵鍛鎮鏡長門閃閉問闖閒間悶鬧聞閥閣閱隊陽陰陣階際陸陳險隨隱隸難雛霧靜韓頁頂項順須顧頓預領頻題顏額飛饑飲飾飽館馬驅駁駛駐駕罵驗騎騙騷驟魚魯鮮鳥雞鳴鴨鵝麥黃齊齒龍龜']);
/** Function words of Chinese that Japanese rarely writes without kana around them. */
const CHINESE_FUNCTION = new Set([...'的了吗嗎呢吧啊我你他她是在不很要想都就也']);

// A few frequent words per language, lower case, accents as typed and without (people on phones
// often leave accents out). A word may belong to two lists; a language wins by more hits.
const FUNCTION_WORDS: Record<'en' | 'pt' | 'es' | 'tl' | 'id' | 'ne' | 'vi', readonly string[]> = {
  en: ['we', 'watched', 'last', 'night', 'pretty', 'ok', 'okay', 'bye', 'goodbye', 'sorry', 'thanks', 'thank', 'your', 'our', 'his', 'her', 'there', 'here', 'when', 'where', 'why', 'today', 'tonight', 'do', 'does', 'did', 'can', 'could', 'would', 'should', 'will', 'been', 'had', 'has', 'really', 'so', 'very', 'no', 'yes', 'yeah', 'i', "i'm", 'im', 'the', 'and', 'to', 'my', 'me', 'you', 'is', 'am', 'are', 'want', "don't", 'dont', "can't", 'cant', 'it', 'of', 'not', 'have', 'feel', 'help', 'please', 'what', 'how', 'he', 'she', 'they', 'this', 'that', 'just', 'myself', 'mom', 'dad', 'with', 'who', 'going', 'anymore', 'son', 'daughter', 'was', 'be', 'die', 'kill', 'hurt', 'wanna', 'gonna', 'alone', 'tired', 'hello', 'hi'],
  pt: ['comprei', 'vou', 'hoje', 'noite', 'há', 'ha', 'anos', 'tentei', 'ainda', 'penso', 'nisso', 'aula', 'matei', 'atendem', 'vocês', 'vocês', 'meu', 'minha', 'dormir', 'sempre', 'estava', 'fazer', 'tudo', 'nada', 'quarto', 'sai', 'casa', 'obrigada', 'tchau', 'sozinha', 'sozinho', 'pra', 'pro', 'tô', 'to', 'kkk', 'kkkk', 'eu', 'não', 'nao', 'você', 'voce', 'estou', 'tô', 'minha', 'meu', 'muito', 'é', 'quero', 'tenho', 'mãe', 'mae', 'pai', 'ele', 'ela', 'morrer', 'matar', 'socorro', 'ajuda', 'com', 'para', 'pra', 'uma', 'um', 'que', 'de', 'filho', 'filha', 'marido', 'mais', 'aqui', 'agora', 'está', 'tá', 'ta', 'isso', 'já', 'ja', 'mas', 'olá', 'ola', 'obrigado', 'obrigada', 'remédios', 'remedios', 'bateu', 'batendo'],
  es: ['muero', 'risa', 'con', 'este', 'examen', 'mataron', 'veces', 'corté', 'corte', 'venas', 'hay', 'mucha', 'sangre', 'tiempo', 'estación', 'estacion', 'las', 'los', 'del', 'esta', 'está', 'jajaja', 'jaja', 'voy', 'hoy', 'noche', 'puedo', 'nada', 'todo', 'casa', 'sola', 'solo', 'adiós', 'adios', 'yo', 'estoy', 'quiero', 'tengo', 'muy', 'mi', 'mis', 'hijo', 'hija', 'él', 'pero', 'que', 'de', 'con', 'para', 'una', 'un', 'madre', 'padre', 'morir', 'matarme', 'ayuda', 'ayúdame', 'ayudame', 'está', 'esta', 'ya', 'ahora', 'aquí', 'aqui', 'mamá', 'papá', 'esposo', 'marido', 'no', 'hola', 'gracias', 'pastillas', 'golpea', 'porque', 'nadie', 'vivir', 'puedo', 'soy', 'siento'],
  tl: ['po', 'opo', 'ba', 'naman', 'lang', 'na', 'ako', 'ko', 'ikaw', 'siya', 'ngayon', 'bukas', 'gabi', 'paalam', 'salamat', 'sino', 'ano', 'bakit', 'paano', 'nasaan', 'mga', 'ang', 'ng', 'ako', 'ang', 'ng', 'sa', 'mga', 'ko', 'mo', 'na', 'hindi', 'gusto', 'ayoko', 'siya', 'kami', 'namin', 'po', 'ba', 'lang', 'talaga', 'nanay', 'tatay', 'mamatay', 'tulungan', 'kasi', 'wala', 'naman', 'ikaw', 'akin', 'ay', 'ito', 'yung', 'anak', 'asawa', 'ngayon', 'pagod', 'sinasaktan', 'tulong', 'salamat', 'kayo', 'niya', 'nang'],
  id: ['buka', 'jam', 'berapa', 'ya', 'kantornya', 'apa', 'bagaimana', 'gimana', 'aja', 'udah', 'banget', 'nih', 'sih', 'dong', 'kok', 'aku', 'kamu', 'lagi', 'tapi', 'karena', 'tidur', 'malam', 'hari', 'saya', 'aku', 'tidak', 'nggak', 'gak', 'yang', 'dan', 'ini', 'itu', 'ingin', 'mau', 'mati', 'ibu', 'ayah', 'tolong', 'sudah', 'sangat', 'dengan', 'untuk', 'dia', 'kamu', 'anak', 'bunuh', 'diri', 'sekarang', 'di', 'ke', 'bisa', 'lagi', 'suami', 'obat', 'banyak', 'capek', 'terima', 'kasih', 'halo', 'sakit', 'ada', 'tidur'],
  ne: ['gaya', 'barsa', 'maile', 'aafailai', 'chot', 'thiye', 'school', 'jaana', 'mandaina', 'ke', 'garne', 'dui', 'agadi', 'koshis', 'gare', 'alvida', 'sathi', 'haru', 'ma', 'timro', 'mero', 'hamro', 'aba', 'sakdina', 'chhu', 'chu', 'bhayo', 'garchu', 'jaanchu', 'rati', 'sabai', 'dori', 'ma', 'malai', 'mero', 'timi', 'tapai', 'chha', 'cha', 'chhu', 'chu', 'garna', 'marna', 'garnu', 'sakdina', 'huncha', 'hajur', 'aama', 'buwa', 'kasto', 'dherai', 'ghar', 'aaja', 'ani', 'pani', 'lai', 'bhayo', 'manchhe', 'man', 'lagyo', 'lagcha', 'ramro', 'ekdam', 'kina', 'khana', 'mareko', 'chaina', 'chhaina', 'namaste', 'dhanyabad'],
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
  // Two letters only Vietnamese writes settle it; one (a stray ê or ã) only weighs in.
  const vietnamese = [...text].filter((ch) => VIETNAMESE_LETTERS.test(ch)).length;
  if (vietnamese >= 2) return 'vi';
  return latinLanguage(text, vietnamese);
}

function chineseOrJapanese(text: string): MessageLanguage | null {
  let simplified = 0;
  let traditional = 0;
  let functionWords = 0;
  let simplifiedForms = 0;
  let traditionalForms = 0;
  let han = 0;
  for (const char of text) {
    if (SIMPLIFIED_ONLY.has(char)) simplified += 1;
    if (TRADITIONAL_ONLY.has(char)) traditional += 1;
    if (CHINESE_FUNCTION.has(char)) functionWords += 1;
    if (SIMPLIFIED_FORMS.has(char)) simplifiedForms += 1;
    if (TRADITIONAL_FORMS.has(char)) traditionalForms += 1;
    if (/\p{Script=Han}/u.test(char)) han += 1;
  }
  // Kanji alone (「自殺」「助」): most likely Japanese at a Kyoto desk, but not certain. A longer
  // run of Han without a single kana is almost never Japanese.
  const chinese = simplified > 0 || traditional > 0 || functionWords >= 2 || han >= 5;
  if (!chinese) return null;
  const t = traditional + traditionalForms;
  const s = simplified + simplifiedForms;
  return t > s ? 'zh-Hant' : 'zh';
}

function latinLanguage(text: string, vietnameseLetters = 0): MessageLanguage | null {
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
  if (vietnameseLetters > 0) bump(hits, 'vi');
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
