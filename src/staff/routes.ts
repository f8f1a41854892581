import { readFileSync } from 'node:fs';
import type { Request, Response } from 'express';
import { parse as parseYaml } from 'yaml';
import { DESK_ROLES } from '../cases/actor.js';
import { saveAssessment } from '../cases/assessment.js';
import { claimCase, releaseCase, transferCase } from '../cases/assignment.js';
import { listAudit, recordAudit } from '../cases/audit.js';
import { loadCaseView } from '../cases/case-view.js';
import { loadCenters } from '../cases/centers.js';
import type { CaseDeps } from '../cases/deps.js';
import { acknowledgeHandover, getHandover, handOverCase, listHandovers, recordConsentFromChat, toHandoverViews } from '../cases/handover.js';
import { addNote } from '../cases/notes.js';
import { listCases } from '../cases/queue.js';
import { toCaseCards } from '../cases/case-cards.js';
import { caseReport } from '../cases/reports.js';
import { sendStaffReply } from '../cases/staff-reply.js';
import { changeCaseStatus } from '../cases/status.js';
import { deskHoursSchema } from '../desk/desk-hours.js';
import { HttpError } from '../http/errors.js';
import type { RealtimeHub } from '../realtime/hub.js';
import { changeOwnPassword, createStaffUser, listAccounts, listColleagues, resetPassword, toAccountView, updateAccount } from './accounts.js';
import * as api from './contract.js';
import { LOCK_MS, MAX_FAILED_LOGINS, MAX_FAILURES_PER_IP, MAX_PASSWORD_CHECKS, type LoginService } from './login.js';
import { operation, type Operation } from './operations.js';
import { generatePassword, MIN_PASSWORD_LENGTH } from './passwords.js';
import type { StaffAuth } from './auth.js';
import { clearedSessionCookie, deleteSession, sessionCookie, SESSION_MAX_MS } from './sessions.js';
import { StreamAudience } from './stream-audience.js';
import { loadReplyTemplates } from './templates.js';

const SUPERVISION = ['SUPERVISOR'] as const;
const ADMINISTRATION = ['ADMIN'] as const;
const EVERYONE = ['COUNSELOR', 'SUPERVISOR', 'ADMIN', 'CENTER'] as const;
const RECEIVERS = ['SUPERVISOR', 'CENTER'] as const;
const HEARTBEAT_MS = 15_000;
const SESSION_CHECK_MS = 60_000;

export interface StaffRouteContext {
  deps: CaseDeps;
  login: LoginService;
  hub: RealtimeHub;
  isProduction: boolean;
  /** Live SSE responses, ended on shutdown. */
  liveStreams: Set<Response>;
  openApi(): unknown;
}

const selfOf = (staff: { id: string; name: string; email: string; role: (typeof EVERYONE)[number]; centerCode: string | null }) => ({
  id: staff.id,
  name: staff.name,
  email: staff.email,
  role: staff.role,
  centerCode: staff.centerCode,
});

