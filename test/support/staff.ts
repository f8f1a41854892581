import { randomBytes, randomUUID } from 'node:crypto';
import type { Db, StaffRole } from '../../src/db/client.js';
import { createStaffUser } from '../../src/staff/accounts.js';
import { waitFor } from './services.js';
import { WebChatClient } from './web-client.js';
import { recordEventStream } from './sse.js';

export interface TestStaff {
  id: string;
  email: string;
  password: string;
  name: string;
  role: StaffRole;
}

/** Creates a staff account directly through the accounts service. */
export async function createStaff(
  db: Db,
  options: { role?: StaffRole; name?: string; email?: string; password?: string; centerCode?: string } = {},
): Promise<TestStaff> {
  const role = options.role ?? 'COUNSELOR';
  const email = options.email ?? `${role.toLowerCase()}-${randomBytes(4).toString('hex')}@staff.test`;
  const password = options.password ?? `pw-${randomBytes(9).toString('base64url')}`;
  const name = options.name ?? `${role} ${email.slice(0, 12)}`;
  const user = await createStaffUser(db, { email, name, role, centerCode: options.centerCode ?? null }, password);
  return { id: user.id, email, password, name, role };
}

export interface ApiResult {
  status: number;
  headers: Headers;
  body: any;
}

/** The calls the console makes, with its cookie and CSRF token. */
export class StaffClient {
  cookie = '';
  csrfToken = '';
  readonly events: { name: string; data: any }[] = [];
  private abort?: AbortController;

  constructor(readonly baseUrl: string) {}

  static async login(baseUrl: string, staff: { email: string; password: string }): Promise<StaffClient> {
    const client = new StaffClient(baseUrl);
    const result = await client.login(staff.email, staff.password);
    if (result.status !== 200) throw new Error(`login: ${result.status} ${JSON.stringify(result.body)}`);
    return client;
  }

  async login(email: string, password: string): Promise<ApiResult> {
    const response = await fetch(`${this.baseUrl}/api/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const setCookie = response.headers.get('set-cookie');
    const body = await response.json();
    if (response.status === 200 && setCookie) {
      this.cookie = setCookie.split(';')[0]!;
      this.csrfToken = body.csrfToken;
    }
    return { status: response.status, headers: response.headers, body };
  }

  async request(method: string, path: string, body?: unknown, options: { csrfToken?: string | null } = {}): Promise<ApiResult> {
    const csrf = options.csrfToken === undefined ? this.csrfToken : options.csrfToken;
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}/api/staff${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  get(path: string) {
    return this.request('GET', path);
  }
  post(path: string, body: unknown = {}, options?: { csrfToken?: string | null }) {
    return this.request('POST', path, body, options);
  }
  put(path: string, body: unknown) {
    return this.request('PUT', path, body);
  }
  patch(path: string, body: unknown) {
    return this.request('PATCH', path, body);
  }

  /** Opens the live staff stream and records its events until close(). */
  async openStream(): Promise<void> {
    this.abort = await recordEventStream(`${this.baseUrl}/api/staff/stream`, { cookie: this.cookie }, this.events);
  }

  close() {
    this.abort?.abort();
  }
}

/** The word that asks for a person (flows/commands.yaml, talk). */
export const TALK_TO_A_PERSON = '人と話したい';

/**
 * A web chat person who wrote `text` and asked for a person: the case is QUEUED. Returns the
 * chat client and the case id.
 */
export async function queuedWebCase(baseUrl: string, db: Db, text = '家族のことで相談したいです'): Promise<{ chat: WebChatClient; caseId: string; contactId: string }> {
  const chat = await WebChatClient.start(baseUrl);
  await waitFor(async () => (await chat.messages()).some((m) => m.author === 'bot'));
  const marker = randomUUID();
  await chat.send({ text, clientMessageId: `first-${marker}` });
  await chat.send({ text: TALK_TO_A_PERSON, clientMessageId: `talk-${marker}` });
  let caseId = '';
  let contactId = '';
  await waitFor(
    async () => {
      const message = await db.message.findFirst({ where: { clientMessageId: `talk-${marker}` }, include: { conversation: { include: { case: true } } } });
      const kase = message?.conversation.case;
      if (!kase || kase.status !== 'QUEUED') return false;
      caseId = kase.id;
      contactId = message.conversation.contactId;
      return true;
    },
    { timeoutMs: 15_000 },
  );
  return { chat, caseId, contactId };
}

/** Records the person's handover consent the way the intake does (flows/closing.yaml). */
export async function grantHandoverConsent(db: Db, caseId: string) {
  const kase = await db.case.findUniqueOrThrow({ where: { id: caseId }, include: { conversation: true } });
  return db.consent.create({
    data: { contactId: kase.conversation.contactId, caseId, kind: 'handover_ward_center', granted: true, wordingVersion: 'handover-v1', channel: kase.channel },
  });
}
