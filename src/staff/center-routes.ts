import type { CaseDeps } from '../cases/deps.js';
import { recordAudit } from '../cases/audit.js';
import { CaseError } from '../cases/errors.js';
import { centerCaseView, centerInbox, centerStaffList, recordShareConsent, setKeyPerson } from '../center/center-case.js';
import { closeCenterCase } from '../center/closure.js';
import { writeExchange } from '../center/exchanges.js';
import { recordMeeting } from '../center/meetings.js';
import { recordReferral } from '../center/referrals.js';
import { centerSections, CLOSURE_REASONS, GOAL_PROGRESS, PLAN_TRACKS } from '../center/vocabulary.js';
import { loadResources } from '../resources/catalog.js';
import * as api from './contract-center.js';
import { label } from '../labels/index.js';
import { centerLabels } from '../labels/center.js';
import { operation, type Operation } from './operations.js';

const CENTER_SIDE = ['CENTER', 'SUPERVISOR'] as const;
const BOTH_SIDES = ['CENTER', 'SUPERVISOR', 'COUNSELOR'] as const;
const DESK_WORK = ['COUNSELOR', 'SUPERVISOR'] as const;

/** The receiving center's side (つなぐ → 受け止める → 支援調整会議 → 終結) and what the desk can offer. */
export function centerOperations(deps: CaseDeps): Operation[] {
  const { db } = deps;
  return [
    operation({
      method: 'get',
      path: '/center/inbox',
      tag: 'center',
      roles: CENTER_SIDE,
      summary: "The center's inbox: handovers to receive (emergencies first), then the cases it carries",
      description: 'Center staff see their own center only. Live: the stream sends `handover` and `center-case` events for the center.',
      query: api.centerInboxQuery,
      handle: async ({ auth, query }) => centerInbox(db, auth.actor, query),
    }),
    operation({
      method: 'get',
      path: '/center/vocabulary',
      tag: 'center',
      roles: BOTH_SIDES,
      summary: 'Codes of the center side with their labels: sections, tracks, progress, closure reasons',
      handle: async () => ({
        sections: centerSections(),
        tracks: PLAN_TRACKS,
        progress: GOAL_PROGRESS,
        closureReasons: CLOSURE_REASONS,
        labels: centerLabels,
      }),
    }),
    operation({
      method: 'get',
      path: '/center/staff',
      tag: 'center',
      roles: ['CENTER'],
      summary: "The staff of my center (to name a case's キーマン)",
      handle: async ({ auth }) => ({ staff: await centerStaffList(db, auth.actor) }),
    }),
    operation({
      method: 'get',
      path: '/center/cases/:id',
      tag: 'center',
      roles: BOTH_SIDES,
      summary: "A case's center side: handover summary, desk assessment, meetings, plan, exchanges, referrals, later messages shared with consent (audited)",
      params: api.centerCaseParams,
      query: api.centerCaseQuery,
      errors: { 404: 'No such case, not handed over, or not your center' },
      handle: async ({ auth, params, query }) => centerCaseView(deps, auth.actor, params.id, query.purpose),
    }),
    operation({
      method: 'put',
      path: '/center/cases/:id/key-person',
      tag: 'center',
      roles: ['CENTER'],
      summary: 'Name the キーマン (a staff member of this center)',
      params: api.centerCaseParams,
      body: api.keyPersonBody,
      status: 204,
      errors: { 404: 'Not your case', 422: 'Not a staff member of this center' },
      handle: async ({ auth, params, body }) => setKeyPerson(deps, auth.actor, params.id, body.staffId),
    }),
    operation({
      method: 'post',
      path: '/center/cases/:id/exchanges',
      tag: 'center',
      roles: BOTH_SIDES,
      summary: 'Desk ↔ center message on the case (question, answer, update; the center also sends the meeting invitation); the other side is notified',
      params: api.centerCaseParams,
      body: api.exchangeBody,
      status: 201,
      errors: { 404: 'Not visible to you', 409: 'Support has ended' },
      handle: async ({ auth, params, body }) => {
        const exchange = await writeExchange(deps, auth.actor, params.id, body);
        return { exchange: { id: exchange.id, side: exchange.side, kind: exchange.kind, createdAt: exchange.createdAt.toISOString() } };
      },
    }),
    operation({
      method: 'post',
      path: '/center/cases/:id/meetings',
      tag: 'center',
      roles: ['CENTER'],
      summary: '支援調整会議: participants, assessment, new goals per track with owner and next step, reviews of goals, next review date (becomes a reminder)',
      params: api.centerCaseParams,
      body: api.meetingBody,
      status: 201,
      errors: { 404: 'Not your case', 403: 'Not received by your center', 409: 'Support has ended', 422: 'Unknown participant or owner, or no goal at the first meeting' },
      handle: async ({ auth, params, body }) => {
        const meeting = await recordMeeting(deps, auth.actor, params.id, body);
        return { meeting: { id: meeting.id, kind: meeting.kind, heldOn: meeting.heldOn, nextReviewOn: meeting.nextReviewOn } };
      },
    }),
    operation({
      method: 'post',
      path: '/center/cases/:id/closure',
      tag: 'center',
      roles: ['CENTER'],
      summary: '終結: end support with a coded reason; the case closes and retention applies',
      params: api.centerCaseParams,
      body: api.closureBody,
      status: 204,
      errors: { 404: 'Not your case', 409: 'Already ended', 422: 'Months missing for no_contact, or a note missing for other' },
      handle: async ({ auth, params, body }) => closeCenterCase(deps, auth.actor, params.id, body),
    }),
    operation({
      method: 'post',
      path: '/cases/:id/center-share-consent',
      tag: 'center',
      roles: DESK_WORK,
      summary: "Record the person's consent (given in the chat, citing their message) that the center may read what they write after the handover",
      params: api.centerCaseParams,
      body: api.shareConsentBody,
      status: 201,
      errors: { 404: 'Not your case', 422: 'Not a message of this person' },
      handle: async ({ auth, params, body }) => {
        const consent = await recordShareConsent(deps, auth.actor, params.id, body);
        return { consent: { id: consent.id, granted: consent.granted, at: consent.createdAt.toISOString() } };
      },
    }),
    operation({
      method: 'get',
      path: '/resources',
      tag: 'resources',
      roles: BOTH_SIDES,
      summary: 'What the desk can offer (data/resources.yaml), searchable; each with a quote ready for a reply',
      query: api.resourcesQuery,
      handle: async ({ query }) => {
        const catalog = loadResources();
        return {
          resources: catalog.search(query).map((r) => ({
            id: r.id,
            name: r.name,
            kind: r.kind,
            kindLabel: label('resourceKind', r.kind),
            for: r.for,
            wards: r.wards,
            ...(r.ages ? { ages: r.ages } : {}),
            summary: r.summary,
            hours: r.hours,
            contact: r.contact,
            verify: r.verify,
            quote: catalog.quote(r),
          })),
        };
      },
    }),
    operation({
      method: 'post',
      path: '/cases/:id/referrals',
      tag: 'resources',
      roles: BOTH_SIDES,
      summary: 'Record a referral on the case: which resource, when, by whom (coded; counted and exported anonymised)',
      params: api.centerCaseParams,
      body: api.referralBody,
      status: 201,
      errors: { 404: 'Not your case', 422: 'Unknown resource' },
      handle: async ({ auth, params, body }) => {
        const referral = await recordReferral(deps, auth.actor, params.id, body.resourceId);
        return { referral: { id: referral.id, resourceId: referral.resourceId, via: referral.via, createdAt: referral.createdAt.toISOString() } };
      },
    }),
    operation({
      method: 'put',
      path: '/accounts/:id/center-lead',
      tag: 'accounts',
      roles: ['ADMIN'],
      summary: "Mark a center account as its center's lead (escalations about the center reach them)",
      params: api.accountIdParams,
      body: api.centerLeadBody,
      status: 204,
      errors: { 404: 'No such center account' },
      handle: async ({ auth, params, body }) => {
        await db.$transaction(async (tx) => {
          const { count } = await tx.staffUser.updateMany({ where: { id: params.id, role: 'CENTER' }, data: { centerLead: body.lead } });
          if (count === 0) throw new CaseError('not_found', 'センターの職員のアカウントが見つかりません。');
          await recordAudit(tx, auth.actor, 'account.center_lead_set', null, { staffId: params.id, lead: body.lead }, deps.now());
        });
      },
    }),
  ];
}
