// 集計ダッシュボード (supervisors). Reads GET /api/staff/analytics and draws every chart as inline
// SVG: no library, no CDN (closed municipal networks), no inline style (strict CSP). Every code
// is named from the shared label catalogue (src/labels/).
import { label, type LabelGroup } from '../../../src/labels/index.js';
import type { Jsonified } from '../types.js';
import type { analyticsOverview } from '../../../src/cases/analytics.js';
import type { FunnelStep } from '../../../src/cases/funnel.js';
import '../styles/staff.css';
import '../styles/dashboard.css';

const API = '/api/staff';
const SVG = 'http://www.w3.org/2000/svg';

type Analytics = Jsonified<Awaited<ReturnType<typeof analyticsOverview>>>;
type SeriesName = 'consulter' | 'channel' | 'age' | 'stage' | 'urgency' | 'reminder';
const GROUP: Record<SeriesName, LabelGroup> = { consulter: 'consulterType', channel: 'channel', age: 'ageBand', stage: 'stage', urgency: 'urgency', reminder: 'reminderKind' };
interface Serie {
  key?: string;
  label: string;
  cls: string;
  values: number[];
}
type Attrs = Record<string, string | number>;

const ORDER: Record<SeriesName, string[]> = {
  consulter: ['SELF', 'FAMILY', 'AGENCY', 'NEIGHBOUR', 'UNSURE', 'UNKNOWN'],
  channel: ['LINE', 'WEB'],
  age: ['under15', '15_19', '20s', '30s', '40s', '50s', 'under60', '60s', '70s', '80plus', 'unknown'],
  stage: ['encounter_assessment', 'individual_support', 'intermediate_group', 'social_participation', 'unknown'],
  urgency: ['EMERGENCY', 'HIGH', 'NORMAL'],
  reminder: ['UNCLAIMED', 'AWAITING_STAFF_REPLY', 'HANDOVER_UNACKNOWLEDGED', 'FOLLOW_UP', 'USER_CHECK_IN'],
};

const $ = (id: string) => document.getElementById(id)!;
const input = (id: string) => document.getElementById(id) as HTMLInputElement;

type Child = Node | string | null | undefined | Child[];

function el(tag: string, props: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') node.textContent = v;
    else if (k === 'className') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const child of (children as unknown[]).flat(9) as (Node | string | null | undefined)[]) if (child != null) node.append(child);
  return node;
}

function s(tag: string, attrs: Attrs = {}, ...children: Child[]): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') node.textContent = String(v);
    else node.setAttribute(k, String(v));
  }
  for (const child of (children as unknown[]).flat(9) as (Node | string | null | undefined)[]) if (child != null) node.append(child);
  return node;
}

const labelOf = (name: SeriesName, key: string) => label(GROUP[name], key);
const sortBy = (order: string[], keys: string[]) => [...keys].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || String(a).localeCompare(String(b)));
const shortWeek = (week: string) => `${Number(week.slice(5, 7))}/${Number(week.slice(8, 10))}`;

/** A round axis maximum and tick step for counts. */
function niceScale(max: number): { max: number; step: number } {
  if (max <= 0) return { max: 1, step: 1 };
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((x) => x >= rough) ?? 10 * magnitude;
  return { max: Math.max(step, Math.ceil(max / step) * step), step: Math.max(1, step) };
}

function legend(items: { label: string; cls: string }[]) {
  return el('ul', { className: 'legend' }, items.map((item) => el('li', {}, s('svg', { viewBox: '0 0 12 12', 'aria-hidden': 'true' }, s('rect', { width: 12, height: 12, rx: 2, class: item.cls })), item.label)));
}

