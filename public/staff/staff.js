// よりそい staff console. Plain ES module, no framework, no third-party code: it runs under a
// strict Content-Security-Policy (no inline script or style). Everything a person or a colleague
// wrote is put on the page with textContent, never as HTML.

const API = '/api/staff';

// ----- labels (Japanese UI) -----

const L = {
  urgency: { EMERGENCY: '緊急', HIGH: '高', NORMAL: '通常' },
  status: {
    INTAKE: '聞き取り中',
    QUEUED: '対応待ち',
    ACTIVE: '対応中',
    WAITING_USER: '返事待ち',
    INFO_GIVEN: '情報提供済み',
    HANDED_OVER: 'つなぎ済み',
    CLOSED: '終了',
  },
  channel: { LINE: 'LINE', WEB: 'ウェブ' },
  consulter: { SELF: '本人', FAMILY: '家族', AGENCY: '関係機関', NEIGHBOUR: '近隣の方', UNSURE: '未確認' },
  role: { COUNSELOR: '相談員', SUPERVISOR: 'スーパーバイザー', ADMIN: '管理者', CENTER: 'センター職員' },
  author: { user: '相談者', bot: '自動応答', staff: '相談員' },
  stage: {
    encounter_assessment: '出会い・評価段階',
    individual_support: '個人的支援段階',
    intermediate_group: '中間的・過渡的な集団との再会段階',
    social_participation: '社会参加の試行段階',
  },
  helpWanted: {
    listen: '話を聞いてほしい',
    information: '情報がほしい',
    counselling: '相談員とやりとりしたい',
    meeting: '会って相談したい',
    home_visit: '家に来てほしい',
    family_class: '家族教室・家族会',
  },
  signal: {
    suicidal_ideation: '希死念慮',
    suicide_plan: '自殺の計画・手段',
    self_harm: '自傷',
    overdose: '過量服薬',
    abuse_child: '子どもへの虐待',
    abuse_elder: '高齢者への虐待',
    domestic_violence: '家庭内暴力・DV',
    violence_to_others: '他者への危険',
    collapsed: '急病・意識の異常',
    neglect_no_food: '食事・介護が受けられない',
    emergency_services: '警察・救急への言及',
    distress: '強い苦痛・疲弊',
    household_8050: '世帯のリスク（8050）',
    money_utilities: '生活の困窮',
    hoarding: 'ため込み',
    violence_to_objects: '物への暴力',
    verbal_abuse: '暴言',
    missing_person: '行方不明',
  },
  quality: {
    ownWish: { label: '本人の意思の反映', reflected: '反映されている', undecided: '本人が迷っている・未確定', not_reflected: '反映されていない', unknown: 'わからない' },
    householdRisk: { label: '世帯のリスク', high: '高い', medium: '中くらい', low: '低い', unknown: 'わからない' },
    supportConnections: { label: 'つながっている支援者', connected: 'いる', past: '以前はいた', none: 'いない', unknown: 'わからない' },
  },
  factor: {
    elderly_parents: '親の高齢化（8050）',
    violence: '暴力',
    abuse: '虐待',
    money: 'お金のこと',
    health: '健康',
    care: '介護',
    relations: '家族の関係',
    isolation: '孤立',
    family_exhaustion: '家族の疲れ',
  },
  action: {
    'case.queued': '相談員につながりました（キュー）',
    'case.alert': 'リスクの信号',
    'case.claimed': '担当しました',
    'case.released': '担当を手放しました',
    'case.transferred': '担当を替えました',
    'case.status_changed': '状態を変えました',
    'case.assessed': 'アセスメントを保存しました',
    'case.assessment_override': '記録済みの値を変えました',
    'case.handed_over': 'センターにつなぎました',
    'handover.acknowledged': 'センターが受け止めました',
    'consent.recorded_from_chat': '会話での同意を記録しました',
    'contact.blocked': '相談者がブロックしました',
    'delivery.failed': '送信できませんでした',
    'user.data_deleted': '相談者がデータを削除しました',
    'case.anonymised': '保存期間が過ぎたため、書かれた内容を削除しました',
    'analytics.export': '集計データを書き出し',
    'case.viewed': '相談を表示',
    'case.replied': '返信',
    'case.note_added': 'メモ',
    'handover.viewed': 'つなぎを表示',
    'handover.printed': 'つなぎを印刷（書き出し）',
    'audit.viewed': '監査ログを表示',
  },
};

const label = (map, value, fallback = '—') => (value == null ? fallback : (map[value] ?? value));

// ----- DOM helpers -----

const $ = (id) => document.getElementById(id);

/** Creates an element; text always goes in as textContent. */
function el(tag, options = {}, children = []) {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text != null) node.textContent = String(options.text);
  if (options.attrs) for (const [name, value] of Object.entries(options.attrs)) if (value != null) node.setAttribute(name, String(value));
  if (options.data) for (const [name, value] of Object.entries(options.data)) node.dataset[name] = String(value);
  for (const child of children) if (child) node.append(child);
  return node;
}

function clear(node) {
  node.replaceChildren();
  return node;
}

/** Replaces a node's children, skipping the null of a condition that did not hold. */
function fill(node, ...children) {
  node.replaceChildren(...children.filter((child) => child != null && child !== false));
  return node;
}

function show(node, visible) {
  node.hidden = !visible;
}

function showError(node, message) {
  node.textContent = message ?? '';
  node.hidden = !message;
}

const dateTime = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const fullDateTime = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const formatTime = (iso) => (iso ? dateTime.format(new Date(iso)) : '—');
const formatFull = (iso) => (iso ? fullDateTime.format(new Date(iso)) : '—');

