// Staff API for people (#16): the person view, household links, desk contacts (phone, walk-in,
// visit), search, the shift view, seen/read, typing, reply templates. Handlers parse, call one
// service, map the result; the contract is contract-people.ts.
import { DESK_ROLES } from '../cases/actor.js';
import { linkHousehold, listLinksFor, unlinkHousehold } from '../cases/case-links.js';
import type { CaseDeps } from '../cases/deps.js';
import { listDeskContacts, openCaseFromDeskContact, recordDeskContact } from '../cases/desk-contacts.js';
import { loadPerson, personOfCase } from '../cases/people.js';
import { announceStaffTyping, markConversationRead } from '../cases/read-receipts.js';
import { searchCases } from '../cases/search.js';
import { loadShift } from '../cases/shift.js';
import { rateLimiter } from '../http/rate-limit.js';
import type { Redis } from '../platform/redis.js';
import * as api from './contract.js';
import { operation, type Operation } from './operations.js';
import { findReplyTemplates } from './reply-templates.js';

const SEARCHERS = ['COUNSELOR', 'SUPERVISOR', 'CENTER'] as const;

/** A console sends "typing" at most every few seconds while keys are pressed; more is a loop. */
export const STAFF_TYPING_PER_MINUTE = 30;

export interface PeopleRouteContext {
  deps: CaseDeps;
  redis: Redis;
  redisPrefix: string;
  markLineRead: ((token: string) => Promise<void>) | null;
}

