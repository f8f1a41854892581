// 聞き取りのまとめ and the risk / quality markers, in words (the label catalogue).
import { factorLabel, label, signalLabel } from '../../../../src/labels/index.js';
import { formatFull } from '../../format.js';
import { useSession } from '../../session.js';
import type { CaseView, Markers as MarkerData } from '../../types.js';
import { Said } from '../../ui/parts.js';

export function IntakeAnswers({ answers }: { answers: CaseView['answers'] }) {
  const shown = answers.filter((a) => a.value !== null || a.freeText);
  return (
    <dl id="intake-answers" class="answers">
      {shown.map((a, i) => [
        <dt key={`t${i}`}>{a.label ?? '聞き取りの項目'}</dt>,
        <dd key={`d${i}`}>
          {a.value !== null ? (a.valueLabel ?? '（選択肢）') : null}
          {a.value !== null && a.freeText ? ' ／ ' : null}
          {a.freeText ? <Said>{a.freeText}</Said> : null}
          {a.value === null && !a.freeText ? '（スキップ）' : null}
        </dd>,
      ])}
      {shown.length === 0 && <dd class="empty">聞き取りの回答はまだありません。</dd>}
    </dl>
  );
}

const QUALITY = ['ownWish', 'householdRisk', 'supportConnections'] as const;

export function Markers({ view }: { view: CaseView }) {
  const { intake } = useSession();
  const c = view.case;
  const markers = (c.markers ?? {}) as MarkerData;
  const signals = Array.isArray(markers.signals) ? markers.signals : [];
  const quality = markers.quality ?? {};
  const factors = quality.householdRisk?.factors ?? [];
  return (
    <dl id="markers" class="answers">
      <dt>リスクの信号</dt>
      <dd class={signals.length ? 'danger-text' : ''}>{signals.length ? signals.map((s) => signalLabel(s, intake)).join('、') : 'なし'}</dd>
      {QUALITY.map((key) => {
        const marker = quality[key];
        const source = marker?.from?.includes('assessment') ? '（アセスメント）' : marker ? '（聞き取りから推定）' : '';
        return [<dt key={`t${key}`}>{label('qualityMarker', key)}</dt>, <dd key={`d${key}`}>{marker?.value ? `${label(key, marker.value)}${source}` : '未評価'}</dd>];
      })}
      {factors.length > 0 && [<dt key="tf">世帯のリスク要因</dt>, <dd key="df">{factors.map((f) => factorLabel(f, intake)).join('、')}</dd>]}
      <dt>支援の段階</dt>
      <dd>{label('stage', c.stage, '未設定')}</dd>
      {c.assessedAt && [<dt key="ta">アセスメント</dt>, <dd key="da">{formatFull(c.assessedAt)}</dd>]}
    </dl>
  );
}