/** "12分", "3時間5分", "2日3時間" since an ISO time. */
function elapsed(iso) {
  const minutes = Math.max(0, Math.floor((Date.now() - new Date(iso).getTime()) / 60_000));
  if (minutes < 1) return '1分未満';
  if (minutes < 60) return `${minutes}分`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}時間${minutes % 60}分`;
  return `${Math.floor(hours / 24)}日${hours % 24}時間`;
}

function waitingNode(iso) {
  if (!iso) return el('span', { className: 'waiting none', text: '待ちなし' });
  return el('span', { className: 'waiting', data: { since: iso }, text: `待ち ${elapsed(iso)}` });
}

/** Keeps every waiting time on the page ticking. */
function tickWaiting() {
  for (const node of document.querySelectorAll('.waiting[data-since]')) {
    const text = `待ち ${elapsed(node.dataset.since)}`;
    if (node.textContent !== text) node.textContent = text;
    const minutes = (Date.now() - new Date(node.dataset.since).getTime()) / 60_000;
    node.classList.toggle('long', minutes >= 60);
  }
}

function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

// ----- state -----

const state = {
  me: null,
  csrfToken: '',
  tab: 'queue',
  cases: [],
  caseId: null,
  view: null,
  templates: [],
  centers: [],
  colleagues: [],
  handoverId: null,
  stream: null,
  queueTimer: null,
  caseTimer: null,
};

// ----- API -----

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.csrfToken) headers['X-CSRF-Token'] = state.csrfToken;
  let response;
  try {
    response = await fetch(API + path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new ApiError(0, 'network', 'サーバーにつながりません。ネットワークを確認して、もう一度試してください。');
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const code = data?.error?.code ?? 'error';
    const message =
      code === 'invalid_request'
        ? `入力に足りないところか誤りがあります（${(data.error.details ?? []).map((d) => d.path).filter(Boolean).join('、') || '内容'}）。`
        : (data?.error?.message ?? `エラーが起きました（${response.status}）。`);
    const error = new ApiError(response.status, code, message);
    if (response.status === 401 && path !== '/login') onLoggedOut(error.message);
    throw error;
  }
  return data;
}

function reportGlobal(error) {
  showError($('global-error'), error ? error.message : '');
  if (error) setTimeout(() => showError($('global-error'), ''), 8000);
}

// ----- login / logout -----

function onLoggedOut(message) {
  state.me = null;
  state.csrfToken = '';
  state.stream?.close();
  state.stream = null;
  show($('app-view'), false);
  show($('login-view'), true);
  showError($('login-error'), message ?? '');
  $('login-password').value = '';
  $('login-email').focus();
}

async function login(event) {
  event.preventDefault();
  showError($('login-error'), '');
  $('login-submit').disabled = true;
  try {
    const result = await api('POST', '/login', { email: $('login-email').value, password: $('login-password').value });
    $('login-password').value = '';
    await startApp(result);
  } catch (error) {
    showError($('login-error'), error.message);
  } finally {
    $('login-submit').disabled = false;
  }
}

async function logout() {
  try {
    await api('POST', '/logout', {});
  } catch {
    // the session is gone either way
  }
  onLoggedOut('ログアウトしました。');
}

async function changePassword(event) {
  event.preventDefault();
  showError($('password-error'), '');
  try {
    await api('POST', '/password', { currentPassword: $('password-current').value, newPassword: $('password-new').value });
    $('password-dialog').close();
    $('password-current').value = '';
    $('password-new').value = '';
    reportGlobal({ message: 'パスワードを変更しました。ほかの端末のログインは終了しました。' });
  } catch (error) {
    showError($('password-error'), error.message);
  }
}

// ----- notifications (urgent alerts, reminders, escalations) -----

const NOTIFY_ROLES = ['COUNSELOR', 'SUPERVISOR', 'ADMIN'];
const URGENCY_TEXT = { EMERGENCY: '緊急', HIGH: '高', NORMAL: '通常' };

function setUpNotifications() {
  const button = $('notifications-button');
  const allowed = NOTIFY_ROLES.includes(state.me.role);
  show(button, allowed);
  if (!allowed || state.notificationsReady) return;
  state.notificationsReady = true;
  button.addEventListener('click', () => {
    const open = $('notifications-panel').hidden;
    show($('notifications-panel'), open);
    button.setAttribute('aria-expanded', String(open));
  });
  void loadNotifications({ announce: false });
}

async function loadNotifications({ announce }) {
  if (!NOTIFY_ROLES.includes(state.me?.role)) return;
  let data;
  try {
    data = await api('GET', '/notifications');
  } catch {
    return;
  }
  const seen = state.notificationIds ?? new Set();
  const list = clear($('notifications-list'));
  for (const n of data.notifications) {
    const open = n.caseId
      ? el('button', { text: '相談を開く', attrs: { type: 'button' } })
      : null;
    open?.addEventListener('click', () => {
      show($('notifications-panel'), false);
      $('notifications-button').setAttribute('aria-expanded', 'false');
      selectTab('queue');
      void loadCase(n.caseId);
    });
    const done = el('button', { text: '確認しました', attrs: { type: 'button' } });
    done.addEventListener('click', async () => {
      try {
        await api('POST', `/notifications/${n.id}/read`);
      } catch (error) {
        reportGlobal(error);
      }
      void loadNotifications({ announce: false });
    });
    list.append(
      el('li', { className: n.urgency, data: { id: n.id } }, [
        el('strong', { text: `［${URGENCY_TEXT[n.urgency] ?? n.urgency}］` }),
        el('span', { text: n.title }),
        el('span', { className: 'when', text: dateTime.format(new Date(n.createdAt)) }),
        el('div', { className: 'actions' }, [open, done]),
      ]),
    );
    if (announce && !seen.has(n.id) && n.urgency === 'EMERGENCY') {
      $('notifications-alert').textContent = `緊急のお知らせ: ${n.title}`;
    }
  }
  state.notificationIds = new Set(data.notifications.map((n) => n.id));
  $('notifications-count').textContent = String(data.unread);
  $('notifications-button').classList.toggle('has-unread', data.unread > 0);
  show($('notifications-empty'), data.notifications.length === 0);
}

// ----- start -----

async function startApp({ csrfToken, staff }) {
  state.me = staff;
  state.csrfToken = csrfToken;
  $('whoami').textContent = `${staff.name}（${label(L.role, staff.role)}）`;
  for (const tab of document.querySelectorAll('#tabs .tab')) {
    tab.hidden = !tab.dataset.roles.split(' ').includes(staff.role);
  }
  show($('login-view'), false);
  show($('app-view'), true);
  const first = [...document.querySelectorAll('#tabs .tab')].find((t) => !t.hidden);
  openStream();
  setUpNotifications();
  await loadReference();
  selectTab(first?.dataset.tab ?? 'queue');
  openCaseFromLink();
}

/** Notification links (webhook, e-mail) point at /staff/#case=<id>: open that case. */
function openCaseFromLink() {
  const id = /^#case=([0-9a-f-]{36})$/.exec(location.hash)?.[1];
  if (!id || !NOTIFY_ROLES.includes(state.me?.role)) return;
  selectTab('queue');
  void loadCase(id);
}
window.addEventListener('hashchange', openCaseFromLink);

async function loadReference() {
  const role = state.me.role;
  const desk = role === 'COUNSELOR' || role === 'SUPERVISOR';
  const [centers, templates, colleagues] = await Promise.all([
    api('GET', '/centers').catch(() => ({ centers: [] })),
    desk ? api('GET', '/templates').catch(() => ({ templates: [] })) : { templates: [] },
    desk ? api('GET', '/colleagues').catch(() => ({ colleagues: [] })) : { colleagues: [] },
  ]);
  state.centers = centers.centers;
  state.templates = templates.templates;
  state.colleagues = colleagues.colleagues;

  const templateSelect = $('template-select');
  clear(templateSelect).append(el('option', { text: '（テンプレートを選ぶ）', attrs: { value: '' } }));
  const groups = new Map();
  for (const t of state.templates) {
    if (!groups.has(t.category)) groups.set(t.category, el('optgroup', { attrs: { label: t.category } }));
    groups.get(t.category).append(el('option', { text: t.title, attrs: { value: t.id } }));
  }
  for (const group of groups.values()) templateSelect.append(group);

  for (const select of [$('handover-center'), $('account-center')]) {
    clear(select).append(el('option', { text: '（選ぶ）', attrs: { value: '' } }));
    for (const c of state.centers) select.append(el('option', { text: c.name, attrs: { value: c.code } }));
  }
}

function selectTab(name) {
  state.tab = name;
  for (const tab of document.querySelectorAll('#tabs .tab')) tab.setAttribute('aria-current', tab.dataset.tab === name ? 'page' : 'false');
  for (const panel of document.querySelectorAll('.tab-panel')) show(panel, panel.id === `${name}-tab`);
  if (name === 'queue') loadQueue();
  if (name === 'handovers') loadHandovers();
  if (name === 'audit') loadAudit();
  if (name === 'reports') loadReport();
  if (name === 'accounts') loadAccounts();
  if (name === 'settings') loadSettings();
}

// ----- live updates -----

function openStream() {
  state.stream?.close();
  const stream = new EventSource(`${API}/stream`);
  state.stream = stream;
  stream.addEventListener('ready', () => {
    $('live-status').textContent = '● ライブ更新中';
    $('live-status').classList.remove('offline');
    // Whatever changed while we were away.
    scheduleQueueReload();
  });
  stream.addEventListener('case', (event) => {
    let data;
    try {
      data = JSON.parse(event.data);
    } catch {
      return;
    }
    scheduleQueueReload();
    if (state.tab === 'handovers' && data.change.startsWith('handover')) loadHandovers();
    if (state.caseId && (data.caseId === state.caseId || data.caseId === '')) scheduleCaseReload();
  });
  stream.addEventListener('notification', () => loadNotifications({ announce: true }));
  stream.onerror = () => {
    $('live-status').textContent = '○ 再接続中…';
    $('live-status').classList.add('offline');
  };
}

function scheduleQueueReload() {
  if (state.tab !== 'queue') return;
  clearTimeout(state.queueTimer);
  state.queueTimer = setTimeout(loadQueue, 250);
}

function scheduleCaseReload() {
  clearTimeout(state.caseTimer);
  state.caseTimer = setTimeout(() => state.caseId && loadCase(state.caseId, { keepScroll: true }), 300);
}

// ----- the queue -----

function queueQuery() {
  const params = new URLSearchParams();
  params.set('status', $('filter-status').value);
  for (const [id, name] of [['filter-urgency', 'urgency'], ['filter-channel', 'channel'], ['filter-consulter', 'consulterType']]) {
    if ($(id).value) params.set(name, $(id).value);
  }
  if ($('filter-mine').checked) params.set('mine', 'true');
  return params.toString();
}

async function loadQueue() {
  if (!state.me || !['COUNSELOR', 'SUPERVISOR'].includes(state.me.role)) return;
  try {
    const { cases } = await api('GET', `/cases?${queueQuery()}`);
    state.cases = cases;
    renderQueue();
  } catch (error) {
    reportGlobal(error);
  }
}

function renderQueue() {
  const list = clear($('queue'));
  $('queue-count').textContent = `${state.cases.length}件`;
  for (const c of state.cases) {
    const who = label(L.consulter, c.consulterType, '相談者未確認');
    const signals = c.preview.signals.map((s) => label(L.signal, s));
    const item = el('li', { className: `queue-item urgency-${c.urgency.toLowerCase()}${c.id === state.caseId ? ' selected' : ''}`, data: { caseId: c.id } }, [
      el('button', { className: 'queue-button', attrs: { type: 'button', 'aria-label': `${label(L.urgency, c.urgency)} ${who} ${label(L.status, c.status)}` } }, [
        el('span', { className: 'row' }, [
          el('span', { className: `badge urgency ${c.urgency.toLowerCase()}`, text: label(L.urgency, c.urgency) }),
          el('span', { className: 'badge', text: label(L.status, c.status) }),
          el('span', { className: 'badge channel', text: label(L.channel, c.channel) }),
          waitingNode(c.waitingSince),
        ]),
        el('span', { className: 'queue-who', text: `${who}${c.preview.helpWanted ? ` ・ ${label(L.helpWanted, c.preview.helpWanted)}` : ''}` }),
        signals.length ? el('span', { className: 'queue-signals', text: `信号: ${signals.join('、')}` }) : null,
        el('span', { className: 'queue-assignee', text: c.assigneeName ? `担当: ${c.assigneeName}` : '未担当' }),
        c.preview.handoverPending ? el('span', { className: 'badge pending', text: '受け止め待ち' }) : null,
        c.preview.dataDeleted ? el('span', { className: 'badge', text: 'データ削除済み' }) : null,
      ]),
    ]);
    item.querySelector('button').addEventListener('click', () => loadCase(c.id));
    list.append(item);
  }
  if (state.cases.length === 0) list.append(el('li', { className: 'empty', text: '該当する相談はありません。' }));
}

// ----- a case -----

async function loadCase(caseId, { keepScroll = false } = {}) {
  const switching = state.caseId !== caseId;
  state.caseId = caseId;
  showError($('case-error'), '');
  try {
    state.view = await api('GET', `/cases/${caseId}`);
  } catch (error) {
    if (error.status === 404) {
      state.caseId = null;
      state.view = null;
      show($('case-view'), false);
      show($('case-placeholder'), true);
    }
    reportGlobal(error);
    return;
  }
  const conversation = $('conversation');
  const atBottom = conversation.scrollHeight - conversation.scrollTop - conversation.clientHeight < 40;
  renderCase(switching);
  if (!keepScroll || atBottom || switching) conversation.scrollTop = conversation.scrollHeight;
  for (const item of document.querySelectorAll('.queue-item')) item.classList.toggle('selected', item.dataset.caseId === caseId);
}

function renderCase(switching) {
  const v = state.view;
  const c = v.case;
  show($('case-placeholder'), false);
  show($('case-view'), true);
  $('case-title').textContent = `相談 #${c.id.slice(0, 8)}`;
  fill($('case-badges'),
    el('span', { className: `badge urgency ${c.urgency.toLowerCase()}`, text: label(L.urgency, c.urgency) }),
    el('span', { className: 'badge', text: label(L.status, c.status) }),
    el('span', { className: 'badge channel', text: label(L.channel, c.channel) }),
    el('span', { className: 'badge', text: label(L.consulter, c.consulterType, '相談者未確認') }),
    waitingNode(c.waitingSince),
    v.contact.blocked ? el('span', { className: 'badge danger', text: '相談者がブロック中（届きません）' }) : null,
    v.failedDeliveries ? el('span', { className: 'badge danger', text: `送信失敗 ${v.failedDeliveries}件` }) : null,
    c.dataDeletedAt ? el('span', { className: 'badge', text: 'データ削除済み' }) : null,
    c.anonymisedAt ? el('span', { className: 'badge', text: '保存期間経過のため匿名化済み' }) : null,
  );
  $('case-meta').textContent = `担当: ${c.assigneeName ?? '未担当'} ／ 初回: ${formatFull(v.contact.firstContactAt)} ／ 最後のメッセージ: ${formatTime(c.lastUserMessageAt)}${c.followUpAt ? ` ／ 次の連絡: ${formatFull(c.followUpAt)}` : ''}`;

  const mine = c.assigneeId === state.me.id;
  show($('claim-button'), v.permissions.claim);
  show($('release-button'), v.permissions.work && !!c.assigneeId && c.status !== 'CLOSED');
  const transferSelect = clear($('transfer-select'));
  transferSelect.append(el('option', { text: '（選ぶ）', attrs: { value: '' } }));
  for (const colleague of state.colleagues) {
    if (colleague.id !== c.assigneeId) transferSelect.append(el('option', { text: `${colleague.name}（${label(L.role, colleague.role)}）`, attrs: { value: colleague.id } }));
  }
  const canTransfer = v.permissions.work && c.status !== 'CLOSED' && c.status !== 'INTAKE';
  show(transferSelect.parentElement, canTransfer);
  show($('transfer-button'), canTransfer);

  renderConversation(v.messages);
  const canReply = v.permissions.work && !!c.assigneeId && c.status !== 'CLOSED';
  show($('reply-form'), canReply);
  $('reply-form').dataset.mine = String(mine);

  renderAnswers(v.answers);
  renderMarkers(c);
  renderNotes(v.notes);
  show($('note-form'), v.permissions.work);
  if (switching) fillAssessment(c);
  show($('assessment-section'), v.permissions.work && c.status !== 'CLOSED');
  show($('status-section'), v.permissions.work && c.status !== 'CLOSED');
  renderHandoverSection(v);
  renderHistory(v.history);
}

