// パスワードの変更 (a modal dialog).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorText } from '../ui/parts.js';

export function PasswordDialog({ onClose }: { onClose: (changed: boolean) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState('');
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError('');
    try {
      await api.post('/password', { currentPassword: current, newPassword: next });
      onClose(true);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <dialog ref={dialog} id="password-dialog" aria-labelledby="password-title" onClose={() => onClose(false)}>
      <form id="password-form" class="stack" onSubmit={submit}>
        <h2 id="password-title">パスワードの変更</h2>
        <label>
          今のパスワード <input id="password-current" type="password" autocomplete="current-password" required value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
        </label>
        <label>
          新しいパスワード（12文字以上）{' '}
          <input id="password-new" type="password" autocomplete="new-password" required minLength={12} value={next} onInput={(e) => setNext(e.currentTarget.value)} />
        </label>
        <ErrorText id="password-error" message={error} />
        <div class="row">
          <button type="button" id="password-cancel" class="secondary" onClick={() => onClose(false)}>
            やめる
          </button>
          <button type="submit" class="primary">
            変更する
          </button>
        </div>
      </form>
    </dialog>
  );
}
