// The printable handover summary (つなぎの申し送り, A4). Reading it is audited as an export
// (purpose=print). Every value is text: nothing the person or staff wrote is read as HTML.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { factorLabel, label, type IntakeLabelTable } from '../../../src/labels/index.js';
import { formatLong } from '../format.js';
import type { HandoverSummary, HandoverView, LabelsResponse } from '../types.js';
import { Rows, Said } from '../ui/parts.js';
import { IntakeValue } from '../views/handover-summary.js';
import '../styles/print.css';

type State = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; handover: HandoverView; intake: IntakeLabelTable };

/** The consent as the person gave it, in words (never the stored wording code). */
export function consentWords(consent: HandoverSummary['consent']): string {
  if (!consent) return '記録なし';
  if (consent.wording) return consent.wording;
  return consent.wordingVersion.startsWith('chat:') ? '会話の中で相談者が同意し、相談員がその発言を記録' : '聞き取りの中で、センターに伝えることへの質問に「はい」と回答';
}

function PrintPage() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  useEffect(() => {
    const id = /\/staff\/handovers\/([0-9a-f-]{36})\/print/.exec(location.pathname)?.[1];
    if (!id) return setState({ kind: 'error', message: 'つなぎが見つかりません。' });
    void (async () => {
      const response = await fetch(`/api/staff/handovers/${id}?purpose=print`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
        return setState({ kind: 'error', message: body?.error?.message ?? `表示できませんでした（${response.status}）。コンソールでログインしてから開いてください。` });
      }
      const { handover } = (await response.json()) as { handover: HandoverView };
      const labels = await fetch('/api/staff/labels', { credentials: 'same-origin' })
        .then((r) => (r.ok ? (r.json() as Promise<LabelsResponse>) : { intake: {} }))
        .catch(() => ({ intake: {} }));
      setState({ kind: 'ready', handover, intake: labels.intake });
    })().catch(() => setState({ kind: 'error', message: '表示できませんでした。ネットワークを確認してください。' }));
  }, []);

  return (
    <>
      <div class="toolbar no-print">
        <button type="button" id="print-button" onClick={() => window.print()}>
          印刷する
        </button>
        <span class="hint">この用紙には個人情報が含まれます。取り扱いに注意し、不要になったら裁断してください。</span>
      </div>
      <main id="sheet" class="sheet">
        {state.kind === 'loading' && <p id="status">読み込んでいます…</p>}
        {state.kind === 'error' && (
          <p id="status" class="error">
            {state.message}
          </p>
        )}
        {state.kind === 'ready' && <Sheet handover={state.handover} intake={state.intake} />}
      </main>
    </>
  );
}

function Sheet({ handover, intake }: { handover: HandoverView; intake: IntakeLabelTable }) {
  const s = (handover.summary ?? {}) as HandoverSummary;
  const a = s.assessment ?? null;
  const q = s.quality ?? {};
  useEffect(() => {
    document.title = `つなぎの申し送り #${s.caseRef ?? ''} — よりそい`;
  }, [s.caseRef]);
  const withNote = (text: string, note: string | undefined) => (
    <>
      {text}
      {note ? <> ／ <Said>{note}</Said></> : null}
    </>
  );
  const factors = q.householdRisk?.factors ?? [];
  return (
    <>
      <p class="confidential">取扱注意（個人情報）</p>
      <h1>つなぎの申し送り — {handover.centerName ?? s.center?.name ?? 'センター'}</h1>
      <p class="meta">
        京都市ひきこもり相談窓口「よりそい」 ／ 相談 #{s.caseRef ?? ''} ／ つないだ日時 {formatLong(s.handedOverAt)} ／ 担当 <Said>{s.handedOverBy?.name ?? ''}</Said>
      </p>
      <h2>つなぎの根拠</h2>
      <Rows
        rows={[
          ['根拠', label('handoverBasis', s.basis)],
          ...(s.basis === 'consent'
            ? ([['同意の記録', `${formatLong(s.consent?.at)}（${consentWords(s.consent)}）`]] as [string, preact.ComponentChildren][])
            : ([['緊急と判断した理由', <Said>{s.overrideReason ?? ''}</Said>]] as [string, preact.ComponentChildren][])),
          [
            '受け止め',
            handover.acknowledgedAt ? (
              <>
                {formatLong(handover.acknowledgedAt)} <Said>{handover.acknowledgedByName ?? ''}</Said>
                {handover.acknowledgedNote ? <>（<Said>{handover.acknowledgedNote}</Said>）</> : null}
              </>
            ) : (
              'まだ受け止められていません'
            ),
          ],
        ]}
      />
      <h2>相談の概要</h2>
      <Rows
        rows={[
          ['はじめての連絡', formatLong(s.firstContactAt)],
          ['窓口', label('channel', s.channel)],
          ['相談者', label('consulterType', s.consulterType, '未確認')],
          ['緊急度', label('urgency', s.urgency)],
          ['支援の段階', label('stage', s.stage, '未設定')],
          ['リスクの信号', (s.signalLabels ?? []).join('、') || 'なし'],
        ]}
      />
      <h2>窓口からの申し送り</h2>
      <Said block class="pre">
        {s.deskNote ?? ''}
      </Said>
      <h2>{a ? '初期アセスメント（相談の質）' : '相談の質（聞き取りから推定）'}</h2>
      <Rows
        rows={[
          ...(a ? ([['支援の柱', label('track', a.track)]] as [string, preact.ComponentChildren][]) : []),
          ['本人の意思の反映', withNote(label('ownWish', q.ownWish?.value, '未評価'), a?.ownWish?.note)],
          ['世帯のリスク', withNote(`${label('householdRisk', q.householdRisk?.value, '未評価')}${factors.length ? `（${factors.map((f) => factorLabel(f, intake)).join('、')}）` : ''}`, a?.householdRisk?.note)],
          ['つながっている支援者', withNote(label('supportConnections', q.supportConnections?.value, '未評価'), a?.supportConnections?.note)],
          ...(a ? ([['見立て', <Said block>{a.summary ?? ''}</Said>]] as [string, preact.ComponentChildren][]) : []),
        ]}
      />
      {(s.intake ?? []).length > 0 && (
        <>
          <h2>聞き取りの回答</h2>
          <Rows rows={(s.intake ?? []).map((i): [string, preact.ComponentChildren] => [i.label ?? '聞き取りの項目', <IntakeValue answer={i} />])} />
        </>
      )}
      <div class="signature">
        <div>受け手（センター）</div>
        <div>受け止めた日</div>
      </div>
    </>
  );
}

render(<PrintPage />, document.getElementById('root')!);