/** Every staff API operation (paths are below /api/staff). */
export function staffOperations(ctx: StaffRouteContext): Operation[] {
  const { deps, isProduction } = ctx;
  const { db } = deps;
  const audience = new StreamAudience(db);

  return [
    // ----- documentation and session -----
    operation({
      method: 'get',
      path: '/openapi.json',
      tag: 'meta',
      roles: 'public',
      summary: 'This API as an OpenAPI 3.1 document',
      handle: async () => ctx.openApi(),
    }),
    operation({
      method: 'post',
      path: '/login',
      tag: 'session',
      roles: 'public',
      summary: 'Log in with email and password',
      description: `Sets the session cookie (HttpOnly, SameSite=Strict, Secure in production). ${MAX_FAILED_LOGINS} wrong passwords within ${LOCK_MS / 60_000} minutes lock the account for ${LOCK_MS / 60_000} minutes (423, even with the right password; unknown emails answer the same). ${MAX_FAILURES_PER_IP} failures from one IP address in ${LOCK_MS / 60_000} minutes → 429.`,
      body: api.loginBody,
      response: api.loginResponse,
      errors: { 401: 'Wrong email or password', 423: 'Account locked after repeated failures (Retry-After)', 429: 'Too many failures from this address (Retry-After)' },
      handle: async ({ req, res, body }) => {
        const result = await ctx.login.login(body.email, body.password, req.ip ?? 'unknown');
        if (!result.ok) {
          const retry = result.retryAfterSeconds ? { 'Retry-After': String(result.retryAfterSeconds) } : undefined;
          if (result.reason === 'locked') {
            throw new HttpError(423, 'account_locked', `ログインの失敗が続いたため、しばらくログインできません。${Math.ceil((result.retryAfterSeconds ?? 900) / 60)}分ほど待ってから試すか、管理者に連絡してください。`, retry);
          }
          if (result.reason === 'throttled') {
            throw new HttpError(429, 'rate_limited', 'ログインの失敗が多すぎます。しばらく待ってから試してください。', retry);
          }
          throw new HttpError(401, 'invalid_credentials', 'メールアドレスかパスワードが違います。');
        }
        res.append('Set-Cookie', sessionCookie(isProduction, result.token, SESSION_MAX_MS));
        return { csrfToken: result.csrfToken, staff: selfOf(result.staff) };
      },
    }),
    operation({
      method: 'post',
      path: '/logout',
      tag: 'session',
      roles: EVERYONE,
      summary: 'End this session',
      status: 204,
      handle: async ({ res, auth }) => {
        await deleteSession(db, auth.sessionId);
        await recordAudit(db, auth.actor, 'staff.logout', null);
        res.append('Set-Cookie', clearedSessionCookie(isProduction));
      },
    }),
    operation({
      method: 'get',
      path: '/me',
      tag: 'session',
      roles: EVERYONE,
      summary: 'Who is logged in, with the CSRF token (for a reloaded page)',
      response: api.loginResponse,
      handle: async ({ auth }) => {
        const staff = await db.staffUser.findUniqueOrThrow({ where: { id: auth.actor.id } });
        return { csrfToken: auth.csrfToken, staff: selfOf(staff) };
      },
    }),
    operation({
      method: 'post',
      path: '/password',
      tag: 'session',
      roles: EVERYONE,
      summary: 'Change my password (other sessions end)',
      description: `At least ${MIN_PASSWORD_LENGTH} characters.`,
      body: api.passwordChangeBody,
      status: 204,
      errors: { 403: 'Current password wrong (or missing CSRF token)', 422: 'New password too weak', 429: `${MAX_PASSWORD_CHECKS} wrong current passwords in ${LOCK_MS / 60_000} minutes (Retry-After)` },
      handle: async ({ auth, body }) => {
        await ctx.login.throttlePasswordCheck(auth.actor.id, () => changeOwnPassword(db, auth.actor, auth.sessionId, body.currentPassword, body.newPassword));
      },
    }),
    operation({
      method: 'get',
      path: '/stream',
      tag: 'session',
      roles: EVERYONE,
      summary: 'Live updates (server-sent events): `case` events {caseId, change}',
      description: 'Events carry ids and a change name only; the console re-reads the queue or the case. Each role receives only events of cases it may open (supervisors all; counsellors what their queue shows, and claims; center staff the cases handed over to their center; admins none) and notifications of its audiences. A comment line every 15 s keeps proxies from closing the stream.',
      streaming: true,
      handle: async ({ req, res, auth }) => openStream(ctx, audience, req, res, auth),
    }),

    // ----- reference data -----
    operation({
      method: 'get',
      path: '/centers',
      tag: 'reference',
      roles: EVERYONE,
      summary: 'Ward Health and Welfare Centers that receive handovers (data/centers.yaml)',
      handle: async () => {
        const centers = loadCenters();
        return { verify: centers.verify, centers: centers.centers };
      },
    }),
    operation({
      method: 'get',
      path: '/templates',
      tag: 'reference',
      roles: DESK_ROLES,
      summary: 'Reply templates (data/reply-templates.yaml)',
      handle: async () => ({ templates: await loadReplyTemplates() }),
    }),
    operation({
      method: 'get',
      path: '/colleagues',
      tag: 'reference',
      roles: DESK_ROLES,
      summary: 'Desk colleagues a case can be transferred to',
      handle: async () => ({ colleagues: await listColleagues(db) }),
    }),

    // ----- the queue and cases -----
    operation({
      method: 'get',
      path: '/cases',
      tag: 'cases',
      roles: DESK_ROLES,
      summary: 'The case queue',
      description: 'Counsellors see unassigned cases past the intake and their own cases; supervisors see every case. Sorted by urgency (EMERGENCY first), then longest waiting (waitingSince ascending, nulls last).',
      query: api.casesQuery,
      response: api.casesResponse,
      handle: async ({ auth, query }) => {
        // Cards carry the per-staff unread count and a short last-message preview (case-cards.ts).
        const cards = await toCaseCards(db, auth.actor, await listCases(db, auth.actor, query));
        return { cases: query.unread ? cards.filter((c) => c.unread > 0) : cards };
      },
    }),
    operation({
      method: 'get',
      path: '/cases/:id',
      tag: 'cases',
      roles: DESK_ROLES,
      summary: 'One case: conversation, intake answers, summary, markers, stage, assessment, notes, handovers, consents, history (audited as a view)',
      params: api.caseIdParams,
      errors: { 404: 'No such case, or not visible to you' },
      handle: async ({ auth, params }) => loadCaseView(deps, auth.actor, params.id),
    }),
    operation({
      method: 'post',
      path: '/cases/:id/claim',
      tag: 'cases',
      roles: DESK_ROLES,
      summary: 'Claim a case (atomic: exactly one of concurrent claims wins)',
      params: api.caseIdParams,
      response: api.claimResponse,
      errors: { 404: 'No such case', 409: 'Someone else holds it (already_claimed), or it cannot be claimed (not_claimable)' },
      handle: async ({ auth, params }) => {
        const kase = await claimCase(deps, auth.actor, params.id);
        return { case: { id: kase.id, status: kase.status, assigneeId: kase.assigneeId!, claimedAt: kase.claimedAt!.toISOString() } };
      },
    }),
    operation({
      method: 'post',
      path: '/cases/:id/messages',
      tag: 'cases',
      roles: DESK_ROLES,
      summary: "Reply to the person through the case's channel (web: live on the page; LINE: push)",
      params: api.caseIdParams,
      body: api.replyBody,
      response: api.replyResponse,
      status: 201,
      errors: { 404: 'No such case, or not yours', 409: 'Not claimed yet (claim_first) or closed', 503: 'The channel is not configured here' },
      handle: async ({ auth, params, body }) => {
        const sent = await sendStaffReply(deps, auth.actor, params.id, body);
        return { message: { id: sent.messageId, createdAt: sent.createdAt.toISOString() }, duplicate: sent.duplicate, deliverable: sent.deliverable };
      },
    }),
    operation({
      method: 'post',
      path: '/cases/:id/notes',
      tag: 'cases',
      roles: DESK_ROLES,
      summary: 'Add a private note (never shown to the person)',
      params: api.caseIdParams,
      body: api.noteBody,
      status: 201,
      errors: { 404: 'No such case, or not yours' },
      handle: async ({ auth, params, body }) => ({ note: await addNote(deps, auth.actor, params.id, body.text) }),
    }),
    operation({
      method: 'post',
      path: '/cases/:id/status',
      tag: 'cases',
      roles: DESK_ROLES,
      summary: 'Change the status with a reason: ACTIVE, WAITING_USER (waiting for the person), INFO_GIVEN, CLOSED',
      params: api.caseIdParams,
      body: api.statusBody,
      status: 204,
      errors: { 404: 'No such case, or not yours', 409: 'Closed, already in that status, or not claimed', 422: 'Reason missing' },
      handle: async ({ auth, params, body }) => {
        await changeCaseStatus(deps, auth.actor, params.id, {
          status: body.status,
          reason: body.reason,
          ...(body.followUpOn !== undefined ? { followUpOn: body.followUpOn } : {}),
        });
      },
    }),
    operation({
      method: 'post',
      path: '/cases/:id/release',
      tag: 'cases',
      roles: DESK_ROLES,
      summary: 'Give the case back to the queue',
      params: api.caseIdParams,
      body: api.releaseBody,
      status: 204,
      errors: { 404: 'No such case, or not yours', 409: 'Nobody holds it, or a concurrent change' },
      handle: async ({ auth, params, body }) => releaseCase(deps, auth.actor, params.id, body.reason || null),
    }),
    operation({
      method: 'post',
      path: '/cases/:id/transfer',
      tag: 'cases',
      roles: DESK_ROLES,
      summary: 'Transfer the case to a desk colleague',
      params: api.caseIdParams,
      body: api.transferBody,
      status: 204,
      errors: { 404: 'No such case, or not yours', 409: 'A concurrent change', 422: 'Not a desk colleague' },
      handle: async ({ auth, params, body }) => transferCase(deps, auth.actor, params.id, body.toStaffId, body.reason || null),
    }),
    operation({
      method: 'put',
      path: '/cases/:id/assessment',
      tag: 'cases',
      roles: DESK_ROLES,
      summary: 'Record the initial assessment (quality markers, stage, urgency); overrides need a reason and are audited',
      params: api.caseIdParams,
      body: api.assessmentBody,
      status: 204,
      errors: { 404: 'No such case, or not yours', 422: 'An override without overrideReason' },
      handle: async ({ auth, params, body }) => saveAssessment(deps, auth.actor, params.id, body),
    }),
    operation({
      method: 'post',
      path: '/cases/:id/consents',
      tag: 'handovers',
      roles: DESK_ROLES,
      summary: "Record the person's handover consent given in the chat, citing their message",
      params: api.caseIdParams,
      body: api.consentBody,
      status: 201,
      errors: { 404: 'No such case, or not yours', 422: "The message is not the person's, in this conversation" },
      handle: async ({ auth, params, body }) => {
        const consent = await recordConsentFromChat(deps, auth.actor, params.id, body);
        return { consent: { id: consent.id, kind: consent.kind, granted: consent.granted, createdAt: consent.createdAt.toISOString() } };
      },
    }),
    operation({
      method: 'post',
      path: '/cases/:id/handovers',
      tag: 'handovers',
      roles: DESK_ROLES,
      summary: 'Hand the case over (つなぐ) to a ward center: with consent, or an emergency override with a reason',
      params: api.caseIdParams,
      body: api.handoverBody,
      status: 201,
      errors: {
        404: 'No such case, or not yours',
        409: 'No recorded consent (consent_required), an unacknowledged handover exists (handover_pending), or not claimed',
        422: 'Unknown center, or an override without a reason',
      },
      handle: async ({ auth, params, body }) => {
        const handover = await handOverCase(deps, auth.actor, params.id, body);
        const [view] = await toHandoverViews(db, [handover], false);
        return { handover: view };
      },
    }),

    // ----- handovers (receiving side) -----
    operation({
      method: 'get',
      path: '/handovers',
      tag: 'handovers',
      roles: RECEIVERS,
      summary: 'Handovers: center staff see their center, supervisors all; unacknowledged first',
      query: api.handoversQuery,
      handle: async ({ auth, query }) => ({ handovers: await listHandovers(db, auth.actor, query) }),
    }),
    operation({
      method: 'get',
      path: '/handovers/:id',
      tag: 'handovers',
      roles: [...DESK_ROLES, 'CENTER'],
      summary: 'One handover with its summary (audited; purpose=print is audited as an export)',
      params: api.handoverIdParams,
      query: api.handoverQuery,
      errors: { 404: 'No such handover, or not visible to you' },
      handle: async ({ auth, params, query }) => ({ handover: await getHandover(deps, auth.actor, params.id, query.purpose) }),
    }),
    operation({
      method: 'post',
      path: '/handovers/:id/acknowledge',
      tag: 'handovers',
      roles: RECEIVERS,
      summary: 'Acknowledge (受け止め) a handover: center staff of that center, or a supervisor on its behalf (note required)',
      params: api.handoverIdParams,
      body: api.acknowledgeBody,
      status: 204,
      errors: { 404: 'No such handover, or not for your center', 409: 'Already acknowledged', 422: 'Supervisor without a note' },
      handle: async ({ auth, params, body }) => acknowledgeHandover(deps, auth.actor, params.id, body.note ?? null),
    }),

    // ----- supervision -----
    operation({
      method: 'get',
      path: '/audit',
      tag: 'supervision',
      roles: SUPERVISION,
      summary: 'The audit log, newest first (reading it is itself audited)',
      query: api.auditQuery,
      handle: async ({ auth, query }) => {
        await recordAudit(db, auth.actor, 'audit.viewed', query.caseId ?? null, query.caseId ? undefined : { filter: { actorId: query.actorId ?? null, action: query.action ?? null } });
        const events = await listAudit(db, {
          ...(query.caseId ? { caseId: query.caseId } : {}),
          ...(query.actorId ? { actorId: query.actorId } : {}),
          ...(query.action ? { action: query.action } : {}),
          ...(query.before ? { beforeId: BigInt(query.before) } : {}),
          limit: query.limit,
        });
        return { events };
      },
    }),
    operation({
      method: 'get',
      path: '/reports/summary',
      tag: 'supervision',
      roles: SUPERVISION,
      summary: 'Counts for analysis (no personal data): cases by status, urgency, channel, who writes, stage, quality markers; handovers',
      query: api.reportQuery,
      handle: async ({ auth, query }) => {
        const to = query.to ? new Date(query.to) : new Date();
        const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * 24 * 60 * 60_000);
        await recordAudit(db, auth.actor, 'report.viewed', null, { from: from.toISOString(), to: to.toISOString() });
        return caseReport(db, { from, to });
      },
    }),

    // ----- administration -----
    operation({
      method: 'get',
      path: '/accounts',
      tag: 'administration',
      roles: ADMINISTRATION,
      summary: 'Staff accounts',
      handle: async () => ({ accounts: await listAccounts(db) }),
    }),
    operation({
      method: 'post',
      path: '/accounts',
      tag: 'administration',
      roles: ADMINISTRATION,
      summary: 'Create an account; the temporary password is returned once',
      body: api.accountBody,
      status: 201,
      errors: { 409: 'Email taken', 422: 'CENTER without a known centerCode (or a centerCode on another role)' },
      handle: async ({ auth, body }) => {
        const temporaryPassword = generatePassword();
        const user = await createStaffUser(db, body, temporaryPassword, auth.actor);
        return { account: toAccountView(user), temporaryPassword };
      },
    }),
    operation({
      method: 'patch',
      path: '/accounts/:id',
      tag: 'administration',
      roles: ADMINISTRATION,
      summary: 'Rename, change role or center, disable/enable, unlock (sessions end on role change or disable)',
      params: api.staffIdParams,
      body: api.accountPatch,
      errors: { 404: 'No such account', 422: 'Invalid change' },
      handle: async ({ auth, params, body }) => ({ account: await updateAccount(db, auth.actor, params.id, body) }),
    }),
    operation({
      method: 'post',
      path: '/accounts/:id/reset-password',
      tag: 'administration',
      roles: ADMINISTRATION,
      summary: 'Reset a password: a temporary one is returned once; sessions end',
      params: api.staffIdParams,
      errors: { 404: 'No such account' },
      handle: async ({ auth, params }) => ({ temporaryPassword: await resetPassword(db, auth.actor, params.id) }),
    }),
    operation({
      method: 'get',
      path: '/settings',
      tag: 'administration',
      roles: ADMINISTRATION,
      summary: 'The settings in force (read-only: they live in data/*.yaml and the environment)',
      handle: async () => {
        const centers = loadCenters();
        return {
          deskHours: deskHoursSchema.parse(parseYaml(readFileSync(new URL('../../data/desk.yaml', import.meta.url), 'utf8'))),
          centers: { verify: centers.verify, centers: centers.centers },
          templates: (await loadReplyTemplates()).map((t) => ({ id: t.id, category: t.category, title: t.title })),
          security: {
            passwordMinLength: MIN_PASSWORD_LENGTH,
            lockoutAfterFailures: MAX_FAILED_LOGINS,
            lockoutMinutes: LOCK_MS / 60_000,
            ipFailuresPerWindow: MAX_FAILURES_PER_IP,
            sessionMaxHours: SESSION_MAX_MS / 3_600_000,
          },
        };
      },
    }),
  ];
}

