// ログイン.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import type { Me } from '../types.js';
import { ErrorText } from '../ui/parts.js';

export function LoginView({ message, onLoggedIn }: { message: string; onLoggedIn: (me: Me) => Promise<void> }) {
  const [error, setError] = useState(message);
  const [busy, setBusy] = useState(false);
  const email = useRef<HTMLInputElement>(null);
  const password = useRef<HTMLInputElement>(null);
  useEffect(() => email.current?.focus(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError('');
    setBusy(true);
    try {
      const me = await api.post<Me>('/login', { email: email.current!.value, password: password.current!.value });
      password.current!.value = '';
      await onLoggedIn(me);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <main id="login-view" class="login">
      <form id="login-form" class="card login-card" autocomplete="on" onSubmit={submit}>
        <h1>
          よりそい <span class="sub">相談員コンソール</span>
        </h1>
        <label for="login-email">メールアドレス</label>
        <input ref={email} id="login-email" name="email" type="email" autocomplete="username" required />
        <label for="login-password">パスワード</label>
        <input ref={password} id="login-password" name="password" type="password" autocomplete="current-password" required />
        <button type="submit" id="login-submit" class="primary" disabled={busy}>
          ログイン
        </button>
        <ErrorText id="login-error" message={error} />
        <p class="hint">共用の端末では、使い終わったら必ずログアウトしてください。</p>
      </form>
    </main>
  );
}
