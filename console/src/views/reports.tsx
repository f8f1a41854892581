// 集計 (supervisors): the last 30 days in counts, every key in words.
import type { ComponentChildren } from 'preact';
import { label, type LabelGroup } from '../../../src/labels/index.js';
import { api } from '../api.js';
import { formatFull } from '../format.js';
import type { RouteProps } from '../routes.js';
import type { Report } from '../types.js';
import { useLoad } from '../ui/parts.js';

const QUALITY = ['ownWish', 'householdRisk', 'supportConnections'] as const;

export function ReportsView(_props: RouteProps) {
  const report = useLoad(() => api.get<Report>('/reports/summary'), []);
  const r = report.data;
  return (
    <section id="reports-tab" class="tab-panel">
      <h2>集計（直近30日、個人情報を含みません）</h2>
      <p>
        <a class="button-link" href="/staff/dashboard.html">
          週ごとのグラフと匿名化 CSV（集計ダッシュボード）を開く
        </a>
      </p>
      {report.error && <p class="form-error">{report.error}</p>}
      {r && (
        <div id="report" class="report">
          <p>
            {formatFull(r.from)} 〜 {formatFull(r.to)} ／ 相談 {r.cases.total}件 ／ 初回返信までの中央値{' '}
            {r.cases.medianMinutesToFirstReply === null ? '—' : `${Math.round(r.cases.medianMinutesToFirstReply)}分`}
          </p>
          <Counts title="状態" counts={r.cases.byStatus} group="status" />
          <Counts title="緊急度" counts={r.cases.byUrgency} group="urgency" />
          <Counts title="窓口" counts={r.cases.byChannel} group="channel" />
          <Counts title="相談者" counts={r.cases.byConsulterType} group="consulterType" />
          <Counts title="支援の段階" counts={r.cases.byStage} group="stage" />
          {QUALITY.map((key) => (
            <Counts key={key} title={label('qualityMarker', key)} counts={r.cases.quality[key] ?? {}} group={key} />
          ))}
          <CountsCard
            title="つなぎ"
            rows={[
              ['合計', r.handovers.total],
              ['受け止め済み', r.handovers.acknowledged],
              ['受け止め待ち（現在）', r.handovers.pendingNow],
              ['受け止めまでの中央値（時間）', r.handovers.medianHoursToAcknowledge === null ? '—' : r.handovers.medianHoursToAcknowledge.toFixed(1)],
            ]}
          />
        </div>
      )}
    </section>
  );
}

/** Counts by code; a null code was counted as `unknown` by the server (未回答 / 未設定). */
function Counts({ title, counts, group }: { title: string; counts: Record<string, number>; group: LabelGroup }) {
  return <CountsCard title={title} rows={Object.entries(counts).map(([code, n]) => [label(group, code), n])} />;
}

export function CountsCard({ title, rows }: { title: string; rows: [ComponentChildren, ComponentChildren][] }) {
  return (
    <section class="card">
      <h3>{title}</h3>
      <dl class="answers">
        {rows.map(([term, value], i) => [<dt key={`t${i}`}>{term}</dt>, <dd key={`d${i}`}>{value}</dd>])}
      </dl>
    </section>
  );
}