export function peopleOperations(ctx: PeopleRouteContext): Operation[] {
  const { deps } = ctx;
  const limitTyping = rateLimiter(ctx.redis, ctx.redisPrefix, { name: 'staff-typing', points: STAFF_TYPING_PER_MINUTE, durationSeconds: 60 });

  return [
    // ----- the person -----
    operation({
      method: 'get',
      path: '/people/:id',
      tag: 'people',
      roles: DESK_ROLES,
      summary: "A person (contact): every case on every channel, household links, and one timeline of messages, notes, assessments, handovers, phone calls and visits (audited)",
      params: api.personParams,
      response: api.personResponse,
      errors: { 404: 'No such person, or none of their cases is visible to you' },
      handle: async ({ auth, params }) => loadPerson(deps, auth.actor, params.id),
    }),
    operation({
      method: 'get',
      path: '/cases/:id/person',
      tag: 'people',
      roles: DESK_ROLES,
      summary: 'The person of this case, as GET /people/:id (the earlier cases of a returning person are here)',
      params: api.caseIdParams,
      response: api.personResponse,
      errors: { 404: 'No such case, or not visible to you' },
      handle: async ({ auth, params }) => loadPerson(deps, auth.actor, await personOfCase(deps.db, params.id)),
    }),

    // ----- links between cases -----
    operation({
      method: 'get',
      path: '/cases/:id/links',
      tag: 'people',
      roles: DESK_ROLES,
      summary: 'Links of this case: household (staff linked) and continuation (the same person came back)',
      params: api.caseIdParams,
      response: api.caseLinksResponse,
      handle: async ({ auth, params }) => ({ links: await listLinksFor(deps.db, auth.actor, params.id) }),
    }),
    operation({
      method: 'post',
      path: '/cases/:id/links',
      tag: 'people',
      roles: DESK_ROLES,
      summary: "Link a case of the same household (e.g. a parent's case and the son's own): shows on both, audited on both",
      params: api.caseIdParams,
      body: api.caseLinkBody,
      response: api.caseLinkResponse,
      status: 201,
      errors: { 404: 'No such case, or not yours', 409: 'Already linked', 422: 'The other case does not exist, or is this case' },
      handle: async ({ auth, params, body }) => ({ link: await linkHousehold(deps, auth.actor, params.id, body.otherCase) }),
    }),
    operation({
      method: 'delete',
      path: '/cases/:id/links/:linkId',
      tag: 'people',
      roles: DESK_ROLES,
      summary: 'Remove a household link (audited on both cases)',
      params: api.caseLinkParams,
      status: 204,
      errors: { 404: 'No such link on this case, or not yours' },
      handle: async ({ auth, params }) => unlinkHousehold(deps, auth.actor, params.id, params.linkId),
    }),

    // ----- every way the desk is reached -----
    operation({
      method: 'get',
      path: '/cases/:id/desk-contacts',
      tag: 'people',
      roles: DESK_ROLES,
      summary: 'Phone calls, walk-ins and visits recorded on this case',
      params: api.caseIdParams,
      response: api.deskContactsResponse,
      handle: async ({ auth, params }) => ({ deskContacts: await listDeskContacts(deps, auth.actor, params.id) }),
    }),
    operation({
      method: 'post',
      path: '/cases/:id/desk-contacts',
      tag: 'people',
      roles: DESK_ROLES,
      summary: 'Record a phone call, walk-in or visit on this case (who, when, how long, summary)',
      params: api.caseIdParams,
      body: api.deskContactBody,
      response: api.deskContactResponse,
      status: 201,
      errors: { 404: 'No such case, or not yours', 409: 'The case is closed: record it as a new case of the same person', 422: 'A date in the future' },
      handle: async ({ auth, params, body }) => recordDeskContact(deps, auth.actor, params.id, body),
    }),
    operation({
      method: 'post',
      path: '/desk-contacts',
      tag: 'people',
      roles: DESK_ROLES,
      summary: 'Record a phone call, walk-in or visit as a new case, held by you (optionally of a known person: samePersonAsCaseId)',
      body: api.newDeskContactBody,
      response: api.deskContactResponse,
      status: 201,
      errors: { 422: 'A date in the future, or samePersonAsCaseId unknown' },
      handle: async ({ auth, body }) => openCaseFromDeskContact(deps, auth.actor, body),
    }),

    // ----- finding work -----
    operation({
      method: 'get',
      path: '/search',
      tag: 'people',
      roles: SEARCHERS,
      summary: 'Search by case number (#123), phone number (keyed-hash look-up) or words (a bounded scan of what you may read); audited',
      description: 'Counsellors find the cases they may open; center staff the cases handed over to their center; supervisors every case. Words are matched after decryption over the most recently active cases in scope (see src/staff/README.md).',
      query: api.searchQuery,
      response: api.searchResponse,
      handle: async ({ auth, query }) => searchCases(deps, auth.actor, query.q, query.limit),
    }),
    operation({
      method: 'get',
      path: '/shift',
      tag: 'people',
      roles: DESK_ROLES,
      summary: 'The shift view: my open cases, follow-ups due today (Kyoto), people waiting for a reply, handovers not yet acknowledged',
      response: api.shiftResponse,
      handle: async ({ auth }) => loadShift(deps, auth.actor),
    }),
    operation({
      method: 'post',
      path: '/cases/:id/read',
      tag: 'people',
      roles: DESK_ROLES,
      summary: "I have the case open: my last-seen marker moves; in chat mode (the default) and when I work the case, the person's messages are marked read (LINE mark-as-read, 既読 on the web chat)",
      params: api.caseIdParams,
      body: api.readBody,
      response: api.readResponse,
      errors: { 404: 'No such case, or not visible to you' },
      handle: async ({ auth, params, body }) => markConversationRead({ ...deps, markLineRead: ctx.markLineRead }, auth.actor, params.id, body.chat),
    }),
    operation({
      method: 'post',
      path: '/cases/:id/typing',
      tag: 'people',
      roles: DESK_ROLES,
      summary: 'I am writing a reply (on: true) or stopped (on: false): shown live on the web chat, never stored',
      params: api.caseIdParams,
      body: api.typingBody,
      status: 204,
      errors: { 404: 'No such case, or not yours', 429: `More than ${STAFF_TYPING_PER_MINUTE} a minute` },
      handle: async ({ auth, params, body }) => {
        await limitTyping(`${auth.actor.id}:${params.id}`, '入力中の表示が多すぎます。');
        await announceStaffTyping(deps, auth.actor, params.id, body.on);
      },
    }),

    // ----- replying -----
    operation({
      method: 'get',
      path: '/reply-templates',
      tag: 'people',
      roles: DESK_ROLES,
      summary: "Reply templates in the person's language (Japanese where a template has none), searched by words or /shortcut",
      query: api.replyTemplatesQuery,
      response: api.replyTemplatesResponse,
      handle: async ({ query }) => ({ templates: await findReplyTemplates(query) }),
    }),
  ];
}
