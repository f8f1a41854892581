// よりそい web chat. Plain ES module, no framework, no third-party code: it must load under a
// strict Content-Security-Policy and on slow phones. Every user-visible string is set with
// textContent, never as HTML.

const TOKEN_KEY = 'yorisoi.chat.token';
const OUTBOX_KEY = 'yorisoi.chat.outbox';
const MAX_LENGTH = 5000;

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
};

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

function setConnection(text) {
  els.connection.textContent = text;
}

function showError(text) {
  els.error.textContent = text;
  els.error.hidden = !text;
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
      const response = await fetch('/api/chat/sessions', { method: 'POST' });
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
    setConnection('接続できませんでした。少し待って、もう一度つなぎます…');
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

const WHO = { user: 'あなた', bot: 'よりそい', staff: '相談員' };
const STATUS = { sending: '送信中…', sent: '送信済み', failed: '送れませんでした。自動でもう一度送ります', waiting: '少し待ってから送ります…' };

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
  const who = document.createElement('span');
  who.className = 'who';
  who.textContent = WHO[view.author] ?? '';
  li.append(who);
  const text = document.createElement('span');
  text.className = 'text';
  text.textContent = view.text ?? '';
  li.append(text);
  if (view.actions?.length) li.append(buildTapTargets(view.actions));
  if (view.choices?.length) {
    const group = document.createElement('div');
    group.className = 'choices';
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', '選択肢');
    for (const choice of view.choices) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = choice.label;
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
      a.textContent = view.link.label;
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
    document.head.append(css);
  }
  const list = document.createElement('ul');
  list.className = 'tap-targets';
  list.setAttribute('aria-label', '電話・チャット');
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
  badge.textContent = STATUS[status] ?? '';
  li.dataset.status = status;
}

function scrollToEnd() {
  els.messages.lastElementChild?.scrollIntoView({ block: 'end', behavior: 'smooth' });
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
  if (view.author !== 'user') hideTyping();
  scrollToEnd();
}

function showTyping() {
  els.typing.hidden = false;
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
        showError(body?.error?.message ?? '送れませんでした。内容を確かめて、もう一度お試しください。');
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
  const { messages, readUpTo } = await response.json();
  for (const view of messages) renderServerMessage(view);
  if (readUpTo) showRead(readUpTo);
}

function handleStreamEvent(name, data) {
  if (name === 'message') renderServerMessage(data);
  else if (name === 'typing') (data.on ? showTyping() : hideTyping());
  else if (name === 'read') showRead(data.upTo);
  else if (name === 'deleted') void afterDeletion();
}

async function streamOnce() {
  const controller = new AbortController();
  state.streamAbort = controller;
  const response = await api('/stream', { signal: controller.signal, headers: { Accept: 'text/event-stream' } });
  if (response.status === 401) {
    await resetSession();
    return;
  }
  if (!response.ok || !response.body) throw new Error(`stream ${response.status}`);
  setConnection('');
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
          handleStreamEvent(name, JSON.parse(data));
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
    setConnection('接続が切れました。もう一度つないでいます…（送ったメッセージは消えません）');
    await sleep(state.reconnectDelay);
    state.reconnectDelay = Math.min(state.reconnectDelay * 2, 15000);
  }
}

// ---- deletion ----------------------------------------------------------------------------

async function afterDeletion() {
  state.streamAbort?.abort();
  await resetSession();
  setConnection('会話を削除しました。新しく相談を始めることもできます。');
}

async function deleteConversation() {
  const response = await api('/conversation', { method: 'DELETE' });
  if (response.status === 204 || response.status === 401) {
    await afterDeletion();
  } else {
    showError('削除できませんでした。少し待ってから、もう一度お試しください。');
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
els.input.addEventListener('input', () => {
  const length = [...els.input.value].length;
  els.counter.textContent = length > MAX_LENGTH - 500 ? `${length} / ${MAX_LENGTH}文字` : '';
  showError('');
});
els.form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = els.input.value.trim();
  if (!text) return;
  if ([...text].length > MAX_LENGTH) {
    showError(`メッセージが長すぎます（${[...text].length}文字）。${MAX_LENGTH}文字以内に分けて送ってください。`);
    return;
  }
  els.input.value = '';
  els.counter.textContent = '';
  queueSend({ text });
  els.input.focus();
});
els.deleteButton.addEventListener('click', () => els.deleteDialog.showModal());
els.deleteDialog.addEventListener('close', () => {
  if (els.deleteDialog.returnValue === 'confirm') void deleteConversation();
});

// ---- start -------------------------------------------------------------------------------

(async () => {
  await ensureSession();
  for (const entry of state.outbox) renderLocal(entry, 'sending');
  void streamForever();
})();

// ---- 既読 and "I am typing" (people #16) -------------------------------------------------
// A counsellor opened the conversation: the person's messages up to then show 既読. While the
// person types, the console is told at most every few seconds; nothing of it is stored.

const READ_LABEL = '既読';
const TYPING_EVERY_MS = 4000;
let lastTypingSent = 0;

function showRead(upTo) {
  for (const li of els.messages.querySelectorAll('li.message.user[data-created-at]')) {
    if (li.dataset.createdAt > upTo || li.dataset.status !== 'sent') continue;
    li.dataset.status = 'read';
    const badge = li.querySelector('.status');
    if (badge) badge.textContent = READ_LABEL;
  }
}

els.input.addEventListener('input', () => {
  const now = Date.now();
  if (!state.token || !els.input.value.trim() || now - lastTypingSent < TYPING_EVERY_MS) return;
  lastTypingSent = now;
  void api('/typing', { method: 'POST', body: { on: true } }).catch(() => {});
});
