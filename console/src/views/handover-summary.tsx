// The summary a center receives with a handover, as the console shows it.
import { factorLabel, label } from '../../../src/labels/index.js';
import { formatFull } from '../format.js';
import { useSession } from '../session.js';
import type { HandoverSummary } from '../types.js';
import { Rows, Said } from '../ui/parts.js';

const QUALITY = ['ownWish', 'householdRisk', 'supportConnections'] as const;

export function HandoverSummaryBlock({ summary: s }: { summary: HandoverSummary }) {
  const { intake } = useSession();
  const quality = s.quality ?? {};
  const intakeRows = s.intake ?? [];
  return (
    <div class="summary">
      <h3>
        {s.center?.name ?? 'センター'} へのつなぎ（相談 #{s.caseRef ?? ''}）
      </h3>
      <Rows
        rows={[
          ['つないだ日時', formatFull(s.handedOverAt)],
          ['つないだ相談員', <Said>{s.handedOverBy?.name ?? ''}</Said>],
          ['根拠', s.basis === 'consent' ? `相談者の同意（${formatFull(s.consent?.at)}）` : <>緊急（理由: <Said>{s.overrideReason ?? ''}</Said>）</>],
          ['窓口', label('channel', s.channel)],
          ['相談者', label('consulterType', s.consulterType, '未確認')],
          ['緊急度', label('urgency', s.urgency)],
          ['支援の段階', label('stage', s.stage, '未設定')],
          ['リスクの信号', (s.signalLabels ?? []).join('、') || 'なし'],
          ...QUALITY.map((key): [string, string] => [label('qualityMarker', key), quality[key]?.value ? label(key, quality[key]!.value) : '未評価']),
          ['世帯のリスク要因', (quality.householdRisk?.factors ?? []).map((f) => factorLabel(f, intake)).join('、') || 'なし'],
        ]}
      />
      <h4>窓口からの申し送り</h4>
      <Said block class="pre">
        {s.deskNote ?? ''}
      </Said>
      {s.assessment?.summary && (
        <>
          <h4>見立て</h4>
          <Said block class="pre">
            {s.assessment.summary}
          </Said>
        </>
      )}
      {intakeRows.length > 0 && (
        <>
          <h4>聞き取りの回答</h4>
          <Rows rows={intakeRows.map((a): [string, preact.ComponentChildren] => [a.label ?? '聞き取りの項目', <IntakeValue answer={a} />])} />
        </>
      )}
    </div>
  );
}

export function IntakeValue({ answer: a }: { answer: { value: string | null; valueLabel: string | null; freeText: string | null } }) {
  return (
    <>
      {a.value !== null ? (a.valueLabel ?? '（選択肢）') : null}
      {a.value !== null && a.freeText ? ' ／ ' : null}
      {a.freeText ? <Said>{a.freeText}</Said> : null}
    </>
  );
}
