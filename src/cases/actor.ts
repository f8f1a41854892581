import type { Case, StaffRole } from '../db/client.js';

/** The staff member acting, as the case services see them (the session resolved it). */
export interface Actor {
  id: string;
  name: string;
  role: StaffRole;
  /** Set for CENTER staff: the ward center (data/centers.yaml code) they belong to. */
  centerCode: string | null;
}

/** Roles that work the desk's queue. ADMIN manages accounts only; CENTER receives handovers only. */
export const DESK_ROLES: StaffRole[] = ['COUNSELOR', 'SUPERVISOR'];

export const isSupervisor = (actor: Actor) => actor.role === 'SUPERVISOR';

type CaseAccessFields = Pick<Case, 'assigneeId' | 'status'>;

/**
 * Who may read a case: supervisors read every case; a counsellor reads the queue (unassigned
 * cases waiting for someone) and the cases assigned to them. Admins and center staff do not
 * read desk cases (center staff read the handover summaries sent to their center).
 */
export function canViewCase(actor: Actor, kase: CaseAccessFields): boolean {
  if (actor.role === 'SUPERVISOR') return true;
  if (actor.role !== 'COUNSELOR') return false;
  if (kase.assigneeId === actor.id) return true;
  return kase.assigneeId === null && kase.status !== 'INTAKE' && kase.status !== 'CLOSED';
}

/** Who may work a case (reply, note, assess, change status, hand over): its assignee, or a supervisor. */
export function canWorkCase(actor: Actor, kase: CaseAccessFields): boolean {
  if (actor.role === 'SUPERVISOR') return true;
  return actor.role === 'COUNSELOR' && kase.assigneeId === actor.id;
}