function renderConversation(messages) {
  const list = clear($('conversation'));
  for (const m of messages) {
    const who = m.author === 'staff' ? `相談員${m.staffName ? `（${m.staffName}）` : ''}` : label(L.author, m.author);
    const body = m.text ?? (m.kind === 'text' ? '' : `［${m.kind}］`);
    list.append(
      el('li', { className: `msg msg-${m.author}`, data: { messageId: m.id } }, [
        el('span', { className: 'msg-meta', text: `${who} ・ ${formatTime(m.createdAt)}` }),
        el('span', { className: 'msg-text', text: body }),
        m.choices.length ? el('span', { className: 'msg-choices', text: `選択肢: ${m.choices.join(' ／ ')}` }) : null,
      ]),
    );
  }
  if (messages.length === 0) list.append(el('li', { className: 'empty', text: 'メッセージはありません。' }));
}

function renderAnswers(answers) {
  const list = clear($('intake-answers'));
  const shown = answers.filter((a) => a.value !== null || a.freeText);
  for (const a of shown) {
    const value = [a.valueLabel ?? a.value, a.freeText].filter(Boolean).join(' ／ ');
    list.append(el('dt', { text: a.label ?? a.key }), el('dd', { text: value || '（スキップ）' }));
  }
  if (shown.length === 0) list.append(el('dd', { className: 'empty', text: '聞き取りの回答はまだありません。' }));
}