async function openStream(ctx: StaffRouteContext, audience: StreamAudience, req: Request, res: Response, auth: StaffAuth) {
  const { sessionId, actor } = auth;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write('retry: 3000\n\n');
  const send = (name: string, data: unknown) => res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  send('ready', {});
  // One event at a time, in publish order, each after its audience check.
  let sending: Promise<void> = Promise.resolve();
  const unsubscribe = ctx.hub.onStaff((event) => {
    sending = sending
      .then(async () => {
        if (!(await audience.mayReceive(actor, event))) return;
        if (event.type === 'case') send('case', { caseId: event.caseId, change: event.change });
        else if (event.type === 'typing' && event.by === 'user' && event.caseId) send('typing', { caseId: event.caseId, on: event.on });
        else if (event.type === 'notification') send('notification', { notificationId: event.notificationId });
      })
      .catch(() => {});
  });
  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  // A stream outlives its request: end it when the session ends (logout, expiry, disabled).
  const token = sessionId;
  const sessionCheck = setInterval(() => {
    void ctx.deps.db.staffSession
      .findUnique({ where: { id: token }, include: { staff: { select: { disabledAt: true } } } })
      .then((session) => {
        if (!session || session.expiresAt <= new Date() || session.staff.disabledAt) res.end();
      })
      .catch(() => {});
  }, SESSION_CHECK_MS);
  ctx.liveStreams.add(res);
  req.on('close', () => {
    clearInterval(heartbeat);
    clearInterval(sessionCheck);
    unsubscribe();
    ctx.liveStreams.delete(res);
  });
}