function dataTable(head: string[], rows: (string | number)[][]) {
  return el(
    'details',
    { className: 'data' },
    el('summary', { text: '数値を表で見る' }),
    el('table', {}, el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col', text: h })))), el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c) => el('td', { text: String(c) })))))),
  );
}

/** Stacked vertical bars, one per week (`narrow` for a half-width card). */
function stackedWeeks(container: HTMLElement, weeks: string[], series: Serie[], { description, narrow = false }: { description: string; narrow?: boolean }) {
  const W = narrow ? 520 : 900;
  const H = narrow ? 240 : 260;
  const m = { top: 12, right: 12, bottom: 30, left: 40 };
  const innerW = W - m.left - m.right;
  const innerH = H - m.top - m.bottom;
  const totals = weeks.map((_, i) => series.reduce((n, x) => n + (x.values[i] ?? 0), 0));
  const { max, step } = niceScale(Math.max(0, ...totals));
  const y = (v: number) => m.top + innerH - (v / max) * innerH;
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
    const total = totals[i] ?? 0;
    if (total > 0 && barW >= 14) svg.append(s('text', { x: x + barW / 2, y: y(total) - 3, 'text-anchor': 'middle', class: 'value-label', text: total }));
    if (i % labelEvery === 0) axis.append(s('text', { x: x + barW / 2, y: H - m.bottom + 16, 'text-anchor': 'middle', text: shortWeek(week) }));
  });
  svg.prepend(grid);
  svg.append(axis);
  if (totals.every((t) => t === 0)) svg.append(s('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'empty-chart', text: 'この期間にはありません' }));
  container.replaceChildren(
    svg,
    legend(series.map((x) => ({ label: x.label, cls: x.cls }))),
    dataTable(['週', ...series.map((x) => x.label), '計'], weeks.map((w, i) => [w, ...series.map((x) => x.values[i] ?? 0), totals[i] ?? 0])),
  );
}

/** Horizontal bars with their counts and shares. */
function horizontalBars(container: HTMLElement, entries: { label: string; value: number; cls: string }[], { description, note }: { description: string; note?: string }) {
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
  container.replaceChildren(...[svg, note ? el('p', { className: 'chart-note', text: note }) : null, dataTable(['区分', '件数'], entries.map((e) => [e.label, e.value]))].filter((n): n is HTMLElement | SVGElement => n !== null));
}

/** Grouped bars per week (handed over beside acknowledged). */
function groupedWeeks(container: HTMLElement, weeks: string[], groups: Serie[], { description }: { description: string }) {
  const W = 900;
  const H = 220;
  const m = { top: 12, right: 12, bottom: 30, left: 40 };
  const innerW = W - m.left - m.right;
  const innerH = H - m.top - m.bottom;
  const { max, step } = niceScale(Math.max(0, ...groups.flatMap((g) => g.values)));
  const y = (v: number) => m.top + innerH - (v / max) * innerH;
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

function weeklySeries(rows: { counts: Record<string, number> }[], mapName: SeriesName): Serie[] {
  const keys = sortBy(ORDER[mapName], [...new Set(rows.flatMap((r) => Object.keys(r.counts)))]);
  return keys.map((key, i) => ({ key, label: labelOf(mapName, key), cls: `s${i % 8}`, values: rows.map((r) => r.counts[key] ?? 0) }));
}

function countsToEntries(counts: Record<string, number>, mapName: SeriesName, clsOf = (_key: string, i: number) => `s${i % 8}`) {
  return sortBy(ORDER[mapName], Object.keys(counts)).map((key, i) => ({ label: labelOf(mapName, key), value: counts[key] ?? 0, cls: clsOf(key, i) }));
}

const duration = (minutes: number | null | undefined) => {
  if (minutes === null || minutes === undefined) return '—';
  if (minutes < 60) return `${Math.round(minutes)}分`;
  if (minutes < 48 * 60) return `${Math.round((minutes / 60) * 10) / 10}時間`;
  return `${Math.round((minutes / 1440) * 10) / 10}日`;
};

function stat(value: string, caption: string) {
  return el('div', { className: 'stat' }, el('div', { className: 'value', text: value }), el('div', { className: 'label', text: caption }));
}

function render(data: Analytics) {
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
  renderCenter(data.center);
  const reminderSeries = weeklySeries(data.reminders.byWeekAndKind, 'reminder');
  stackedWeeks($('chart-reminders'), weeks, reminderSeries, { description: '週ごとに発火したリマインダーの件数（種類別）', narrow: true });
}

/**
 * Where people give up: one row per question, in the order people meet them, with a bar that
 * splits those who reached it into answered / skipped / wrote instead / stopped here.
 */
function renderFunnel(node: HTMLElement, steps: Jsonified<FunnelStep>[]) {
  if (steps.length === 0) {
    node.replaceChildren(el('p', { className: 'hint', text: label('funnelText', 'empty') }));
    return;
  }
  const parts = [
    { key: 'answered', cls: 's0' },
    { key: 'skipped', cls: 's7' },
    { key: 'wrote', cls: 's2' },
    { key: 'left', cls: 'u-high' },
  ] as const;
  const widest = Math.max(...steps.map((st) => st.reached), 1);
  const head = el(
    'tr',
    {},
    el('th', { scope: 'col', text: label('funnelColumn', 'question') }),
    el('th', { scope: 'col', text: label('funnelColumn', 'reached') }),
    parts.map((p) => el('th', { scope: 'col', text: label('funnelColumn', p.key) })),
    el('th', { scope: 'col' }, el('span', { className: 'visually-hidden', text: label('funnelText', 'title') })),
  );
  const rows = steps.map((st) => {
    let x = 0;
    const bar = s(
      'svg',
      { viewBox: '0 0 200 14', width: 200, height: 14, role: 'img', 'aria-label': `${st.label}: ${parts.map((p) => `${label('funnelColumn', p.key)} ${st[p.key]}`).join('、')}` },
      parts.map((p) => {
        const w = (st[p.key] / widest) * 200;
        const rect = s('rect', { x: x.toFixed(1), y: 1, width: w.toFixed(1), height: 12, class: p.cls });
        x += w;
        return rect;
      }),
    );
    return el(
      'tr',
      {},
      el('th', { scope: 'row' }, el('span', { className: 'funnel-flow', text: label('funnelFlow', st.flowId) }), ' ', st.label),
      el('td', { text: String(st.reached) }),
      parts.map((p) => el('td', { text: String(st[p.key]) })),
      el('td', {}, bar),
    );
  });
  node.replaceChildren(
    legend(parts.map((p) => ({ label: label('funnelColumn', p.key), cls: p.cls }))),
    el('div', { className: 'funnel-scroll', tabindex: '0', role: 'region', 'aria-label': '質問ごとの進み方（横にスクロールできます）' }, el('table', { className: 'funnel' }, el('thead', {}, head), el('tbody', {}, rows))),
    el('p', { className: 'hint', text: label('funnelText', 'note') }),
  );
}

async function loadFunnel(query: string) {
  const response = await fetch(`${API}/analytics/funnel?${query}`, { credentials: 'same-origin' });
  if (!response.ok) return;
  const body = (await response.json()) as { steps: Jsonified<FunnelStep>[] };
  renderFunnel($('chart-funnel'), body.steps);
}

/** The center's side: end reasons, plan goals per track with how many were achieved, referrals, step timings. */
function renderCenter(c: Analytics['center']) {
  const entries = (counts: Record<string, number>, group: LabelGroup) =>
    Object.entries(counts).map(([key, value], i) => ({ label: label(group, key), value, cls: `s${i % 8}` }));
  horizontalBars($('chart-center-closures'), entries(c.closures.byReason, 'closureReason'), { description: '終結の理由ごとの件数', note: `終結 ${c.closures.total}件` });
  horizontalBars(
    $('chart-center-goals'),
    Object.entries(c.plans.goalsByTrack).map(([track, value], i) => ({ label: label('planTrack', track), value, cls: `s${i % 8}` })),
    {
      description: '支援計画の目標の数（本人支援・家族支援・地域での見守り）',
      note: `会議 ${c.plans.meetings}回（${c.plans.casesWithMeeting}件）／ 達成 ${Object.values(c.plans.progressByTrack).reduce((n, p) => n + (p.achieved ?? 0), 0)}件 ／ 担い手: センターの課 ${c.plans.goalsByOwnerKind.section ?? 0}件・関係機関 ${c.plans.goalsByOwnerKind.agency ?? 0}件`,
    },
  );
  horizontalBars($('chart-center-referrals'), entries(c.referrals.byKind, 'resourceKind'), {
    description: '紹介した場・機関の種類ごとの件数',
    note: `紹介 ${c.referrals.total}件（チャット ${c.referrals.byVia.bot ?? 0}・窓口 ${c.referrals.byVia.desk ?? 0}・センター ${c.referrals.byVia.center ?? 0}）`,
  });
  const t = c.timings;
  $('chart-center-timings').replaceChildren(
    stat(t.toHandoverHours === null ? '—' : duration(t.toHandoverHours * 60), `つなぎまで（${t.reached.handover}件）`),
    stat(t.toAcknowledgeHours === null ? '—' : duration(t.toAcknowledgeHours * 60), `受け止めまで（${t.reached.acknowledged}件）`),
    stat(t.toFirstMeetingDays === null ? '—' : `${t.toFirstMeetingDays}日`, `最初の支援調整会議まで（${t.reached.firstMeeting}件）`),
    stat(t.toClosureDays === null ? '—' : `${t.toClosureDays}日`, `終結まで（${t.reached.closure}件）`),
  );
}

function todayJst() {
  return new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);
}

function weeksBefore(to: string, weeks: number) {
  const t = new Date(`${to}T12:00:00+09:00`).getTime() - (weeks * 7 - 1) * 86_400_000;
  return new Date(t + 9 * 3_600_000).toISOString().slice(0, 10);
}

function showMessage(text: string) {
  const node = $('dash-message');
  node.textContent = text;
  node.hidden = !text;
}

async function load() {
  const from = input('range-from').value;
  const to = input('range-to').value;
  const query = new URLSearchParams({ from, to }).toString();
  ($('export-link') as HTMLAnchorElement).href = `${API}/analytics/export.csv?${query}`;
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
  const body = (await response.json()) as Analytics & { error?: { message?: string } };
  if (!response.ok) {
    showMessage(body?.error?.message ?? '集計を読み込めませんでした。');
    document.body.dataset.state = 'error';
    return;
  }
  showMessage('');
  render(body);
  await loadFunnel(query);
  document.body.dataset.state = 'ready';
}

function start() {
  const params = new URLSearchParams(location.search);
  const to = params.get('to') ?? todayJst();
  input('range-to').value = to;
  input('range-from').value = params.get('from') ?? weeksBefore(to, 12);
  $('range-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-weeks]')) {
    button.addEventListener('click', () => {
      input('range-from').value = weeksBefore(input('range-to').value || todayJst(), Number(button.dataset.weeks));
      void load();
    });
  }
  void load().catch(() => {
    showMessage('集計を読み込めませんでした。ネットワークを確認して、もう一度「表示」を押してください。');
    document.body.dataset.state = 'error';
  });
}

start();