function renderMarkers(c) {
  const list = clear($('markers'));
  const markers = c.markers ?? {};
  const signals = Array.isArray(markers.signals) ? markers.signals : [];
  list.append(el('dt', { text: 'リスクの信号' }), el('dd', { className: signals.length ? 'danger-text' : '', text: signals.length ? signals.map((s) => label(L.signal, s)).join('、') : 'なし' }));
  const quality = markers.quality ?? {};
  for (const [key, names] of Object.entries(L.quality)) {
    const marker = quality[key];
    const source = marker?.from?.includes('assessment') ? '（アセスメント）' : marker ? '（聞き取りから推定）' : '';
    list.append(el('dt', { text: names.label }), el('dd', { text: marker?.value ? `${names[marker.value] ?? marker.value}${source}` : '未評価' }));
  }
  const factors = quality.householdRisk?.factors ?? [];
  if (factors.length) list.append(el('dt', { text: '世帯のリスク要因' }), el('dd', { text: factors.map(factorLabel).join('、') }));
  list.append(el('dt', { text: '支援の段階' }), el('dd', { text: label(L.stage, c.stage, '未設定') }));
  if (c.assessedAt) list.append(el('dt', { text: 'アセスメント' }), el('dd', { text: formatFull(c.assessedAt) }));
}

