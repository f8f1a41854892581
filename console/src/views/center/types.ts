// The center side's API types, from the server's services (type-only imports: nothing bundled).
import type { centerCaseView, centerInbox } from '../../../../src/center/center-case.js';
import type { Jsonified } from '../../types.js';

export type CenterInbox = Jsonified<Awaited<ReturnType<typeof centerInbox>>>;
export type CenterCase = Jsonified<Awaited<ReturnType<typeof centerCaseView>>>;
export type CenterGoal = CenterCase['goals'][number];
export interface CenterVocabulary {
  sections: { code: string; name: string }[];
}
export interface ResourceEntry {
  id: string;
  name: string;
  kind: string;
  kindLabel: string;
  for: string[];
  summary: string;
  hours: string;
  contact: { phone: string; page: string };
  verify: boolean;
  quote: string;
}
export interface Participants {
  sections?: string[];
  agencies?: string[];
  deskCounselorAttended?: boolean;
}
