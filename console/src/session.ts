// Who is logged in and the reference data every view reads (centers, templates, colleagues, the
// intake part of the label catalogue), loaded once after login and given to views by context.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { IntakeLabelTable } from '../../src/labels/index.js';
import { api } from './api.js';
import type { Center, Colleague, LabelsResponse, ReplyTemplate, StaffRole, StaffSelf } from './types.js';

export const DESK_ROLES: readonly StaffRole[] = ['COUNSELOR', 'SUPERVISOR'];
export const NOTIFY_ROLES: readonly StaffRole[] = ['COUNSELOR', 'SUPERVISOR', 'ADMIN'];

export interface Session {
  me: StaffSelf;
  centers: Center[];
  templates: ReplyTemplate[];
  colleagues: Colleague[];
  intake: IntakeLabelTable;
}

export async function loadSession(me: StaffSelf): Promise<Session> {
  const desk = DESK_ROLES.includes(me.role);
  const [centers, templates, colleagues, labels] = await Promise.all([
    api.get<{ centers: Center[] }>('/centers').catch(() => ({ centers: [] })),
    desk ? api.get<{ templates: ReplyTemplate[] }>('/templates').catch(() => ({ templates: [] })) : { templates: [] },
    desk ? api.get<{ colleagues: Colleague[] }>('/colleagues').catch(() => ({ colleagues: [] })) : { colleagues: [] },
    api.get<LabelsResponse>('/labels').catch(() => ({ intake: {} })),
  ]);
  return { me, centers: centers.centers, templates: templates.templates, colleagues: colleagues.colleagues, intake: labels.intake };
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a logged-in console');
  return session;
}

/** A colleague's name for an id in an audit detail; never the id itself. */
export function staffName(session: Session, id: unknown): string | null {
  if (typeof id !== 'string') return null;
  if (id === session.me.id) return session.me.name;
  return session.colleagues.find((c) => c.id === id)?.name ?? null;
}