function renderNotes(notes) {
  const list = clear($('notes'));
  for (const n of notes) {
    list.append(el('li', {}, [el('span', { className: 'msg-meta', text: `${n.authorName} ・ ${formatTime(n.createdAt)}` }), el('span', { className: 'msg-text', text: n.text })]));
  }
  if (notes.length === 0) list.append(el('li', { className: 'empty', text: 'メモはまだありません。' }));
}

function renderHistory(history) {
  const list = clear($('history'));
  for (const h of history.slice().reverse().slice(0, 50)) {
    const detail = h.detail ?? {};
    const extra = [
      detail.to && detail.from ? `${label(L.status, detail.from)} → ${label(L.status, detail.to)}` : null,
      detail.reason && h.action !== 'case.queued' ? `理由: ${detail.reason}` : null,
      detail.overrideReason ? `理由: ${detail.overrideReason}` : null,
      Array.isArray(detail.signals) ? detail.signals.map((s) => label(L.signal, s)).join('、') : null,
    ].filter(Boolean);
    list.append(el('li', { text: `${formatTime(h.at)} ${h.actorName ?? (h.actorType === 'system' ? 'システム' : '')} ${label(L.action, h.action)}${extra.length ? `（${extra.join(' ／ ')}）` : ''}` }));
  }
}

const factorLabel = (factor) => L.factor[factor] ?? L.signal[factor] ?? factor;

/** Starts from the saved assessment, else from the markers the intake derived. */
function fillAssessment(c) {
  const a = c.assessment ?? {};
  const q = c.markers?.quality ?? {};
  $('as-track').value = a.track ?? (c.consulterType === 'FAMILY' ? 'family' : 'person');
  $('as-own-wish').value = a.ownWish?.value ?? q.ownWish?.value ?? 'unknown';
  $('as-person-aware').value = a.ownWish?.personAware ?? 'unknown';
  $('as-own-wish-note').value = a.ownWish?.note ?? '';
  $('as-household-risk').value = a.householdRisk?.value ?? q.householdRisk?.value ?? 'unknown';
  $('as-household-note').value = a.householdRisk?.note ?? '';
  $('as-support-connections').value = a.supportConnections?.value ?? q.supportConnections?.value ?? 'unknown';
  $('as-support-note').value = a.supportConnections?.note ?? '';
  const factors = a.householdRisk?.factors ?? q.householdRisk?.factors ?? [];
  const boxes = $('as-factors');
  for (const extra of boxes.querySelectorAll('label.extra')) extra.remove();
  for (const factor of factors) {
    if (!boxes.querySelector(`input[value="${CSS.escape(factor)}"]`)) {
      boxes.append(el('label', { className: 'extra' }, [el('input', { attrs: { type: 'checkbox', value: factor } }), document.createTextNode(` ${factorLabel(factor)}`)]));
    }
  }
  $('as-stage').value = c.stage ?? '';
  $('as-urgency').value = c.urgency;
  $('as-consulter').value = '';
  $('as-summary').value = a.summary ?? '';
  $('as-override-reason').value = '';
  for (const box of document.querySelectorAll('#as-factors input')) box.checked = factors.includes(box.value);
  for (const box of document.querySelectorAll('#as-needs input')) box.checked = (a.needs ?? []).includes(box.value);
  $('assessment-status').textContent = c.assessedAt ? `最後の保存: ${formatFull(c.assessedAt)}` : '';
}

function renderHandoverSection(v) {
  const c = v.case;
  const consent = v.handoverConsent;
  $('consent-state').textContent = consent
    ? consent.granted
      ? `相談者の同意: あり（${formatFull(consent.createdAt)}）`
      : `相談者の同意: なし（${formatFull(consent.createdAt)}に「いいえ」）`
    : '相談者の同意: 記録なし';
  $('consent-state').className = `consent-state ${consent?.granted ? 'ok' : 'missing'}`;

  const userMessages = v.messages.filter((m) => m.author === 'user' && m.text).slice(-15).reverse();
  const select = clear($('consent-message'));
  for (const m of userMessages) {
    const text = m.text.length > 40 ? `${m.text.slice(0, 40)}…` : m.text;
    select.append(el('option', { text: `${formatTime(m.createdAt)} ${text}`, attrs: { value: m.id } }));
  }
  const pending = v.handovers.some((h) => !h.acknowledgedAt);
  show($('consent-form'), v.permissions.work && userMessages.length > 0 && !consent?.granted);
  show($('handover-form'), v.permissions.work && !!c.assigneeId && !pending && c.status !== 'CLOSED');

  const list = clear($('case-handovers'));
  for (const h of v.handovers) {
    list.append(
      el('li', {}, [
        el('span', { text: `${formatFull(h.createdAt)} ${h.centerName ?? h.centerCode}へ（${h.basis === 'consent' ? '同意' : '緊急'}）${h.createdByName ? ` ・ ${h.createdByName}` : ''}` }),
        el('span', { className: h.acknowledgedAt ? 'badge ok' : 'badge pending', text: h.acknowledgedAt ? `受け止め済み ${formatTime(h.acknowledgedAt)}${h.acknowledgedByName ? `（${h.acknowledgedByName}）` : ''}` : '受け止め待ち' }),
        el('a', { className: 'button-link', text: '印刷用ページ', attrs: { href: `/staff/handovers/${h.id}/print`, target: '_blank', rel: 'noopener' } }),
      ]),
    );
  }
}

async function caseAction(run, { reload = true, errorNode = $('case-error') } = {}) {
  showError(errorNode, '');
  try {
    const result = await run();
    if (reload && state.caseId) await loadCase(state.caseId, { keepScroll: true });
    loadQueue();
    return result;
  } catch (error) {
    showError(errorNode, error.message);
    if (error.status === 409 && state.caseId) await loadCase(state.caseId, { keepScroll: true });
    return undefined;
  }
}

