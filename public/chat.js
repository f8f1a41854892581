// よりそい web chat. Plain ES module, no framework, no third-party code: it must load under a
// strict Content-Security-Policy and on slow phones. Every user-visible string is set with
// textContent, never as HTML.

const TOKEN_KEY = 'yorisoi.chat.token';
const OUTBOX_KEY = 'yorisoi.chat.outbox';
const LANGUAGE_KEY = 'yorisoi.chat.language';
const MAX_LENGTH = 5000;

// Every label of the page, in every language of the bot. The page follows the conversation's
// language (the server says which), so a person who writes in Korean reads a Korean page.
const LABELS = {
  ja: {
    brand: 'よりそい', title: 'よりそい チャット相談', subtitle: 'チャット相談', danger: '命の危険があるときは', actions: '会話の操作',
    privacy: '個人情報の扱い', delete: 'この会話を削除', log: '会話', typing: '入力中…', message: 'メッセージ', send: '送信',
    hint: 'Enterで送信、Shift+Enterで改行します。', choices: '選択肢', lines: '電話・チャット',
    deleteTitle: 'この会話を削除しますか？', deleteBody: 'これまでのメッセージと回答がすべて消え、元に戻せません。相談員もこの内容を見られなくなります。',
    deleteCancel: 'やめる', deleteConfirm: '削除する',
    who: { user: 'あなた', bot: 'よりそい', staff: '相談員' },
    status: { sending: '送信中…', sent: '送信済み', read: '既読', failed: '送れませんでした。自動でもう一度送ります', waiting: '少し待ってから送ります…' },
    connecting: '接続できませんでした。少し待って、もう一度つなぎます…',
    reconnecting: '接続が切れました。もう一度つないでいます…（送ったメッセージは消えません）',
    deleted: '会話を削除しました。メッセージと回答は消え、相談員も見られません。ここから新しく相談を始められます。',
    deleteFailed: '削除できませんでした。少し待ってから、もう一度お試しください。',
    tooLong: (n, max) => `メッセージが長すぎます（${n}文字）。1回に送れるのは${max}文字までです。切らずに、分けて送れます。`,
    split: (parts) => `${parts}回に分けて送る`,
    counter: (n, max) => `${n} / ${max}文字`,
    sendFailed: '送れませんでした。内容を確かめて、もう一度お試しください。',
    empty: '空のメッセージは送れません。ひとことでも大丈夫です。',
  },
  easy: {
    brand: 'よりそい', title: 'よりそい チャット', subtitle: 'チャットで 相談（そうだん）', danger: '命（いのち）が 危（あぶ）ない ときは', actions: '会話（かいわ）の 操作（そうさ）',
    privacy: '個人情報（こじんじょうほう）', delete: 'この 会話（かいわ）を 消（け）す', log: '会話（かいわ）', typing: '書（か）いて います…', message: 'メッセージ', send: '送（おく）る',
    hint: 'Enterで 送（おく）ります。Shift+Enterで 次（つぎ）の 行（ぎょう）。', choices: 'えらぶ', lines: '電話（でんわ）・チャット',
    deleteTitle: 'この 会話（かいわ）を 消（け）しますか？', deleteBody: 'メッセージと 答（こた）えが ぜんぶ 消（き）えます。もとに 戻（もど）せません。相談員（そうだんいん）も 見（み）られません。',
    deleteCancel: 'やめる', deleteConfirm: '消（け）す',
    who: { user: 'あなた', bot: 'よりそい', staff: '相談員（そうだんいん）' },
    status: { sending: '送（おく）って います…', sent: '送（おく）りました', read: '読（よ）みました', failed: '送（おく）れませんでした。もう 一度（いちど） 送（おく）ります', waiting: '少（すこ）し 待（ま）って 送（おく）ります…' },
    connecting: 'つながりません。少（すこ）し 待（ま）って、もう 一度（いちど） つなぎます…',
    reconnecting: '切（き）れました。もう 一度（いちど） つないで います…（送（おく）った メッセージは 消（き）えません）',
    deleted: '会話（かいわ）を 消（け）しました。メッセージと 答（こた）えは もう ありません。また 相談（そうだん）できます。',
    deleteFailed: '消（け）せませんでした。少（すこ）し 待（ま）って、もう 一度（いちど） して ください。',
    tooLong: (n, max) => `メッセージが 長（なが）すぎます（${n}文字（もじ））。1回（かい）に ${max}文字（もじ）までです。分（わ）けて 送（おく）れます。`,
    split: (parts) => `${parts}回（かい）に 分（わ）けて 送（おく）る`,
    counter: (n, max) => `${n} / ${max}文字（もじ）`,
    sendFailed: '送（おく）れませんでした。もう 一度（いちど） して ください。',
    empty: '何（なに）か 書（か）いて ください。',
  },
  en: {
    brand: 'Yorisoi', title: 'Yorisoi chat consultation', subtitle: 'Chat consultation', danger: 'If a life is in danger:', actions: 'Conversation',
    privacy: 'Privacy', delete: 'Delete this conversation', log: 'Conversation', typing: 'Typing…', message: 'Message', send: 'Send',
    hint: 'Enter sends, Shift+Enter starts a new line.', choices: 'Choices', lines: 'Phone and chat',
    deleteTitle: 'Delete this conversation?', deleteBody: 'All your messages and answers will be deleted. This cannot be undone, and counsellors will no longer see them.',
    deleteCancel: 'Cancel', deleteConfirm: 'Delete',
    who: { user: 'You', bot: 'Yorisoi', staff: 'Counsellor' },
    status: { sending: 'Sending…', sent: 'Sent', read: 'Read', failed: 'Not sent. Trying again automatically', waiting: 'Sending in a moment…' },
    connecting: 'Could not connect. Trying again in a moment…',
    reconnecting: 'Connection lost. Reconnecting… (messages you sent are kept)',
    deleted: 'The conversation was deleted: your messages and answers are gone, and counsellors cannot see them. You can start a new consultation here.',
    deleteFailed: 'Could not delete. Please wait a moment and try again.',
    tooLong: (n, max) => `This message is too long (${n} characters). One message can hold ${max}. Nothing was cut: you can send it in parts.`,
    split: (parts) => `Send in ${parts} parts`,
    counter: (n, max) => `${n} / ${max} characters`,
    sendFailed: 'Could not send. Please check the message and try again.',
    empty: 'An empty message cannot be sent. A single word is fine.',
  },
  zh: {
    brand: 'Yorisoi', title: 'Yorisoi 聊天咨询', subtitle: '聊天咨询', danger: '有生命危险时：', actions: '会话操作',
    privacy: '个人信息的处理', delete: '删除此会话', log: '会话', typing: '正在输入…', message: '消息', send: '发送',
    hint: '按Enter发送，Shift+Enter换行。', choices: '选项', lines: '电话・聊天',
    deleteTitle: '要删除此会话吗？', deleteBody: '所有消息和回答都会被删除，无法恢复。咨询员也将无法查看。',
    deleteCancel: '取消', deleteConfirm: '删除',
    who: { user: '您', bot: 'Yorisoi', staff: '咨询员' },
    status: { sending: '发送中…', sent: '已发送', read: '已读', failed: '发送失败，将自动重试', waiting: '稍后发送…' },
    connecting: '无法连接，稍后将重新连接…',
    reconnecting: '连接中断，正在重新连接…（已发送的消息不会丢失）',
    deleted: '会话已删除：您的消息和回答已不存在，咨询员也无法查看。您可以在这里重新开始咨询。',
    deleteFailed: '无法删除，请稍后再试。',
    tooLong: (n, max) => `消息太长（${n}字）。一条消息最多${max}字。内容没有被截断，可以分开发送。`,
    split: (parts) => `分${parts}次发送`,
    counter: (n, max) => `${n} / ${max}字`,
    sendFailed: '发送失败，请确认内容后再试。',
    empty: '不能发送空消息。写一个词也可以。',
  },
  ko: {
    brand: '요리소이', title: '요리소이 채팅 상담', subtitle: '채팅 상담', danger: '생명이 위험할 때:', actions: '대화 관리',
    privacy: '개인정보 처리', delete: '이 대화 삭제', log: '대화', typing: '입력 중…', message: '메시지', send: '보내기',
    hint: 'Enter로 보내기, Shift+Enter로 줄바꿈.', choices: '선택지', lines: '전화・채팅',
    deleteTitle: '이 대화를 삭제할까요?', deleteBody: '모든 메시지와 답변이 삭제되며 되돌릴 수 없습니다. 상담원도 볼 수 없게 됩니다.',
    deleteCancel: '취소', deleteConfirm: '삭제',
    who: { user: '나', bot: '요리소이', staff: '상담원' },
    status: { sending: '보내는 중…', sent: '보냄', read: '읽음', failed: '보내지 못했습니다. 자동으로 다시 보냅니다', waiting: '잠시 후 보냅니다…' },
    connecting: '연결할 수 없습니다. 잠시 후 다시 연결합니다…',
    reconnecting: '연결이 끊겼습니다. 다시 연결하는 중…(보낸 메시지는 사라지지 않습니다)',
    deleted: '대화를 삭제했습니다. 메시지와 답변은 없어졌고 상담원도 볼 수 없습니다. 여기서 새로 상담을 시작할 수 있습니다.',
    deleteFailed: '삭제하지 못했습니다. 잠시 후 다시 시도해 주세요.',
    tooLong: (n, max) => `메시지가 너무 깁니다(${n}자). 한 번에 ${max}자까지 보낼 수 있습니다. 잘리지 않았으니 나누어 보낼 수 있습니다.`,
    split: (parts) => `${parts}번에 나누어 보내기`,
    counter: (n, max) => `${n} / ${max}자`,
    sendFailed: '보내지 못했습니다. 내용을 확인하고 다시 시도해 주세요.',
    empty: '빈 메시지는 보낼 수 없습니다. 한 단어라도 괜찮습니다.',
  },
  vi: {
    brand: 'Yorisoi', title: 'Tư vấn qua chat Yorisoi', subtitle: 'Tư vấn qua chat', danger: 'Khi có nguy hiểm đến tính mạng:', actions: 'Cuộc trò chuyện',
    privacy: 'Thông tin cá nhân', delete: 'Xóa cuộc trò chuyện', log: 'Cuộc trò chuyện', typing: 'Đang soạn…', message: 'Tin nhắn', send: 'Gửi',
    hint: 'Enter để gửi, Shift+Enter để xuống dòng.', choices: 'Lựa chọn', lines: 'Điện thoại và chat',
    deleteTitle: 'Xóa cuộc trò chuyện này?', deleteBody: 'Tất cả tin nhắn và câu trả lời sẽ bị xóa, không thể hoàn tác. Tư vấn viên cũng sẽ không xem được nữa.',
    deleteCancel: 'Hủy', deleteConfirm: 'Xóa',
    who: { user: 'Bạn', bot: 'Yorisoi', staff: 'Tư vấn viên' },
    status: { sending: 'Đang gửi…', sent: 'Đã gửi', read: 'Đã xem', failed: 'Chưa gửi được. Sẽ tự gửi lại', waiting: 'Sẽ gửi sau giây lát…' },
    connecting: 'Không kết nối được. Sẽ thử lại sau giây lát…',
    reconnecting: 'Mất kết nối. Đang kết nối lại… (tin nhắn đã gửi vẫn được giữ)',
    deleted: 'Đã xóa cuộc trò chuyện: tin nhắn và câu trả lời không còn, tư vấn viên cũng không xem được. Bạn có thể bắt đầu tư vấn mới ở đây.',
    deleteFailed: 'Không xóa được. Vui lòng đợi một lát rồi thử lại.',
    tooLong: (n, max) => `Tin nhắn quá dài (${n} ký tự). Mỗi tin tối đa ${max} ký tự. Không có gì bị cắt: bạn có thể gửi thành nhiều phần.`,
    split: (parts) => `Gửi thành ${parts} phần`,
    counter: (n, max) => `${n} / ${max} ký tự`,
    sendFailed: 'Không gửi được. Hãy kiểm tra tin nhắn và thử lại.',
    empty: 'Không thể gửi tin nhắn trống. Một từ cũng được.',
  },
  pt: {
    brand: 'Yorisoi', title: 'Consulta por chat Yorisoi', subtitle: 'Consulta por chat', danger: 'Se houver risco de vida:', actions: 'Conversa',
    privacy: 'Privacidade', delete: 'Apagar esta conversa', log: 'Conversa', typing: 'A escrever…', message: 'Mensagem', send: 'Enviar',
    hint: 'Enter envia, Shift+Enter muda de linha.', choices: 'Opções', lines: 'Telefone e chat',
    deleteTitle: 'Apagar esta conversa?', deleteBody: 'Todas as mensagens e respostas serão apagadas. Não pode ser desfeito, e os conselheiros deixam de as ver.',
    deleteCancel: 'Cancelar', deleteConfirm: 'Apagar',
    who: { user: 'Você', bot: 'Yorisoi', staff: 'Conselheiro' },
    status: { sending: 'A enviar…', sent: 'Enviada', read: 'Lida', failed: 'Não enviada. A tentar de novo automaticamente', waiting: 'Envia daqui a pouco…' },
    connecting: 'Não foi possível ligar. A tentar de novo…',
    reconnecting: 'Ligação perdida. A religar… (as mensagens enviadas ficam guardadas)',
    deleted: 'A conversa foi apagada: as mensagens e respostas já não existem e os conselheiros não as veem. Pode começar uma nova consulta aqui.',
    deleteFailed: 'Não foi possível apagar. Espere um pouco e tente de novo.',
    tooLong: (n, max) => `Mensagem longa demais (${n} caracteres). Cada mensagem aceita ${max}. Nada foi cortado: pode enviar em partes.`,
    split: (parts) => `Enviar em ${parts} partes`,
    counter: (n, max) => `${n} / ${max} caracteres`,
    sendFailed: 'Não foi possível enviar. Verifique a mensagem e tente de novo.',
    empty: 'Não é possível enviar uma mensagem vazia. Uma palavra basta.',
  },
};
const HTML_LANG = { ja: 'ja', easy: 'ja', en: 'en', zh: 'zh-Hans', ko: 'ko', vi: 'vi', pt: 'pt' };

