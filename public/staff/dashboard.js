// 集計ダッシュボード (supervisors). Reads GET /api/staff/analytics and draws every chart as inline
// SVG: no library, no CDN (closed municipal networks), no inline style (strict CSP).
const API = '/api/staff';
const SVG = 'http://www.w3.org/2000/svg';

const L = {
  consulter: { SELF: '本人', FAMILY: '家族', AGENCY: '関係機関', NEIGHBOUR: '近隣住民', UNSURE: 'まだ言いたくない', UNKNOWN: '未回答' },
  channel: { LINE: 'LINE', WEB: 'ウェブ' },
  age: {
    under15: '15歳未満', '15_19': '15〜19歳', '20s': '20代', '30s': '30代', '40s': '40代', '50s': '50代',
    under60: '50代まで', '60s': '60代', '70s': '70代', '80plus': '80代以上', unknown: '未回答',
  },
  stage: {
    encounter_assessment: '出会い・評価', individual_support: '個人的支援', intermediate_group: '中間的・集団', social_participation: '社会参加の試行', unknown: '未設定',
  },
  urgency: { EMERGENCY: '緊急', HIGH: '高', NORMAL: '通常' },
  reminder: { UNCLAIMED: '未担当', AWAITING_STAFF_REPLY: '返信待ち', HANDOVER_UNACKNOWLEDGED: '受け止め待ち', FOLLOW_UP: '次の連絡', USER_CHECK_IN: '様子うかがい' },
};
const ORDER = {
  consulter: ['SELF', 'FAMILY', 'AGENCY', 'NEIGHBOUR', 'UNSURE', 'UNKNOWN'],
  channel: ['LINE', 'WEB'],
  age: ['under15', '15_19', '20s', '30s', '40s', '50s', 'under60', '60s', '70s', '80plus', 'unknown'],
  stage: ['encounter_assessment', 'individual_support', 'intermediate_group', 'social_participation', 'unknown'],
  urgency: ['EMERGENCY', 'HIGH', 'NORMAL'],
  reminder: ['UNCLAIMED', 'AWAITING_STAFF_REPLY', 'HANDOVER_UNACKNOWLEDGED', 'FOLLOW_UP', 'USER_CHECK_IN'],
};

const $ = (id) => document.getElementById(id);

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') node.textContent = v;
    else if (k === 'className') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const child of children.flat()) if (child != null) node.append(child);
  return node;
}

function s(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') node.textContent = String(v);
    else node.setAttribute(k, String(v));
  }
  for (const child of children.flat()) if (child != null) node.append(child);
  return node;
}

const labelOf = (map, key) => map[key] ?? key;
const sortBy = (order, keys) => [...keys].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || String(a).localeCompare(String(b)));
const shortWeek = (week) => `${Number(week.slice(5, 7))}/${Number(week.slice(8, 10))}`;

/** A round axis maximum and tick step for counts. */
function niceScale(max) {
  if (max <= 0) return { max: 1, step: 1 };
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((x) => x >= rough) ?? 10 * magnitude;
  return { max: Math.max(step, Math.ceil(max / step) * step), step: Math.max(1, step) };
}

function legend(items) {
  return el('ul', { className: 'legend' }, items.map((item) => el('li', {}, s('svg', { viewBox: '0 0 12 12', 'aria-hidden': 'true' }, s('rect', { width: 12, height: 12, rx: 2, class: item.cls })), item.label)));
}