function claim() {
  return caseAction(() => api('POST', `/cases/${state.caseId}/claim`, {}));
}

function release() {
  const reason = window.prompt('手放す理由（任意）') ?? null;
  if (reason === null) return undefined;
  return caseAction(() => api('POST', `/cases/${state.caseId}/release`, reason ? { reason } : {}));
}

function transfer() {
  const toStaffId = $('transfer-select').value;
  if (!toStaffId) return showError($('case-error'), '担当を替える相手を選んでください。');
  return caseAction(() => api('POST', `/cases/${state.caseId}/transfer`, { toStaffId }));
}

async function sendReply(event) {
  event.preventDefault();
  const textarea = $('reply-text');
  const text = textarea.value.trim();
  if (!text) return showError($('reply-error'), '返信を書いてください。');
  const button = $('reply-send');
  button.disabled = true;
  const clientMessageId = textarea.dataset.clientMessageId || newClientId();
  textarea.dataset.clientMessageId = clientMessageId; // a retry after a network error is sent once
  const result = await caseAction(() => api('POST', `/cases/${state.caseId}/messages`, { text, clientMessageId }), { errorNode: $('reply-error') });
  button.disabled = false;
  if (result) {
    textarea.value = '';
    delete textarea.dataset.clientMessageId;
    updateCounter();
    if (!result.deliverable) showError($('reply-error'), '保存しましたが、相談者がブロックしているため届きません。');
  }
}

function updateCounter() {
  const count = [...$('reply-text').value].length;
  $('reply-counter').textContent = `${count} / 5000`;
}

function applyTemplate() {
  const template = state.templates.find((t) => t.id === $('template-select').value);
  if (!template) return;
  const textarea = $('reply-text');
  textarea.value = textarea.value ? `${textarea.value}\n${template.text}` : template.text;
  delete textarea.dataset.clientMessageId;
  $('template-select').value = '';
  updateCounter();
  textarea.focus();
}

async function addNote(event) {
  event.preventDefault();
  const text = $('note-text').value.trim();
  if (!text) return;
  const result = await caseAction(() => api('POST', `/cases/${state.caseId}/notes`, { text }));
  if (result) $('note-text').value = '';
}

async function saveAssessment(event) {
  event.preventDefault();
  const checked = (id) => [...document.querySelectorAll(`#${id} input:checked`)].map((box) => box.value);
  const body = {
    track: $('as-track').value,
    ownWish: { value: $('as-own-wish').value, personAware: $('as-person-aware').value, note: $('as-own-wish-note').value },
    householdRisk: { value: $('as-household-risk').value, factors: checked('as-factors'), note: $('as-household-note').value },
    supportConnections: { value: $('as-support-connections').value, note: $('as-support-note').value },
    stage: $('as-stage').value || null,
    needs: checked('as-needs'),
    urgency: $('as-urgency').value,
    consulterType: $('as-consulter').value || null,
    summary: $('as-summary').value,
    ...($('as-override-reason').value.trim() ? { overrideReason: $('as-override-reason').value.trim() } : {}),
  };
  const saved = await caseAction(async () => {
    await api('PUT', `/cases/${state.caseId}/assessment`, body);
    return true;
  });
  if (saved) {
    $('as-override-reason').value = '';
    $('assessment-status').textContent = 'アセスメントを保存しました。';
  }
}

async function changeStatus(event) {
  event.preventDefault();
  const followUp = $('status-follow-up').value;
  const body = {
    status: $('status-select').value,
    reason: $('status-reason').value.trim(),
    ...(followUp ? { followUpOn: followUp } : {}),
  };
  if (!body.reason) return showError($('case-error'), '状態を変える理由を書いてください。');
  const done = await caseAction(async () => {
    await api('POST', `/cases/${state.caseId}/status`, body);
    return true;
  });
  if (done) {
    $('status-reason').value = '';
    $('status-follow-up').value = '';
  }
}

async function recordConsent(event) {
  event.preventDefault();
  const messageId = $('consent-message').value;
  if (!messageId) return;
  if (!window.confirm('選んだ発言を、センターへのつなぎの同意として記録します。よろしいですか？')) return;
  await caseAction(() => api('POST', `/cases/${state.caseId}/consents`, { granted: true, messageId }));
}

async function handOver(event) {
  event.preventDefault();
  const basis = document.querySelector('input[name="handover-basis"]:checked')?.value ?? 'consent';
  const body = {
    centerCode: $('handover-center').value,
    basis,
    note: $('handover-note').value.trim(),
    ...(basis === 'emergency_override' ? { overrideReason: $('handover-override-reason').value.trim() } : {}),
  };
  if (!body.centerCode) return showError($('case-error'), 'つなぎ先のセンターを選んでください。');
  if (!body.note) return showError($('case-error'), 'センターへの申し送りを書いてください。');
  const done = await caseAction(() => api('POST', `/cases/${state.caseId}/handovers`, body));
  if (done) {
    $('handover-note').value = '';
    $('handover-override-reason').value = '';
  }
}

// ----- handovers (receiving side) -----

async function loadHandovers() {
  try {
    const { handovers } = await api('GET', `/handovers?state=${$('handover-state').value}`);
    const list = clear($('handover-list'));
    for (const h of handovers) {
      const item = el('li', { className: `handover-item${h.id === state.handoverId ? ' selected' : ''}`, data: { handoverId: h.id } }, [
        el('button', { className: 'queue-button', attrs: { type: 'button' } }, [
          el('span', { className: 'row' }, [
            el('span', { className: h.acknowledgedAt ? 'badge ok' : 'badge pending', text: h.acknowledgedAt ? '受け止め済み' : '受け止め待ち' }),
            el('span', { className: 'badge', text: h.basis === 'consent' ? '同意' : '緊急' }),
            h.acknowledgedAt ? null : waitingNode(h.createdAt),
          ]),
          el('span', { className: 'queue-who', text: h.centerName ?? h.centerCode }),
          el('span', { className: 'queue-assignee', text: `${formatFull(h.createdAt)} ${h.createdByName ?? ''}` }),
        ]),
      ]);
      item.querySelector('button').addEventListener('click', () => openHandover(h.id));
      list.append(item);
    }
    if (handovers.length === 0) list.append(el('li', { className: 'empty', text: '該当するつなぎはありません。' }));
  } catch (error) {
    reportGlobal(error);
  }
}

