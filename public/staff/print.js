// The printable handover summary. Reading it is audited as an export (purpose=print). Every
// value goes on the page with textContent, never as HTML.

const LABELS = {
  channel: { LINE: 'LINE', WEB: 'ウェブチャット' },
  consulter: { SELF: '本人', FAMILY: '家族', AGENCY: '関係機関', NEIGHBOUR: '近隣の方', UNSURE: '未確認' },
  urgency: { EMERGENCY: '緊急', HIGH: '高', NORMAL: '通常' },
  stage: {
    encounter_assessment: '出会い・評価段階',
    individual_support: '個人的支援段階',
    intermediate_group: '中間的・過渡的な集団との再会段階',
    social_participation: '社会参加の試行段階',
  },
  track: { person: '本人支援', family: '家族支援', both: '本人と家族の両方' },
  factor: { elderly_parents: '親の高齢化（8050）', violence: '暴力', abuse: '虐待', money: 'お金のこと', health: '健康', care: '介護', relations: '家族の関係', isolation: '孤立', family_exhaustion: '家族の疲れ' },
  ownWish: { reflected: '反映されている', undecided: '本人が迷っている・未確定', not_reflected: '反映されていない', unknown: 'わからない' },
  householdRisk: { high: '高い', medium: '中くらい', low: '低い', unknown: 'わからない' },
  supportConnections: { connected: 'いる', past: '以前はいた', none: 'いない', unknown: 'わからない' },
};
const label = (map, value, fallback = '—') => (value == null ? fallback : (map[value] ?? value));
const formatter = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const when = (iso) => (iso ? formatter.format(new Date(iso)) : '—');

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text != null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function list(rows) {
  const dl = el('dl');
  for (const [term, value] of rows) dl.append(el('dt', term), el('dd', value == null || value === '' ? '—' : value));
  return dl;
}

function render(handover) {
  const s = handover.summary ?? {};
  const a = s.assessment ?? null;
  const q = s.quality ?? {};
  const sheet = document.getElementById('sheet');
  sheet.replaceChildren(
    el('p', '取扱注意（個人情報）', 'confidential'),
    el('h1', `つなぎの申し送り — ${handover.centerName ?? s.center?.name ?? handover.centerCode}`),
    el('p', `京都市ひきこもり相談窓口「よりそい」 ／ 相談 #${s.caseRef ?? ''} ／ つないだ日時 ${when(s.handedOverAt)} ／ 担当 ${s.handedOverBy?.name ?? ''}`, 'meta'),
    el('h2', 'つなぎの根拠'),
    list([
      ['根拠', s.basis === 'consent' ? '相談者の同意' : '緊急（同意なし）'],
      ...(s.basis === 'consent' ? [['同意の記録', `${when(s.consent?.at)}（${s.consent?.wordingVersion ?? ''}）`]] : [['緊急と判断した理由', s.overrideReason]]),
      ['受け止め', handover.acknowledgedAt ? `${when(handover.acknowledgedAt)} ${handover.acknowledgedByName ?? ''}${handover.acknowledgedNote ? `（${handover.acknowledgedNote}）` : ''}` : 'まだ受け止められていません'],
    ]),
    el('h2', '相談の概要'),
    list([
      ['はじめての連絡', when(s.firstContactAt)],
      ['窓口', label(LABELS.channel, s.channel)],
      ['相談者', label(LABELS.consulter, s.consulterType, '未確認')],
      ['緊急度', label(LABELS.urgency, s.urgency)],
      ['支援の段階', label(LABELS.stage, s.stage, '未設定')],
      ['リスクの信号', (s.signalLabels ?? s.signals ?? []).join('、') || 'なし'],
    ]),
    el('h2', '窓口からの申し送り'),
    el('p', s.deskNote ?? '', 'pre'),
  );
  const withNote = (text, note) => `${text}${note ? ` ／ ${note}` : ''}`;
  sheet.append(
    el('h2', a ? '初期アセスメント（相談の質）' : '相談の質（聞き取りから推定）'),
    list([
      ...(a ? [['支援の柱', label(LABELS.track, a.track)]] : []),
      ['本人の意思の反映', withNote(label(LABELS.ownWish, q.ownWish?.value, '未評価'), a?.ownWish?.note)],
      ['世帯のリスク', withNote(`${label(LABELS.householdRisk, q.householdRisk?.value, '未評価')}${q.householdRisk?.factors?.length ? `（${q.householdRisk.factors.map((f) => label(LABELS.factor, f)).join('、')}）` : ''}`, a?.householdRisk?.note)],
      ['つながっている支援者', withNote(label(LABELS.supportConnections, q.supportConnections?.value, '未評価'), a?.supportConnections?.note)],
      ...(a ? [['見立て', a.summary]] : []),
    ]),
  );
  const intake = s.intake ?? [];
  if (intake.length) {
    sheet.append(el('h2', '聞き取りの回答'), list(intake.map((i) => [i.label ?? i.key, [i.valueLabel ?? i.value, i.freeText].filter(Boolean).join(' ／ ')])));
  }
  const signature = el('div', null, 'signature');
  signature.append(el('div', '受け手（センター）'), el('div', '受け止めた日'));
  sheet.append(signature);
  document.title = `つなぎの申し送り #${s.caseRef ?? ''} — よりそい`;
}

async function load() {
  const id = /\/staff\/handovers\/([0-9a-f-]{36})\/print/.exec(location.pathname)?.[1];
  const status = document.getElementById('status');
  if (!id) {
    status.textContent = 'つなぎが見つかりません。';
    status.className = 'error';
    return;
  }
  const response = await fetch(`/api/staff/handovers/${id}?purpose=print`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    status.textContent = body?.error?.message ?? `表示できませんでした（${response.status}）。コンソールでログインしてから開いてください。`;
    status.className = 'error';
    return;
  }
  render((await response.json()).handover);
}

document.getElementById('print-button').addEventListener('click', () => window.print());
load();