/** The page's first language, before the conversation says: a stored one, else the browser's. */
function initialLanguage() {
  const stored = localStorage.getItem(LANGUAGE_KEY);
  if (stored && LABELS[stored]) return stored;
  const browser = (navigator.languages?.[0] ?? navigator.language ?? 'ja').toLowerCase();
  const base = browser.split('-')[0];
  return LABELS[base] && base !== 'ja' ? base : 'ja';
}

const els = {
  messages: document.getElementById('messages'),
  typing: document.getElementById('typing'),
  form: document.getElementById('composer'),
  input: document.getElementById('message'),
  send: document.getElementById('send-button'),
  error: document.getElementById('composer-error'),
  counter: document.getElementById('counter'),
  connection: document.getElementById('connection'),
  deleteButton: document.getElementById('delete-button'),
  deleteDialog: document.getElementById('delete-dialog'),
  errorText: document.getElementById('composer-error-text'),
  split: document.getElementById('split-button'),
  chat: document.getElementById('chat'),
};

const state = {
  token: localStorage.getItem(TOKEN_KEY),
  /** server message id → element */
  rendered: new Map(),
  /** clientMessageId → element of a message not yet confirmed by the server */
  local: new Map(),
  lastCreatedAt: null,
  outbox: loadOutbox(),
  streamAbort: null,
  reconnectDelay: 1000,
  typingTimer: null,
  language: initialLanguage(),
  /** Counts of texts and choices sent, and of those a bot or counsellor answer followed. */
  sentSeq: 0,
  answeredSeq: 0,
  /** The stream was closed on purpose (deletion): no "connection lost" notice. */
  closing: false,
  /** A text too long for one message, kept whole until the person sends it in parts. */
  oversized: null,
};