function summaryBlock(summary) {
  const wrap = el('div', { className: 'summary' });
  const row = (term, value) => [el('dt', { text: term }), el('dd', { text: value ?? '—' })];
  const quality = summary.quality ?? {};
  const assessment = summary.assessment ?? null;
  wrap.append(
    el('h3', { text: `${summary.center?.name ?? ''} へのつなぎ（相談 #${summary.caseRef}）` }),
    el('dl', { className: 'answers' }, [
      ...row('つないだ日時', formatFull(summary.handedOverAt)),
      ...row('つないだ相談員', summary.handedOverBy?.name),
      ...row('根拠', summary.basis === 'consent' ? `相談者の同意（${formatFull(summary.consent?.at)}）` : `緊急（理由: ${summary.overrideReason ?? ''}）`),
      ...row('窓口', label(L.channel, summary.channel)),
      ...row('相談者', label(L.consulter, summary.consulterType, '未確認')),
      ...row('緊急度', label(L.urgency, summary.urgency)),
      ...row('支援の段階', label(L.stage, summary.stage, '未設定')),
      ...row('リスクの信号', (summary.signalLabels ?? (summary.signals ?? []).map((s) => label(L.signal, s))).join('、') || 'なし'),
      ...Object.entries(L.quality).flatMap(([key, names]) => row(names.label, quality[key]?.value ? (names[quality[key].value] ?? quality[key].value) : '未評価')),
      ...row('世帯のリスク要因', (quality.householdRisk?.factors ?? []).map(factorLabel).join('、') || 'なし'),
    ]),
    el('h4', { text: '窓口からの申し送り' }),
    el('p', { className: 'pre', text: summary.deskNote }),
  );
  if (assessment?.summary) wrap.append(el('h4', { text: '見立て' }), el('p', { className: 'pre', text: assessment.summary }));
  const intake = summary.intake ?? [];
  if (intake.length) {
    wrap.append(
      el('h4', { text: '聞き取りの回答' }),
      el('dl', { className: 'answers' }, intake.flatMap((a) => row(a.label ?? a.key, [a.valueLabel ?? a.value, a.freeText].filter(Boolean).join(' ／ ')))),
    );
  }
  return wrap;
}

async function openHandover(id) {
  state.handoverId = id;
  showError($('handover-error'), '');
  try {
    const { handover } = await api('GET', `/handovers/${id}`);
    show($('handover-detail'), true);
    fill($('handover-summary'),
      summaryBlock(handover.summary),
      handover.acknowledgedAt
        ? el('p', { className: 'notice', text: `受け止め済み: ${formatFull(handover.acknowledgedAt)} ${handover.acknowledgedByName ?? ''}${handover.acknowledgedNote ? `（${handover.acknowledgedNote}）` : ''}` })
        : null,
    );
    $('handover-print').setAttribute('href', `/staff/handovers/${id}/print`);
    show($('acknowledge-button'), !handover.acknowledgedAt);
    show($('acknowledge-note'), !handover.acknowledgedAt);
    show($('acknowledge-note').previousElementSibling, !handover.acknowledgedAt);
    for (const item of document.querySelectorAll('.handover-item')) item.classList.toggle('selected', item.dataset.handoverId === id);
  } catch (error) {
    reportGlobal(error);
  }
}

async function acknowledge(event) {
  event.preventDefault();
  if (!state.handoverId) return;
  showError($('handover-error'), '');
  const note = $('acknowledge-note').value.trim();
  try {
    await api('POST', `/handovers/${state.handoverId}/acknowledge`, note ? { note } : {});
    $('acknowledge-note').value = '';
    await openHandover(state.handoverId);
    await loadHandovers();
  } catch (error) {
    showError($('handover-error'), error.message);
  }
}

// ----- supervision -----

async function loadAudit(event) {
  event?.preventDefault();
  const caseId = $('audit-case-id').value.trim() || state.caseId || '';
  $('audit-case-id').value = caseId;
  try {
    const { events } = await api('GET', `/audit?limit=300${caseId ? `&caseId=${encodeURIComponent(caseId)}` : ''}`);
    const rows = clear($('audit-rows'));
    for (const e of events) {
      rows.append(
        el('tr', {}, [
          el('td', { text: formatFull(e.at) }),
          el('td', { text: e.actorName ?? e.actorType }),
          el('td', { text: `${label(L.action, e.action, e.action)}（${e.action}）` }),
          el('td', { text: e.caseId ? e.caseId.slice(0, 8) : '' }),
          el('td', { className: 'detail', text: e.detail ? JSON.stringify(e.detail) : '' }),
        ]),
      );
    }
  } catch (error) {
    reportGlobal(error);
  }
}

function countsBlock(title, counts, names = {}) {
  return el('section', { className: 'card' }, [
    el('h3', { text: title }),
    el('dl', { className: 'answers' }, Object.entries(counts ?? {}).flatMap(([key, value]) => [el('dt', { text: names[key] ?? key }), el('dd', { text: `${value}` })])),
  ]);
}

async function loadReport() {
  try {
    const report = await api('GET', '/reports/summary');
    const quality = report.cases.quality ?? {};
    fill($('report'),
      el('p', { text: `${formatFull(report.from)} 〜 ${formatFull(report.to)} ／ 相談 ${report.cases.total}件 ／ 初回返信までの中央値 ${report.cases.medianMinutesToFirstReply == null ? '—' : `${Math.round(report.cases.medianMinutesToFirstReply)}分`}` }),
      countsBlock('状態', report.cases.byStatus, L.status),
      countsBlock('緊急度', report.cases.byUrgency, L.urgency),
      countsBlock('窓口', report.cases.byChannel, L.channel),
      countsBlock('相談者', report.cases.byConsulterType, L.consulter),
      countsBlock('支援の段階', report.cases.byStage, L.stage),
      ...Object.entries(L.quality).map(([key, names]) => countsBlock(names.label, quality[key] ?? {}, names)),
      countsBlock('つなぎ', {
        合計: report.handovers.total,
        受け止め済み: report.handovers.acknowledged,
        '受け止め待ち（現在）': report.handovers.pendingNow,
        '受け止めまでの中央値（時間）': report.handovers.medianHoursToAcknowledge == null ? '—' : report.handovers.medianHoursToAcknowledge.toFixed(1),
      }),
    );
  } catch (error) {
    reportGlobal(error);
  }
}

