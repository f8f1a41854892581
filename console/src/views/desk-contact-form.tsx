// The form for a phone call, a walk-in or a visit: mode, who, when, how long, what was said.
import { useState } from 'preact/hooks';
import { entriesOf } from '../../../src/labels/index.js';
import type { DeskContactBody } from '../types.js';
import { ErrorText } from '../ui/parts.js';

/** `YYYY-MM-DDTHH:mm` in Kyoto for a datetime-local input. */
function nowInKyoto(): string {
  return new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 16);
}

export function DeskContactForm({ onSubmit, submitLabel, idPrefix = 'dc' }: { onSubmit: (body: DeskContactBody) => Promise<void>; submitLabel: string; idPrefix?: string }) {
  const [mode, setMode] = useState<DeskContactBody['mode']>('PHONE');
  const [who, setWho] = useState('');
  const [when, setWhen] = useState(nowInKyoto);
  const [minutes, setMinutes] = useState('');
  const [summary, setSummary] = useState('');
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const id = (name: string) => `${idPrefix}-${name}`;

  const submit = async (event: Event) => {
    event.preventDefault();
    setDone('');
    if (!summary.trim()) return setError('話したことを書いてください。');
    if (!when) return setError('いつのことか入れてください。');
    const duration = minutes.trim() ? Number(minutes) : null;
    if (duration !== null && (!Number.isInteger(duration) || duration < 0 || duration > 1440)) return setError('時間は 0〜1440 分で入れてください。');
    setError('');
    try {
      await onSubmit({
        mode,
        consulterType: (who || null) as DeskContactBody['consulterType'],
        occurredAt: new Date(`${when}:00+09:00`).toISOString(),
        durationMinutes: duration,
        summary: summary.trim(),
      });
      setSummary('');
      setMinutes('');
      setDone('記録しました。');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <form class="stack desk-contact-form" id={id('form')} onSubmit={submit}>
      <fieldset>
        <legend>どのように</legend>
        <div class="checks">
          {entriesOf('deskContactMode').map(([code, name]) => (
            <label key={code}>
              <input type="radio" name={id('mode')} value={code} checked={mode === code} onChange={() => setMode(code)} /> {name}
            </label>
          ))}
        </div>
      </fieldset>
      <label for={id('who')}>話した相手</label>
      <select id={id('who')} value={who} onChange={(e) => setWho(e.currentTarget.value)}>
        <option value="">（未確認）</option>
        {entriesOf('consulterType')
          .filter(([code]) => code !== 'UNKNOWN' && code !== 'unknown')
          .map(([code, name]) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
      </select>
      <label for={id('when')}>いつ（はじめた時刻）</label>
      <input id={id('when')} type="datetime-local" value={when} onInput={(e) => setWhen(e.currentTarget.value)} required />
      <label for={id('minutes')}>かかった時間（分・任意）</label>
      <input id={id('minutes')} type="number" min={0} max={1440} inputMode="numeric" value={minutes} onInput={(e) => setMinutes(e.currentTarget.value)} />
      <label for={id('summary')}>話したこと（必須）</label>
      <textarea id={id('summary')} rows={4} maxLength={8000} value={summary} onInput={(e) => setSummary(e.currentTarget.value)} />
      <button type="submit" class="primary" id={id('submit')}>
        {submitLabel}
      </button>
      <ErrorText message={error} />
      <p class="hint" role="status">
        {done}
      </p>
    </form>
  );
}
