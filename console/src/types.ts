// The API's types, taken from the server's zod contract (src/staff/contract.ts) and from the
// services whose results the routes return as they are. Type-only imports: nothing of the server
// is bundled.
import type { z } from 'zod';
import type * as contract from '../../src/staff/contract.js';
import type { CaseView as ServerCaseView } from '../../src/cases/case-view.js';
import type { HandoverView as ServerHandoverView } from '../../src/cases/handover.js';
import type { caseReport } from '../../src/cases/reports.js';
import type { AccountView as ServerAccountView } from '../../src/staff/accounts.js';
import type { ReplyTemplate as ServerReplyTemplate } from '../../src/staff/templates.js';
import type { IntakeLabelTable } from '../../src/labels/index.js';

/** What JSON.stringify makes of a server value: dates become strings. */
export type Jsonified<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Jsonified<U>[]
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

export type Me = z.output<typeof contract.loginResponse>;
export type StaffSelf = Me['staff'];
export type StaffRole = StaffSelf['role'];
export type QueueEntry = z.output<typeof contract.queueEntry>;
export type OutreachListResponse = z.output<typeof contract.outreachListResponse>;
export type CasesQuery = z.input<typeof contract.casesQuery>;
export type CaseStatus = QueueEntry['status'];
export type Urgency = QueueEntry['urgency'];
export type CaseView = Jsonified<ServerCaseView>;
export type CaseMessage = CaseView['messages'][number];
export type HandoverView = Jsonified<ServerHandoverView>;
export type AuditEntry = z.output<typeof contract.auditEntry>;
export type Report = Jsonified<Awaited<ReturnType<typeof caseReport>>>;
export type AccountView = Jsonified<ServerAccountView>;
export type ReplyTemplate = ServerReplyTemplate;
export type AssessmentBody = z.input<typeof contract.assessmentBody>;
export type HandoverBody = z.input<typeof contract.handoverBody>;
export type StatusBody = z.input<typeof contract.statusBody>;
export type ManualStatus = StatusBody['status'];
export type LabelsResponse = { intake: IntakeLabelTable };

export interface Center {
  code: string;
  name: string;
}
export interface Colleague {
  id: string;
  name: string;
  role: StaffRole;
}
export interface NotificationItem {
  id: string;
  kind: string;
  urgency: Urgency;
  title: string;
  caseId: string | null;
  createdAt: string;
}

/** The summary frozen into a handover (src/cases/handover.ts). */
export interface HandoverSummary {
  center?: { code: string; name: string };
  caseRef?: string;
  channel?: string;
  consulterType?: string | null;
  urgency?: string;
  stage?: string | null;
  signals?: string[];
  signalLabels?: string[];
  quality?: Quality | null;
  assessment?: Assessment | null;
  deskNote?: string;
  intake?: { key: string; label: string | null; value: string | null; valueLabel: string | null; freeText: string | null }[];
  basis?: 'consent' | 'emergency_override';
  consent?: { granted: boolean; at: string; wordingVersion: string; wording?: string } | null;
  overrideReason?: string | null;
  handedOverBy?: { id: string; name: string };
  handedOverAt?: string;
  firstContactAt?: string;
}

export interface QualityMarker {
  value?: string;
  from?: string[];
  factors?: string[];
}
export interface Quality {
  ownWish?: QualityMarker;
  householdRisk?: QualityMarker;
  supportConnections?: QualityMarker;
}
export interface Assessment {
  track?: string;
  ownWish?: { value?: string; personAware?: string; note?: string };
  householdRisk?: { value?: string; factors?: string[]; note?: string };
  supportConnections?: { value?: string; note?: string };
  stage?: string | null;
  needs?: string[];
  summary?: string;
}
export interface Markers {
  signals?: string[];
  quality?: Quality;
}

// ----- the people API (#16): src/staff/contract-people.ts -----
export type CaseCard = z.output<typeof contract.caseCard>;
export type PersonResponse = z.output<typeof contract.personResponse>;
export type TimelineEntry = z.output<typeof contract.timelineEntry>;
export type CaseLinkView = z.output<typeof contract.caseLinkView>;
export type DeskContactView = z.output<typeof contract.deskContactView>;
export type DeskContactBody = z.input<typeof contract.deskContactBody>;
export type NewDeskContactBody = z.input<typeof contract.newDeskContactBody>;
export type DeskContactResponse = z.output<typeof contract.deskContactResponse>;
export type SearchResponse = z.output<typeof contract.searchResponse>;
export type ShiftResponse = z.output<typeof contract.shiftResponse>;
export type ReplyTemplateView = z.output<typeof contract.replyTemplateView>;
export type ReadResponse = z.output<typeof contract.readResponse>;
