// 経過: what happened to the case, newest first, in words (who did it, to whom, why).
import { actionLabel, label, signalLabel } from '../../../../src/labels/index.js';
import { formatTime } from '../../format.js';
import { staffName, useSession } from '../../session.js';
import type { CaseView } from '../../types.js';
import { Said } from '../../ui/parts.js';

type Detail = Record<string, unknown>;

export function History({ view }: { view: CaseView }) {
  const session = useSession();
  const entries = view.history.slice().reverse().slice(0, 50);
  return (
    <section aria-labelledby="history-title">
      <h3 id="history-title">経過</h3>
      <ol id="history" class="history">
        {entries.map((h, i) => {
          const d = (h.detail ?? {}) as Detail;
          const extra: preact.ComponentChildren[] = [];
          if (h.action === 'case.transferred') {
            const from = staffName(session, d.from);
            const to = staffName(session, d.to);
            extra.push(
              <>
                {from ? <Said>{from}</Said> : '前の担当'} → {to ? <Said>{to}</Said> : '別の相談員'}
              </>,
            );
          } else if (typeof d.to === 'string' && typeof d.from === 'string' && h.action === 'case.status_changed') {
            extra.push(`${label('status', d.from)} → ${label('status', d.to)}`);
          }
          if (typeof d.reason === 'string' && d.reason && h.action !== 'case.queued') extra.push(<>理由: <Said>{d.reason}</Said></>);
          if (typeof d.overrideReason === 'string' && d.overrideReason) extra.push(<>理由: <Said>{d.overrideReason}</Said></>);
          if (Array.isArray(d.signals)) extra.push(d.signals.map((s) => signalLabel(String(s), session.intake)).join('、'));
          const actor = h.actorName ?? (h.actorType === 'system' ? 'システム' : h.actorType === 'user' ? '相談者' : '');
          return (
            <li key={i}>
              {formatTime(h.at)} {actor ? <Said>{actor}</Said> : null} {actionLabel(h.action)}
              {extra.length > 0 && (
                <>
                  （
                  {extra.map((x, j) => (
                    <>
                      {j > 0 && ' ／ '}
                      {x}
                    </>
                  ))}
                  ）
                </>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
