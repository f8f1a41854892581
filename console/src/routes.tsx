// Every page of the console: its URL pattern, who may open it, and the tab that leads to it.
// Adding a view: write `views/<name>.tsx` exporting a component that takes `RouteProps`, then add
// one entry here. The server already answers every /staff/* path with the console's shell.
import type { ComponentType } from 'preact';
import type { Location, Match } from './router.js';
import { compile } from './router.js';
import type { StaffRole } from './types.js';
import { AccountsView } from './views/accounts.js';
import { AuditView } from './views/audit.js';
import { HandoversView } from './views/handovers.js';
import { NewDeskContactView } from './views/new-desk-contact.js';
import { PersonView } from './views/person.js';
import { QueueView } from './views/queue.js';
import { ReportsView } from './views/reports.js';
import { SearchView } from './views/search.js';
import { SettingsView } from './views/settings.js';
import { ShiftView } from './views/shift.js';

export interface RouteProps {
  location: Location;
  match: Match;
}

export interface RouteDef {
  /** Stable name: the tab's data-tab, the view's id. */
  name: string;
  pattern: string;
  roles: readonly StaffRole[];
  view: ComponentType<RouteProps>;
  /** Shown in the tab bar when set; the tab leads to `pattern` (no parameters). */
  tab?: string;
  /** Other tabs this route belongs to (a case is part of the queue tab). */
  tabOf?: string;
}

const DESK: readonly StaffRole[] = ['COUNSELOR', 'SUPERVISOR'];

export const ROUTES: RouteDef[] = [
  { name: 'queue', pattern: '/staff/queue', roles: DESK, view: QueueView, tab: '相談一覧' },
  { name: 'case', pattern: '/staff/cases/:id', roles: DESK, view: QueueView, tabOf: 'queue' },
  { name: 'shift', pattern: '/staff/shift', roles: DESK, view: ShiftView, tab: '今日のシフト' },
  { name: 'case-person', pattern: '/staff/cases/:id/person', roles: DESK, view: PersonView, tabOf: 'queue' },
  { name: 'person', pattern: '/staff/people/:id', roles: DESK, view: PersonView, tabOf: 'queue' },
  { name: 'search', pattern: '/staff/search', roles: DESK, view: SearchView },
  { name: 'new-desk-contact', pattern: '/staff/desk-contacts/new', roles: DESK, view: NewDeskContactView, tabOf: 'queue' },
  { name: 'handovers', pattern: '/staff/handovers', roles: ['SUPERVISOR', 'CENTER'], view: HandoversView, tab: 'つなぎ・受け止め' },
  { name: 'handover', pattern: '/staff/handovers/:id', roles: ['SUPERVISOR', 'CENTER'], view: HandoversView, tabOf: 'handovers' },
  { name: 'audit', pattern: '/staff/audit', roles: ['SUPERVISOR'], view: AuditView, tab: '監査ログ' },
  { name: 'reports', pattern: '/staff/reports', roles: ['SUPERVISOR'], view: ReportsView, tab: '集計' },
  { name: 'accounts', pattern: '/staff/accounts', roles: ['ADMIN'], view: AccountsView, tab: 'アカウント' },
  { name: 'settings', pattern: '/staff/settings', roles: ['ADMIN'], view: SettingsView, tab: '設定' },
];

const matchers = ROUTES.map((route) => ({ route, match: compile(route.pattern) }));

export function findRoute(path: string): { route: RouteDef; match: Match } | null {
  for (const { route, match } of matchers) {
    const found = match(path);
    if (found) return { route, match: found };
  }
  return null;
}

/** The first page a role works in (where /staff leads). */
export function homeOf(role: StaffRole): string {
  return ROUTES.find((r) => r.tab && r.roles.includes(role))?.pattern ?? '/staff/queue';
}