function dataTable(head, rows) {
  return el(
    'details',
    { className: 'data' },
    el('summary', { text: '数値を表で見る' }),
    el('table', {}, el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col', text: h })))), el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c) => el('td', { text: String(c) })))))),
  );
}

/** Stacked vertical bars, one per week (`narrow` for a half-width card). */
function stackedWeeks(container, weeks, series, { description, narrow = false }) {
  const W = narrow ? 520 : 900;
  const H = narrow ? 240 : 260;
  const m = { top: 12, right: 12, bottom: 30, left: 40 };
  const innerW = W - m.left - m.right;
  const innerH = H - m.top - m.bottom;
  const totals = weeks.map((_, i) => series.reduce((n, x) => n + (x.values[i] ?? 0), 0));
  const { max, step } = niceScale(Math.max(0, ...totals));
  const y = (v) => m.top + innerH - (v / max) * innerH;
  const band = innerW / Math.max(1, weeks.length);
  const barW = Math.max(2, Math.min(40, band * 0.7));
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': description });
  const grid = s('g', { class: 'grid' });
  const axis = s('g', { class: 'axis' });
  for (let v = 0; v <= max; v += step) {
    grid.append(s('line', { x1: m.left, x2: W - m.right, y1: y(v), y2: y(v) }));
    axis.append(s('text', { x: m.left - 6, y: y(v) + 4, 'text-anchor': 'end', text: v }));
  }
  axis.append(s('line', { x1: m.left, x2: W - m.right, y1: y(0), y2: y(0) }));
  const labelEvery = Math.ceil(weeks.length / (narrow ? 7 : 13));
  weeks.forEach((week, i) => {
    const x = m.left + band * i + (band - barW) / 2;
    let base = 0;
    series.forEach((serie) => {
      const v = serie.values[i] ?? 0;
      if (v > 0) {
        svg.append(s('rect', { x, y: y(base + v), width: barW, height: y(base) - y(base + v), class: serie.cls }, s('title', { text: `${week}週 ${serie.label}: ${v}件` })));
      }
      base += v;
    });
    if (totals[i] > 0 && barW >= 14) svg.append(s('text', { x: x + barW / 2, y: y(totals[i]) - 3, 'text-anchor': 'middle', class: 'value-label', text: totals[i] }));
    if (i % labelEvery === 0) axis.append(s('text', { x: x + barW / 2, y: H - m.bottom + 16, 'text-anchor': 'middle', text: shortWeek(week) }));
  });
  svg.prepend(grid);
  svg.append(axis);
  if (totals.every((t) => t === 0)) svg.append(s('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'empty-chart', text: 'この期間にはありません' }));
  container.replaceChildren(
    svg,
    legend(series.map((x) => ({ label: x.label, cls: x.cls }))),
    dataTable(['週', ...series.map((x) => x.label), '計'], weeks.map((w, i) => [w, ...series.map((x) => x.values[i] ?? 0), totals[i]])),
  );
}

/** Horizontal bars with their counts and shares. */
function horizontalBars(container, entries, { description, note }) {
  const W = 520;
  const rowH = 26;
  const m = { top: 6, right: 90, bottom: 6, left: 120 };
  const H = m.top + m.bottom + rowH * Math.max(1, entries.length);
  const total = entries.reduce((n, e) => n + e.value, 0);
  const max = Math.max(1, ...entries.map((e) => e.value));
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': description });
  entries.forEach((entry, i) => {
    const y = m.top + i * rowH;
    const width = ((W - m.left - m.right) * entry.value) / max;
    svg.append(
      s('text', { x: m.left - 8, y: y + rowH / 2 + 4, 'text-anchor': 'end', class: 'bar-name', text: entry.label }),
      s('rect', { x: m.left, y: y + 4, width: Math.max(entry.value > 0 ? 2 : 0, width), height: rowH - 8, rx: 3, class: entry.cls }, s('title', { text: `${entry.label}: ${entry.value}件` })),
      s('text', { x: m.left + width + 6, y: y + rowH / 2 + 4, class: 'value-label', text: `${entry.value}件${total ? `（${Math.round((entry.value / total) * 100)}%）` : ''}` }),
    );
  });
  if (entries.length === 0 || total === 0) svg.append(s('text', { x: W / 2, y: H / 2 + 4, 'text-anchor': 'middle', class: 'empty-chart', text: 'この期間にはありません' }));
  container.replaceChildren(...[svg, note ? el('p', { className: 'chart-note', text: note }) : null, dataTable(['区分', '件数'], entries.map((e) => [e.label, e.value]))].filter(Boolean));
}

/** Grouped bars per week (handed over beside acknowledged). */
function groupedWeeks(container, weeks, groups, { description }) {
  const W = 900;
  const H = 220;
  const m = { top: 12, right: 12, bottom: 30, left: 40 };
  const innerW = W - m.left - m.right;
  const innerH = H - m.top - m.bottom;
  const { max, step } = niceScale(Math.max(0, ...groups.flatMap((g) => g.values)));
  const y = (v) => m.top + innerH - (v / max) * innerH;
  const band = innerW / Math.max(1, weeks.length);
  const barW = Math.max(2, Math.min(18, (band * 0.8) / groups.length));
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': description });
  const grid = s('g', { class: 'grid' });
  const axis = s('g', { class: 'axis' });
  for (let v = 0; v <= max; v += step) {
    grid.append(s('line', { x1: m.left, x2: W - m.right, y1: y(v), y2: y(v) }));
    axis.append(s('text', { x: m.left - 6, y: y(v) + 4, 'text-anchor': 'end', text: v }));
  }
  axis.append(s('line', { x1: m.left, x2: W - m.right, y1: y(0), y2: y(0) }));
  const labelEvery = Math.ceil(weeks.length / 13);
  weeks.forEach((week, i) => {
    const start = m.left + band * i + (band - barW * groups.length) / 2;
    groups.forEach((group, g) => {
      const v = group.values[i] ?? 0;
      if (v > 0) svg.append(s('rect', { x: start + g * barW, y: y(v), width: barW - 1, height: y(0) - y(v), class: group.cls }, s('title', { text: `${week}週 ${group.label}: ${v}件` })));
    });
    if (i % labelEvery === 0) axis.append(s('text', { x: start + (barW * groups.length) / 2, y: H - m.bottom + 16, 'text-anchor': 'middle', text: shortWeek(week) }));
  });
  svg.prepend(grid);
  svg.append(axis);
  if (groups.every((g) => g.values.every((v) => !v))) svg.append(s('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'empty-chart', text: 'この期間にはありません' }));
  container.replaceChildren(svg, legend(groups), dataTable(['週', ...groups.map((g) => g.label)], weeks.map((w, i) => [w, ...groups.map((g) => g.values[i] ?? 0)])));
}

function weeklySeries(rows, mapName) {
  const keys = sortBy(ORDER[mapName], [...new Set(rows.flatMap((r) => Object.keys(r.counts)))]);
  return keys.map((key, i) => ({ key, label: labelOf(L[mapName], key), cls: `s${i % 8}`, values: rows.map((r) => r.counts[key] ?? 0) }));
}

function countsToEntries(counts, mapName, clsOf = (_key, i) => `s${i % 8}`) {
  return sortBy(ORDER[mapName], Object.keys(counts)).map((key, i) => ({ label: labelOf(L[mapName], key), value: counts[key], cls: clsOf(key, i) }));
}

const duration = (minutes) => {
  if (minutes === null || minutes === undefined) return '—';
  if (minutes < 60) return `${Math.round(minutes)}分`;
  if (minutes < 48 * 60) return `${Math.round((minutes / 60) * 10) / 10}時間`;
  return `${Math.round((minutes / 1440) * 10) / 10}日`;
};

function stat(value, label) {
  return el('div', { className: 'stat' }, el('div', { className: 'value', text: value }), el('div', { className: 'label', text: label }));
}

function render(data) {
  const weeks = data.range.weeks;
  $('summary').replaceChildren(
    stat(`${data.consultations.total}件`, '相談（窓口に届いたもの）'),
    stat(`${data.consultations.intakeOnly}件`, 'ボットの質問の途中まで（件数に含めず）'),
    stat(duration(data.firstReply.medianMinutes), `最初の返信まで（中央値、${data.firstReply.replied}件）`),
    stat(`${data.handovers.total}件`, `センターへのつなぎ（受け止め ${data.handovers.acknowledged}件）`),
    stat(data.handovers.medianHoursToAcknowledge === null ? '—' : duration(data.handovers.medianHoursToAcknowledge * 60), '受け止めまで（中央値）'),
    stat(`${data.reminders.fired}件`, `リマインダー（うちエスカレーション ${data.reminders.escalated}件）`),
  );

  stackedWeeks($('chart-consulter'), weeks, weeklySeries(data.consultations.byWeekAndConsulter, 'consulter'), { description: '週ごとの相談件数を、相談者の種類ごとに積み上げた棒グラフ' });
  stackedWeeks($('chart-channel'), weeks, weeklySeries(data.consultations.byWeekAndChannel, 'channel'), { description: '週ごとの相談件数を、LINE とウェブに分けた棒グラフ' });
  horizontalBars($('chart-age'), countsToEntries(data.ageBands, 'age'), { description: 'ご本人の年代ごとの件数' });
  horizontalBars($('chart-stage'), countsToEntries(data.stages, 'stage'), { description: '支援の段階ごとの件数' });
  horizontalBars($('chart-urgency'), countsToEntries(data.urgency, 'urgency', (key) => `u-${key.toLowerCase()}`), { description: '緊急度ごとの件数' });
  horizontalBars(
    $('chart-reply'),
    data.firstReply.buckets.map((b, i) => ({ label: b.label, value: b.count, cls: `s${i % 8}` })),
    {
      description: '相談員の最初の返信までにかかった時間の分布',
      note: `中央値 ${duration(data.firstReply.medianMinutes)} ／ 90%の相談は ${duration(data.firstReply.p90Minutes)} 以内 ／ まだ返信を待っている相談 ${data.firstReply.waitingNow}件`,
    },
  );
  groupedWeeks(
    $('chart-handover'),
    weeks,
    [
      { label: 'つないだ', cls: 'handed', values: data.handovers.byWeek.map((w) => w.handedOver) },
      { label: 'うち受け止め済み', cls: 'ack', values: data.handovers.byWeek.map((w) => w.acknowledged) },
    ],
    { description: '週ごとの、センターへのつなぎの件数と受け止め済みの件数' },
  );
  horizontalBars(
    $('chart-ack'),
    data.handovers.timeToAcknowledge.map((b, i) => ({ label: b.label, value: b.count, cls: i === data.handovers.timeToAcknowledge.length - 1 ? 'u-high' : `s${i % 8}` })),
    { description: 'つないでから受け止めまでの時間の分布', note: `同意にもとづくつなぎ ${data.handovers.byBasis.consent ?? 0}件 ／ 緊急時の例外 ${data.handovers.byBasis.emergency_override ?? 0}件` },
  );
  const reminderSeries = weeklySeries(data.reminders.byWeekAndKind, 'reminder');
  stackedWeeks($('chart-reminders'), weeks, reminderSeries, { description: '週ごとに発火したリマインダーの件数（種類別）', narrow: true });
}

function todayJst() {
  return new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);
}

function weeksBefore(to, weeks) {
  const t = new Date(`${to}T12:00:00+09:00`).getTime() - (weeks * 7 - 1) * 86_400_000;
  return new Date(t + 9 * 3_600_000).toISOString().slice(0, 10);
}

function showMessage(text) {
  const node = $('dash-message');
  node.textContent = text;
  node.hidden = !text;
}

async function load() {
  const from = $('range-from').value;
  const to = $('range-to').value;
  const query = new URLSearchParams({ from, to }).toString();
  $('export-link').href = `${API}/analytics/export.csv?${query}`;
  document.body.dataset.state = 'loading';
  const response = await fetch(`${API}/analytics?${query}`, { credentials: 'same-origin' });
  if (response.status === 401) {
    showMessage('ログインしていません。相談員コンソールでログインしてから開いてください。');
    document.body.dataset.state = 'error';
    return;
  }
  if (response.status === 403) {
    showMessage('集計ダッシュボードはスーパーバイザーだけが見られます。');
    document.body.dataset.state = 'error';
    return;
  }
  const body = await response.json();
  if (!response.ok) {
    showMessage(body?.error?.message ?? '集計を読み込めませんでした。');
    document.body.dataset.state = 'error';
    return;
  }
  showMessage('');
  render(body);
  document.body.dataset.state = 'ready';
}

function start() {
  const params = new URLSearchParams(location.search);
  const to = params.get('to') ?? todayJst();
  $('range-to').value = to;
  $('range-from').value = params.get('from') ?? weeksBefore(to, 12);
  $('range-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  for (const button of document.querySelectorAll('[data-weeks]')) {
    button.addEventListener('click', () => {
      $('range-from').value = weeksBefore($('range-to').value || todayJst(), Number(button.dataset.weeks));
      void load();
    });
  }
  void load().catch(() => {
    showMessage('集計を読み込めませんでした。ネットワークを確認して、もう一度「表示」を押してください。');
    document.body.dataset.state = 'error';
  });
}

start();