const L = () => LABELS[state.language] ?? LABELS.ja;

/** Sets every label of the page in `language` (data-i18n → text, data-i18n-aria → aria-label). */
function applyLanguage(language) {
  if (!LABELS[language]) return;
  const changed = language !== state.language;
  state.language = language;
  localStorage.setItem(LANGUAGE_KEY, language);
  document.documentElement.lang = HTML_LANG[language] ?? 'ja';
  const labels = L();
  for (const el of document.querySelectorAll('[data-i18n]')) setRubyText(el, labels[el.dataset.i18n] ?? '');
  for (const el of document.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', withoutFurigana(labels[el.dataset.i18nAria] ?? ''));
  document.title = withoutFurigana(labels.title);
  if (changed) {
    for (const li of els.messages.querySelectorAll('li')) {
      const who = li.querySelector('.who');
      if (who) who.textContent = withoutFurigana(labels.who[li.dataset.author] ?? '');
      if (li.dataset.status) setStatus(li, li.dataset.status);
      li.querySelector('.choices')?.setAttribute('aria-label', labels.choices);
      li.querySelector('.tap-targets')?.setAttribute('aria-label', withoutFurigana(labels.lines));
    }
  }
}

// ---- やさしい日本語: 漢字（かな） is shown as ruby (furigana above the kanji) -------------------

const FURIGANA = /([\p{Script=Han}々]+)（([\p{Script=Hiragana}ー]+)）/gu;
const withoutFurigana = (text) => String(text).replace(FURIGANA, '$1');

/** Appends `text` to `parent` as text nodes and <ruby> elements; never as HTML. */
function appendRuby(parent, text) {
  let last = 0;
  for (const match of String(text).matchAll(FURIGANA)) {
    if (match.index > last) parent.append(document.createTextNode(text.slice(last, match.index)));
    const ruby = document.createElement('ruby');
    ruby.append(document.createTextNode(match[1]));
    const rp1 = document.createElement('rp');
    rp1.textContent = '（';
    const rt = document.createElement('rt');
    rt.textContent = match[2];
    const rp2 = document.createElement('rp');
    rp2.textContent = '）';
    ruby.append(rp1, rt, rp2);
    parent.append(ruby);
    last = match.index + match[0].length;
  }
  if (last < text.length) parent.append(document.createTextNode(text.slice(last)));
}

function setRubyText(el, text) {
  el.replaceChildren();
  appendRuby(el, text);
}

// Phone numbers in the bot's and counsellors' messages are tap targets (tel:).
const PHONE = /(#8008|0\d{1,4}-\d{1,4}-\d{3,4}|(?<![\d-])(?:110|119|189)(?![\d-]))/g;

function appendMessageText(parent, text, author) {
  if (author === 'user') {
    parent.textContent = text;
    return;
  }
  let last = 0;
  for (const match of text.matchAll(PHONE)) {
    if (match.index > last) appendRuby(parent, text.slice(last, match.index));
    const a = document.createElement('a');
    a.className = 'tel-link';
    a.href = `tel:${match[1].replaceAll('-', '')}`;
    a.textContent = match[1];
    parent.append(a);
    last = match.index + match[0].length;
  }
  if (last < text.length) appendRuby(parent, text.slice(last));
}

function loadOutbox() {
  try {
    const parsed = JSON.parse(localStorage.getItem(OUTBOX_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}
const saveOutbox = () => localStorage.setItem(OUTBOX_KEY, JSON.stringify(state.outbox));

function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A status line; `problem` marks "cannot connect" notices, which a working connection clears. */
function setConnection(text, problem = false) {
  els.connection.textContent = text;
  state.connectionProblem = problem;
}

function showError(text, split = null) {
  setRubyText(els.errorText, text);
  els.error.hidden = !text;
  els.split.hidden = !split;
  if (split) setRubyText(els.split, split);
}

// ---- API ---------------------------------------------------------------------------------

async function api(path, options = {}) {
  const headers = { ...(options.headers ?? {}) };
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(`/api/chat${path}`, {
    ...options,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

async function ensureSession() {
  if (state.token) return;
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch('/api/chat/sessions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(state.language === 'ja' ? {} : { language: state.language }),
      });
      if (response.status === 201) {
        state.token = (await response.json()).token;
        localStorage.setItem(TOKEN_KEY, state.token);
        return;
      }
      if (response.status === 429) {
        await sleep(Number(response.headers.get('Retry-After') ?? 5) * 1000);
        continue;
      }
    } catch {
      // offline: retry below
    }
    setConnection(L().connecting, true);
    await sleep(Math.min(1000 * 2 ** attempt, 15000));
  }
}

async function resetSession() {
  state.token = null;
  localStorage.removeItem(TOKEN_KEY);
  state.outbox = [];
  saveOutbox();
  state.rendered.clear();
  state.local.clear();
  state.lastCreatedAt = null;
  els.messages.replaceChildren();
  await ensureSession();
}

// ---- rendering ---------------------------------------------------------------------------


function safeHref(url) {
  if (typeof url !== 'string') return null;
  if (url.startsWith('/') && !url.startsWith('//')) return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'tel:' ? parsed.href : null;
  } catch {
    return null;
  }
}

function buildMessage(view) {
  const li = document.createElement('li');
  li.className = `message ${view.author}`;
  li.dataset.author = view.author;
  const who = document.createElement('span');
  who.className = 'who';
  who.textContent = withoutFurigana(L().who[view.author] ?? '');
  li.append(who);
  const text = document.createElement('span');
  text.className = 'text';
  appendMessageText(text, view.text ?? '', view.author);
  li.append(text);
  if (view.actions?.length) li.append(buildTapTargets(view.actions));
  if (view.choices?.length) {
    const group = document.createElement('div');
    group.className = 'choices';
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', L().choices);
    for (const choice of view.choices) {
      const button = document.createElement('button');
      button.type = 'button';
      appendRuby(button, choice.label);
      button.setAttribute('aria-label', withoutFurigana(choice.label));
      button.addEventListener('click', () => {
        for (const b of group.querySelectorAll('button')) b.disabled = true;
        queueSend({ choice: { data: choice.data, label: choice.label } });
      });
      group.append(button);
    }
    li.append(group);
  }
  if (view.link) {
    const href = safeHref(view.link.url);
    if (href) {
      const a = document.createElement('a');
      a.className = 'link-out';
      a.href = href;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      appendRuby(a, view.link.label);
      li.append(a);
    }
  }
  return li;
}

// Crisis lines (a message of type `actions`): one tap calls (tel:) or opens the chat. The first
// line is the one to call first and stands out. Styles live in crisis.css, loaded on first use.
function buildTapTargets(actions) {
  if (!document.querySelector('link[data-crisis-css]')) {
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = new URL('crisis.css', document.baseURI).pathname;
    css.dataset.crisisCss = '';
    // The lines grow when their styles arrive: scroll again, or the newest message ends up
    // under the composer (a reload whose history holds crisis lines).
    css.addEventListener('load', scrollToEnd, { once: true });
    document.head.append(css);
  }
  const list = document.createElement('ul');
  list.className = 'tap-targets';
  list.setAttribute('aria-label', withoutFurigana(L().lines));
  actions.forEach((action, index) => {
    const href = safeHref(action.uri);
    if (!href) return;
    const item = document.createElement('li');
    const a = document.createElement('a');
    a.className = index === 0 ? 'tap-target first' : 'tap-target';
    a.href = href;
    if (!href.startsWith('tel:')) {
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
    }
    const label = document.createElement('span');
    label.className = 'tap-label';
    label.textContent = action.label;
    const name = document.createElement('span');
    name.className = 'tap-name';
    name.textContent = [action.name, action.hours].filter(Boolean).join('・');
    a.append(label, name);
    item.append(a);
    list.append(item);
  });
  return list;
}

function setStatus(li, status) {
  li.classList.toggle('failed', status === 'failed');
  let badge = li.querySelector('.status');
  if (!badge) {
    badge = document.createElement('span');
    badge.className = 'status';
    li.append(badge);
  }
  badge.textContent = withoutFurigana(L().status[status] ?? '');
  li.dataset.status = status;
}

function scrollToEnd() {
  // The conversation scrolls inside its own pane, between the header and the composer.
  els.chat.scrollTo({ top: els.chat.scrollHeight, behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
}

function renderServerMessage(view) {
  if (state.rendered.has(view.id)) return;
  if (!state.lastCreatedAt || view.createdAt > state.lastCreatedAt) state.lastCreatedAt = view.createdAt;
  const li = buildMessage(view);
  li.dataset.id = view.id;
  const local = view.clientMessageId && state.local.get(view.clientMessageId);
  if (local) {
    // The server's copy replaces the optimistic one in place.
    li.dataset.createdAt = view.createdAt;
    local.replaceWith(li);
    state.local.delete(view.clientMessageId);
    setStatus(li, 'sent');
  } else {
    // Keep the conversation in the order it happened, whatever order the network delivered it in.
    li.dataset.createdAt = view.createdAt;
    const later = [...els.messages.querySelectorAll('li[data-created-at]')].find((el) => el.dataset.createdAt > view.createdAt);
    if (later) later.before(li);
    else els.messages.append(li);
    if (view.author === 'user') setStatus(li, 'sent');
  }
  state.rendered.set(view.id, li);
  if (view.author !== 'user') {
    // An answer arrived: whatever was sent before it has been answered, and nobody is typing.
    state.answeredSeq = state.sentSeq;
    hideTyping();
    if (view.language) applyLanguage(view.language);
  }
  scrollToEnd();
}

function showTyping(byStaff = false) {
  // The bot types only to answer: its "typing" shows while something sent is unanswered, so a
  // late one cannot outlive the answer. A counsellor may write first (#16); theirs ends with
  // their message, their "stopped", or the timer.
  if (!byStaff && state.answeredSeq >= state.sentSeq) return;
  const wasHidden = els.typing.hidden;
  els.typing.hidden = false;
  // It sits below the last message: in view, not under the composer.
  if (wasHidden) scrollToEnd();
  clearTimeout(state.typingTimer);
  state.typingTimer = setTimeout(hideTyping, 10000);
}
function hideTyping() {
  els.typing.hidden = true;
  clearTimeout(state.typingTimer);
}

// ---- sending (offline-proof outbox) ------------------------------------------------------

function queueSend(content) {
  const entry = { clientMessageId: newClientId(), ...content };
  state.sentSeq += 1;
  state.outbox.push(entry);
  saveOutbox();
  renderLocal(entry, 'sending');
  void flushOutbox();
}

function renderLocal(entry, status) {
  let li = state.local.get(entry.clientMessageId);
  if (!li) {
    li = buildMessage({ author: 'user', text: entry.text ?? entry.choice?.label ?? '' });
    state.local.set(entry.clientMessageId, li);
    els.messages.append(li);
    scrollToEnd();
  }
  setStatus(li, status);
}

let flushing = false;
async function flushOutbox() {
  if (flushing) return;
  flushing = true;
  try {
    let delay = 1000;
    while (state.outbox.length > 0) {
      const entry = state.outbox[0];
      let response;
      try {
        response = await api('/messages', { method: 'POST', body: entry });
      } catch {
        response = null;
      }
      if (response && (response.status === 202 || response.status === 200)) {
        state.outbox.shift();
        saveOutbox();
        const li = state.local.get(entry.clientMessageId);
        if (li) setStatus(li, 'sent');
        if (response.status === 202) showTyping();
        delay = 1000;
        continue;
      }
      if (response?.status === 429) {
        renderLocal(entry, 'waiting');
        await sleep(Number(response.headers.get('Retry-After') ?? 5) * 1000);
        continue;
      }
      if (response?.status === 401) {
        await resetSession();
        continue;
      }
      if (response && response.status >= 400 && response.status < 500) {
        // The message itself cannot be sent (too long, empty): say so and give the text back.
        const body = await response.json().catch(() => ({}));
        state.outbox.shift();
        saveOutbox();
        state.local.get(entry.clientMessageId)?.remove();
        state.local.delete(entry.clientMessageId);
        const code = body?.error?.code;
        showError(code === 'message_too_long' ? L().tooLong([...(entry.text ?? '')].length, MAX_LENGTH) : code === 'empty_message' ? L().empty : L().sendFailed);
        if (entry.text && !els.input.value) els.input.value = entry.text;
        continue;
      }
      renderLocal(entry, 'failed');
      await sleep(delay);
      delay = Math.min(delay * 2, 15000);
    }
  } finally {
    flushing = false;
  }
}

// ---- receiving (history + live stream, resumable) ----------------------------------------

async function loadHistory() {
  // Re-read a minute of overlap: a message stamped earlier may have been committed later.
  // Messages already shown are skipped by id.
  const after = state.lastCreatedAt ? new Date(Date.parse(state.lastCreatedAt) - 60_000).toISOString() : null;
  const query = after ? `?after=${encodeURIComponent(after)}` : '';
  const response = await api(`/messages${query}`);
  if (response.status === 401) {
    await resetSession();
    return loadHistory();
  }
  if (!response.ok) throw new Error(`history ${response.status}`);
  const { messages, language, readUpTo } = await response.json();
  if (language) applyLanguage(language);
  for (const view of messages) renderServerMessage(view);
  if (readUpTo) showRead(readUpTo);
  // Everything sent has its answer already (a reload after the reply came): no "typing".
  const lastView = messages.at(-1);
  if (lastView && lastView.author !== 'user') hideTyping();
}

function handleStreamEvent(name, data, token) {
  if (name === 'message') renderServerMessage(data);
  else if (name === 'typing') (data.on ? showTyping(data.by === 'staff') : hideTyping());
  else if (name === 'read') showRead(data.upTo);
  else if (name === 'deleted') void afterDeletion(token);
}

async function streamOnce() {
  const controller = new AbortController();
  state.streamAbort = controller;
  const token = state.token;
  const response = await api('/stream', { signal: controller.signal, headers: { Accept: 'text/event-stream' } });
  if (response.status === 401) {
    await resetSession();
    return;
  }
  if (!response.ok || !response.body) throw new Error(`stream ${response.status}`);
  if (state.connectionProblem) setConnection('');
  state.reconnectDelay = 1000;
  // Anything sent while we were away arrives through the history, then live.
  await loadHistory();
  void flushOutbox();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let boundary;
    while ((boundary = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      let name = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) name = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (data) {
        try {
          handleStreamEvent(name, JSON.parse(data), token);
        } catch {
          // ignore a malformed event
        }
      }
    }
  }
}

async function streamForever() {
  for (;;) {
    try {
      await streamOnce();
    } catch {
      // dropped: reconnect below
    }
    if (state.closing || deleting) {
      // Closed on purpose (the conversation was deleted): reconnect quietly to the new session.
      await deleting;
      continue;
    }
    setConnection(L().reconnecting, true);
    await sleep(state.reconnectDelay);
    state.reconnectDelay = Math.min(state.reconnectDelay * 2, 15000);
  }
}

// ---- deletion ----------------------------------------------------------------------------

let deleting = null;
/**
 * The conversation `token` belonged to was deleted (the API's answer and the stream's "deleted"
 * event both say so): start a fresh session once, and say truthfully what happened.
 */
function afterDeletion(token) {
  if (deleting) return deleting;
  if (token !== state.token) return Promise.resolve(); // already replaced by a new session
  deleting = (async () => {
    state.closing = true;
    state.streamAbort?.abort();
    hideTyping();
    await resetSession();
    setConnection(L().deleted);
  })().finally(() => {
    state.closing = false;
    deleting = null;
  });
  return deleting;
}

async function deleteConversation() {
  const token = state.token;
  const response = await api('/conversation', { method: 'DELETE' });
  if (response.status === 204 || response.status === 401) {
    await afterDeletion(token);
  } else {
    showError(L().deleteFailed);
  }
}

// ---- composer ----------------------------------------------------------------------------

let composing = false;
els.input.addEventListener('compositionstart', () => {
  composing = true;
});
els.input.addEventListener('compositionend', () => {
  // Some browsers fire the Enter keydown that confirms a conversion right after compositionend.
  setTimeout(() => {
    composing = false;
  }, 0);
});
els.input.addEventListener('keydown', (event) => {
  if (event.key !== 'Enter' || event.shiftKey) return;
  if (composing || event.isComposing || event.keyCode === 229) return;
  event.preventDefault();
  els.form.requestSubmit();
});
function updateCounter() {
  const length = [...els.input.value].length;
  els.counter.textContent = length > MAX_LENGTH - 500 ? L().counter(length, MAX_LENGTH) : '';
  els.counter.classList.toggle('over', length > MAX_LENGTH);
}

/** Splits a long text into parts of at most MAX_LENGTH characters, at a line or sentence end when it can. */
function splitText(text) {
  const chars = [...text];
  const parts = [];
  let start = 0;
  while (start < chars.length) {
    let end = Math.min(start + MAX_LENGTH, chars.length);
    if (end < chars.length) {
      const window = chars.slice(start, end).join('');
      const cut = Math.max(window.lastIndexOf('\n'), window.lastIndexOf('。'), window.lastIndexOf('. '));
      if (cut > MAX_LENGTH / 2) end = start + [...window.slice(0, cut + 1)].length;
    }
    parts.push(chars.slice(start, end).join('').trim());
    start = end;
  }
  return parts.filter(Boolean);
}

/** Too long for one message: say so, keep the text whole, and offer to send it in parts. */
function tellTooLong(text) {
  const parts = splitText(text);
  state.oversized = parts;
  showError(L().tooLong([...text].length, MAX_LENGTH), L().split(parts.length));
}

els.input.addEventListener('input', () => {
  updateCounter();
  if ([...els.input.value].length <= MAX_LENGTH) {
    state.oversized = null;
    showError('');
  }
});
els.input.addEventListener('paste', () => {
  // Told at once, after the paste lands: nothing is cut silently.
  setTimeout(() => {
    const text = els.input.value;
    if ([...text].length > MAX_LENGTH) tellTooLong(text.trim());
  }, 0);
});
els.split.addEventListener('click', () => {
  const parts = state.oversized ?? splitText(els.input.value.trim());
  state.oversized = null;
  els.input.value = '';
  updateCounter();
  showError('');
  for (const text of parts) queueSend({ text });
  els.input.focus();
});
els.form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = els.input.value.trim();
  if (!text) return;
  if ([...text].length > MAX_LENGTH) {
    tellTooLong(text);
    return;
  }
  els.input.value = '';
  updateCounter();
  showError('');
  queueSend({ text });
  els.input.focus();
});
els.deleteButton.addEventListener('click', () => els.deleteDialog.showModal());
els.deleteDialog.addEventListener('close', () => {
  if (els.deleteDialog.returnValue === 'confirm') void deleteConversation();
});

// ---- start -------------------------------------------------------------------------------

(async () => {
  applyLanguage(state.language);
  await ensureSession();
  for (const entry of state.outbox) renderLocal(entry, 'sending');
  void streamForever();
})();

// ---- 既読 and "I am typing" (people #16) -------------------------------------------------
// A counsellor opened the conversation: the person's messages up to then show 既読. While the
// person types, the console is told at most every few seconds; nothing of it is stored.

const TYPING_EVERY_MS = 4000;
let lastTypingSent = 0;

function showRead(upTo) {
  for (const li of els.messages.querySelectorAll('li.message.user[data-created-at]')) {
    if (li.dataset.createdAt > upTo || li.dataset.status !== 'sent') continue;
    setStatus(li, 'read');
  }
}

els.input.addEventListener('input', () => {
  const now = Date.now();
  if (!state.token || !els.input.value.trim() || now - lastTypingSent < TYPING_EVERY_MS) return;
  lastTypingSent = now;
  void api('/typing', { method: 'POST', body: { on: true } }).catch(() => {});
});
