// The console's frame: login, the header with the tabs a role may use, notifications, and the
// view the URL names (routes.tsx).
import { useEffect, useState } from 'preact/hooks';
import { label } from '../../src/labels/index.js';
import { api, onSessionEnded, setCsrfToken } from './api.js';
import { closeLive, openLive, useLive } from './live.js';
import { reportGlobal, useGlobalNotice } from './notices.js';
import { findRoute, homeOf, ROUTES } from './routes.js';
import { navigate, useLocation } from './router.js';
import { DESK_ROLES, loadSession, NOTIFY_ROLES, SessionContext, type Session } from './session.js';
import type { Me } from './types.js';
import { Link, Said } from './ui/parts.js';
import { AlertSoundToggle, EmergencyBanner } from './emergency.js';
import { LoginView } from './views/login.js';
import { NotificationsPanel } from './views/notifications.js';
import { PasswordDialog } from './views/password.js';
import { TransferNotice } from './views/transfer-notice.js';

type Phase = { kind: 'booting' } | { kind: 'login'; message: string } | { kind: 'app'; session: Session };

/** Links from notifications (webhook, e-mail) used to be /staff/#case=<id>: keep them working. */
function legacyHashRedirect(): void {
  const id = /^#case=([0-9a-f-]{36})$/.exec(location.hash)?.[1];
  if (id) navigate(`/staff/cases/${id}`, { replace: true });
}

export function App() {
  const [phase, setPhase] = useState<Phase>({ kind: 'booting' });
  const notice = useGlobalNotice();

  const start = async (me: Me) => {
    setCsrfToken(me.csrfToken);
    const session = await loadSession(me.staff);
    openLive();
    legacyHashRedirect();
    setPhase({ kind: 'app', session });
  };

  useEffect(() => {
    onSessionEnded((message) => {
      closeLive();
      setCsrfToken('');
      setPhase({ kind: 'login', message });
    });
    api
      .get<Me>('/me')
      .then(start)
      .catch(() => setPhase({ kind: 'login', message: '' }));
  }, []);

  const logout = async () => {
    try {
      await api.post('/logout');
    } catch {
      // the session is gone either way
    }
    closeLive();
    setCsrfToken('');
    setPhase({ kind: 'login', message: 'ログアウトしました。' });
  };

  return (
    <>
      <p id="global-error" class="global-error" role="alert" hidden={!notice}>
        {notice ?? ''}
      </p>
      {phase.kind === 'login' && <LoginView message={phase.message} onLoggedIn={start} />}
      {phase.kind === 'app' && (
        <SessionContext.Provider value={phase.session}>
          <Console session={phase.session} onLogout={logout} />
        </SessionContext.Provider>
      )}
    </>
  );
}

function Console({ session, onLogout }: { session: Session; onLogout: () => void }) {
  const loc = useLocation();
  const [online, setOnline] = useState(false);
  const [passwordOpen, setPasswordOpen] = useState(false);
  useLive({ state: setOnline });
  const { me } = session;

  const found = findRoute(loc.path);
  const allowed = found && found.route.roles.includes(me.role);
  useEffect(() => {
    // /staff, an unknown path, or a page this role may not open: the role's first page.
    if (!allowed) navigate(homeOf(me.role), { replace: true });
  }, [allowed, me.role]);

  const activeTab = found ? (found.route.tabOf ?? found.route.name) : null;
  const tabs = ROUTES.filter((r) => r.tab && r.roles.includes(me.role));
  const View = allowed ? found.route.view : null;

  return (
    <div id="app-view" class="app" data-route={found?.route.name}>
      <header class="app-header">
        <h1>
          よりそい <span class="sub">相談員コンソール</span>
        </h1>
        <nav id="tabs" class="tabs" aria-label="画面の切り替え">
          {tabs.map((t) => (
            <Link key={t.name} href={t.pattern} class="tab" data-tab={t.name} aria-current={activeTab === t.name ? 'page' : undefined}>
              {t.tab}
            </Link>
          ))}
        </nav>
        {DESK_ROLES.includes(me.role) && <SearchBox query={found?.route.name === 'search' ? (loc.query.get('q') ?? '') : ''} />}
        <div class="who">
          <span id="live-status" class={online ? 'live-status' : 'live-status offline'} role="status" aria-live="polite">
            {online ? '● ライブ更新中' : '○ 接続中…'}
          </span>
          {NOTIFY_ROLES.includes(me.role) && <NotificationsPanel />}
          {NOTIFY_ROLES.includes(me.role) && <AlertSoundToggle />}
          <span id="whoami" class="whoami">
            <Said>{me.name}</Said>（{label('role', me.role)}）
          </span>
          <button type="button" id="password-button" class="link-button" onClick={() => setPasswordOpen(true)}>
            パスワード変更
          </button>
          <button type="button" id="logout-button" class="secondary small" onClick={onLogout}>
            ログアウト
          </button>
        </div>
      </header>
      {NOTIFY_ROLES.includes(me.role) && <EmergencyBanner />}
      {DESK_ROLES.includes(me.role) && <TransferNotice />}
      {View && found && <View key={found.route.name === 'case' ? 'queue' : found.route.name} location={loc} match={found.match} />}
      {passwordOpen && (
        <PasswordDialog
          onClose={(done) => {
            setPasswordOpen(false);
            if (done) reportGlobal('パスワードを変更しました。ほかの端末のログインは終了しました。');
          }}
        />
      )}
    </div>
  );
}

/** 相談番号・電話番号・ことばで探す (GET /search), from every page. */
function SearchBox({ query }: { query: string }) {
  const [value, setValue] = useState(query);
  useEffect(() => setValue(query), [query]);
  return (
    <form
      id="search-form"
      class="search-form"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        const q = value.trim();
        if (q) navigate(`/staff/search?q=${encodeURIComponent(q)}`);
      }}
    >
      <label for="search-input" class="visually-hidden">
        相談を探す（相談番号・電話番号・ことば）
      </label>
      <input id="search-input" type="search" maxLength={200} placeholder="番号・電話・ことばで探す" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
      <button type="submit" class="secondary small">
        探す
      </button>
    </form>
  );
}