// ----- administration -----

async function loadAccounts() {
  try {
    const { accounts } = await api('GET', '/accounts');
    const rows = clear($('account-rows'));
    for (const a of accounts) {
      const actions = el('td', { className: 'actions' });
      const button = (text, run) => {
        const b = el('button', { className: 'secondary small', text, attrs: { type: 'button' } });
        b.addEventListener('click', run);
        actions.append(b);
      };
      if (a.id !== state.me.id) button(a.disabled ? '有効にする' : '無効にする', () => accountChange(a.id, { disabled: !a.disabled }));
      if (a.lockedUntil) button('ロック解除', () => accountChange(a.id, { unlock: true }));
      button('パスワード再発行', () => resetAccountPassword(a));
      rows.append(
        el('tr', { className: a.disabled ? 'muted' : '' }, [
          el('td', { text: a.name }),
          el('td', { text: a.email }),
          el('td', { text: label(L.role, a.role) }),
          el('td', { text: a.centerCode ? (state.centers.find((c) => c.code === a.centerCode)?.name ?? a.centerCode) : '' }),
          el('td', { text: a.disabled ? '無効' : a.lockedUntil ? `ロック中（${formatTime(a.lockedUntil)}まで）` : '有効' }),
          actions,
        ]),
      );
    }
  } catch (error) {
    reportGlobal(error);
  }
}

async function accountChange(id, patch) {
  try {
    await api('PATCH', `/accounts/${id}`, patch);
    await loadAccounts();
  } catch (error) {
    reportGlobal(error);
  }
}

function showOnce(text) {
  const notice = $('account-result');
  notice.textContent = text;
  notice.hidden = false;
}

async function resetAccountPassword(account) {
  if (!window.confirm(`${account.name} さんのパスワードを再発行します。今のログインはすべて終了します。`)) return;
  try {
    const { temporaryPassword } = await api('POST', `/accounts/${account.id}/reset-password`, {});
    showOnce(`${account.email} の一時パスワード（この画面でだけ表示します）: ${temporaryPassword}`);
  } catch (error) {
    reportGlobal(error);
  }
}

async function createAccount(event) {
  event.preventDefault();
  const role = $('account-role').value;
  try {
    const { account, temporaryPassword } = await api('POST', '/accounts', {
      name: $('account-name').value,
      email: $('account-email').value,
      role,
      centerCode: role === 'CENTER' ? $('account-center').value || null : null,
    });
    showOnce(`${account.email} を作りました。一時パスワード（この画面でだけ表示します）: ${temporaryPassword}`);
    $('account-form').reset();
    await loadAccounts();
  } catch (error) {
    reportGlobal(error);
  }
}

async function loadSettings() {
  try {
    const settings = await api('GET', '/settings');
    const weekly = settings.deskHours.weekly;
    const days = { mon: '月', tue: '火', wed: '水', thu: '木', fri: '金', sat: '土', sun: '日' };
    fill($('settings'),
      countsBlock('受付時間（data/desk.yaml）', Object.fromEntries(Object.entries(weekly).map(([d, h]) => [days[d] ?? d, h ? `${h[0]}〜${h[1]}` : '休み']))),
      countsBlock('つなぎ先センター（data/centers.yaml）', Object.fromEntries(settings.centers.centers.map((c) => [c.code, c.name]))),
      countsBlock('返信テンプレート（data/reply-templates.yaml）', Object.fromEntries(settings.templates.map((t) => [t.id, `${t.category}: ${t.title}`]))),
      countsBlock('ログインの安全設定', settings.security, {
        passwordMinLength: 'パスワードの最小文字数',
        lockoutAfterFailures: 'ロックまでの失敗回数',
        lockoutMinutes: 'ロックの時間（分）',
        ipFailuresPerWindow: '同じ接続元からの失敗の上限',
        sessionMaxHours: 'ログインの有効時間（時間）',
      }),
    );
    if (settings.centers.verify) $('settings').prepend(el('p', { className: 'notice', text: 'センターの一覧は未確認（verify: true）です。公開前に確認してください。' }));
  } catch (error) {
    reportGlobal(error);
  }
}

// ----- wiring -----

function wire() {
  $('login-form').addEventListener('submit', login);
  $('logout-button').addEventListener('click', logout);
  $('password-button').addEventListener('click', () => $('password-dialog').showModal());
  $('password-cancel').addEventListener('click', () => $('password-dialog').close());
  $('password-form').addEventListener('submit', changePassword);
  for (const tab of document.querySelectorAll('#tabs .tab')) tab.addEventListener('click', () => selectTab(tab.dataset.tab));
  for (const id of ['filter-status', 'filter-urgency', 'filter-channel', 'filter-consulter', 'filter-mine']) $(id).addEventListener('change', loadQueue);
  $('filters').addEventListener('submit', (event) => event.preventDefault());
  $('claim-button').addEventListener('click', claim);
  $('release-button').addEventListener('click', release);
  $('transfer-button').addEventListener('click', transfer);
  $('reply-form').addEventListener('submit', sendReply);
  $('reply-text').addEventListener('input', () => {
    delete $('reply-text').dataset.clientMessageId;
    updateCounter();
  });
  $('reply-text').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) $('reply-form').requestSubmit();
  });
  $('template-select').addEventListener('change', applyTemplate);
  $('note-form').addEventListener('submit', addNote);
  $('assessment-form').addEventListener('submit', saveAssessment);
  $('status-form').addEventListener('submit', changeStatus);
  $('consent-form').addEventListener('submit', recordConsent);
  $('handover-form').addEventListener('submit', handOver);
  $('handover-state').addEventListener('change', loadHandovers);
  $('acknowledge-form').addEventListener('submit', acknowledge);
  $('audit-form').addEventListener('submit', loadAudit);
  $('account-form').addEventListener('submit', createAccount);
  setInterval(tickWaiting, 1000);
}

async function boot() {
  wire();
  try {
    const me = await api('GET', '/me');
    await startApp(me);
  } catch {
    onLoggedOut('');
  }
}

boot();
