// 設定 (admins, read-only: the settings live in data/*.yaml and the environment).
import { api } from '../api.js';
import type { RouteProps } from '../routes.js';
import { useLoad } from '../ui/parts.js';
import { CountsCard } from './reports.js';

interface Settings {
  deskHours: { weekly: Record<string, [string, string] | null> };
  centers: { verify: boolean; centers: { code: string; name: string }[] };
  templates: { id: string; category: string; title: string }[];
  security: Record<'passwordMinLength' | 'lockoutAfterFailures' | 'lockoutMinutes' | 'ipFailuresPerWindow' | 'sessionMaxHours', number>;
}

const DAYS: Record<string, string> = { mon: '月', tue: '火', wed: '水', thu: '木', fri: '金', sat: '土', sun: '日' };
const SECURITY: Record<keyof Settings['security'], string> = {
  passwordMinLength: 'パスワードの最小文字数',
  lockoutAfterFailures: 'ロックまでの失敗回数',
  lockoutMinutes: 'ロックの時間（分）',
  ipFailuresPerWindow: '同じ接続元からの失敗の上限',
  sessionMaxHours: 'ログインの有効時間（時間）',
};

export function SettingsView(_props: RouteProps) {
  const settings = useLoad(() => api.get<Settings>('/settings'), []);
  const s = settings.data;
  return (
    <section id="settings-tab" class="tab-panel">
      <h2>設定（読み取り専用：data/*.yaml と環境変数で管理しています）</h2>
      {settings.error && <p class="form-error">{settings.error}</p>}
      {s && (
        <div id="settings" class="report">
          {s.centers.verify && <p class="notice">センターの一覧は未確認です。公開前に確認してください。</p>}
          <CountsCard title="受付時間（data/desk.yaml）" rows={Object.entries(s.deskHours.weekly).map(([d, h]) => [DAYS[d] ?? d, h ? `${h[0]}〜${h[1]}` : '休み'])} />
          <CountsCard title="つなぎ先センター（data/centers.yaml）" rows={s.centers.centers.map((c, i) => [`${i + 1}`, c.name])} />
          <CountsCard title="返信テンプレート（data/reply-templates.yaml）" rows={s.templates.map((t) => [t.category, t.title])} />
          <CountsCard title="ログインの安全設定" rows={Object.entries(s.security).map(([k, v]) => [SECURITY[k as keyof Settings['security']] ?? k, v])} />
        </div>
      )}
    </section>
  );
}
