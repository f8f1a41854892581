// Each staff member's own alert settings: the emergency sound is per person, off by default.
import type { Db, StaffRole } from '../db/client.js';
import { alertSettings } from './contract-crisis.js';
import { operation, type Operation } from './operations.js';

const DESK: readonly StaffRole[] = ['COUNSELOR', 'SUPERVISOR', 'ADMIN'];

export function crisisOperations(db: Db): Operation[] {
  return [
    operation({
      method: 'get',
      path: '/me/alert-settings',
      tag: 'notifications',
      roles: DESK,
      summary: 'My alert settings (the emergency sound is off until I turn it on)',
      response: alertSettings,
      handle: async ({ auth }) => {
        const row = await db.staffAlertSettings.findUnique({ where: { staffId: auth.actor.id } });
        return { sound: row?.sound ?? false };
      },
    }),
    operation({
      method: 'put',
      path: '/me/alert-settings',
      tag: 'notifications',
      roles: DESK,
      summary: 'Change my alert settings',
      body: alertSettings,
      response: alertSettings,
      handle: async ({ auth, body }) => {
        const row = await db.staffAlertSettings.upsert({ where: { staffId: auth.actor.id }, create: { staffId: auth.actor.id, sound: body.sound }, update: { sound: body.sound } });
        return { sound: row.sound };
      },
    }),
  ];
}
