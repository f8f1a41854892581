// アカウント (admins): create, disable, unlock, reset passwords. Temporary passwords are shown once.
import { useState } from 'preact/hooks';
import { entriesOf, label } from '../../../src/labels/index.js';
import { api } from '../api.js';
import { formatTime } from '../format.js';
import { reportGlobal } from '../notices.js';
import type { RouteProps } from '../routes.js';
import { useSession } from '../session.js';
import type { AccountView, StaffRole } from '../types.js';
import { Said, useLoad } from '../ui/parts.js';

export function AccountsView(_props: RouteProps) {
  const { me, centers } = useSession();
  const accounts = useLoad(() => api.get<{ accounts: AccountView[] }>('/accounts').then((r) => r.accounts), []);
  const [result, setResult] = useState('');
  const [role, setRole] = useState<StaffRole>('COUNSELOR');

  const change = async (id: string, patch: Record<string, unknown>) => {
    try {
      await api.patch(`/accounts/${id}`, patch);
      await accounts.reload();
    } catch (error) {
      reportGlobal(error);
    }
  };
  const reset = async (account: AccountView) => {
    if (!window.confirm(`${account.name} さんのパスワードを再発行します。今のログインはすべて終了します。`)) return;
    try {
      const { temporaryPassword } = await api.post<{ temporaryPassword: string }>(`/accounts/${account.id}/reset-password`);
      setResult(`${account.email} の一時パスワード（この画面でだけ表示します）: ${temporaryPassword}`);
    } catch (error) {
      reportGlobal(error);
    }
  };
  const create = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    try {
      const { account, temporaryPassword } = await api.post<{ account: AccountView; temporaryPassword: string }>('/accounts', {
        name: value('name'),
        email: value('email'),
        role,
        centerCode: role === 'CENTER' ? value('centerCode') || null : null,
      });
      setResult(`${account.email} を作りました。一時パスワード（この画面でだけ表示します）: ${temporaryPassword}`);
      form.reset();
      setRole('COUNSELOR');
      await accounts.reload();
    } catch (error) {
      reportGlobal(error);
    }
  };

  return (
    <section id="accounts-tab" class="tab-panel">
      <h2>アカウント</h2>
      {accounts.error && <p class="form-error">{accounts.error}</p>}
      <div class="table-wrap">
        <table class="table">
          <thead>
            <tr>
              <th scope="col">名前</th>
              <th scope="col">メール</th>
              <th scope="col">役割</th>
              <th scope="col">センター</th>
              <th scope="col">状態</th>
              <th scope="col">操作</th>
            </tr>
          </thead>
          <tbody id="account-rows">
            {(accounts.data ?? []).map((a) => (
              <tr key={a.id} class={a.disabled ? 'muted' : ''}>
                <td>
                  <Said>{a.name}</Said>
                </td>
                <td>{a.email}</td>
                <td>{label('role', a.role)}</td>
                <td>{a.centerCode ? (centers.find((c) => c.code === a.centerCode)?.name ?? 'センター') : ''}</td>
                <td>{a.disabled ? '無効' : a.lockedUntil ? `ロック中（${formatTime(a.lockedUntil)}まで）` : '有効'}</td>
                <td class="actions">
                  {a.id !== me.id && (
                    <button type="button" class="secondary small" onClick={() => void change(a.id, { disabled: !a.disabled })}>
                      {a.disabled ? '有効にする' : '無効にする'}
                    </button>
                  )}
                  {a.lockedUntil && (
                    <button type="button" class="secondary small" onClick={() => void change(a.id, { unlock: true })}>
                      ロック解除
                    </button>
                  )}
                  <button type="button" class="secondary small" onClick={() => void reset(a)}>
                    パスワード再発行
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form id="account-form" class="card stack" onSubmit={create}>
        <h3>アカウントを作る</h3>
        <label>
          名前 <input id="account-name" name="name" type="text" required maxLength={100} />
        </label>
        <label>
          メール <input id="account-email" name="email" type="email" required />
        </label>
        <label>
          役割
          <select id="account-role" value={role} onChange={(e) => setRole(e.currentTarget.value as StaffRole)}>
            {entriesOf('role').map(([code, name]) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </select>
        </label>
        {role === 'CENTER' && (
          <label>
            センター
            <select id="account-center" name="centerCode">
              <option value="">（選ぶ）</option>
              {centers.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="submit" class="primary">
          作成する
        </button>
        <p id="account-result" class="notice" role="status" hidden={!result}>
          {result}
        </p>
      </form>
    </section>
  );
}
