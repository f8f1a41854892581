// Every staff API route, read from the OpenAPI document the API serves (so routes added later are
// fuzzed too), gets malformed values in its path, query and body: NUL, lone surrogates, numbers
// past int8, impossible dates, huge and deeply nested values. Each answer must be a 4xx — never a
// 5xx — and values PostgreSQL cannot store must be refused with 400 before anything is done.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, StaffRole } from '../../../src/db/client.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { createStaff, queuedWebCase, StaffClient } from '../../support/staff.js';

interface OpenApiOperation {
  'x-roles'?: StaffRole[];
  parameters?: { name: string; in: 'path' | 'query' }[];
  requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
}
interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

/** Values that broke routes before, or that no route should take. */
const UNSTORABLE_STRINGS = ['a\u0000b', '\u0000', '\uD800', 'x\uDFFFy', 'ok\uDBFF'];
const ODD_STRINGS = ['9999999999999999999', '2026-13-45', '-1', '', ' ', 'a'.repeat(20_000), '<script>', '../../etc/passwd', 'null'];
const ODD_VALUES: unknown[] = [9999999999999999999, -1, 1.5, true, null, [], {}, ['a\u0000'], { a: { b: { c: '\u0000' } } }, nested(60)];
/** Raw query values (already URL-encoded): NUL, a UTF-8-encoded lone surrogate, broken escapes. */
const RAW_QUERY_VALUES = ['%00', 'a%00b', '%ED%A0%80', '%E0%A4%A', '9999999999999999999', '2026-13-45', '-1', '1e309', 'x'.repeat(5000)];

function nested(depth: number): unknown {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i++) value = { x: value };
  return value;
}

describe('every staff route refuses malformed values with a 4xx', () => {
  let app: TestApp;
  let db: Db;
  let document: { paths: Record<string, Record<string, OpenApiOperation>> };
  const clients = new Map<StaffRole, StaffClient>();
  let caseId: string;

  beforeAll(async () => {
    app = await startTestApp();
    db = app.runtime.db;
    for (const role of ['COUNSELOR', 'SUPERVISOR', 'ADMIN', 'CENTER'] as StaffRole[]) {
      const staff = await createStaff(db, { role, ...(role === 'CENTER' ? { centerCode: 'sakyo' } : {}) });
      clients.set(role, await StaffClient.login(app.url, staff));
    }
    // A real case the supervisor holds, so case routes reach their handlers and the database.
    caseId = (await queuedWebCase(app.url, db)).caseId;
    expect((await clients.get('SUPERVISOR')!.post(`/cases/${caseId}/claim`)).status).toBe(200);
    document = (await (await fetch(`${app.url}/api/staff/openapi.json`)).json()) as typeof document;
  });
  afterAll(async () => {
    await app?.dispose();
  });

  /** Operations to fuzz: all but the live stream (never ends) and logout (ends the session). */
  function operations() {
    const list: { method: string; path: string; op: OpenApiOperation }[] = [];
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (path.endsWith('/stream') || path.endsWith('/logout')) continue;
        list.push({ method: method.toUpperCase(), path, op });
      }
    }
    return list;
  }

  function clientFor(op: OpenApiOperation): StaffClient {
    const roles = op['x-roles'] ?? ['SUPERVISOR'];
    const role = (['SUPERVISOR', 'ADMIN', 'COUNSELOR', 'CENTER'] as StaffRole[]).find((r) => roles.includes(r)) ?? 'SUPERVISOR';
    return clients.get(role)!;
  }

  /** The path with real or well-formed ids, or with `raw` in the first parameter. */
  function fillPath(path: string, raw?: string): string {
    let first = true;
    return path.replace(/\{(\w+)\}/g, () => {
      if (raw !== undefined && first) {
        first = false;
        return raw;
      }
      first = false;
      return path.startsWith('/cases/') ? caseId : '00000000-0000-4000-8000-000000000000';
    });
  }

  const basePath = (p: string) => p.replace(/^\/api\/staff/, '');

  function propertiesOf(schema: JsonSchema | undefined): string[] {
    if (!schema) return [];
    const own = Object.keys(schema.properties ?? {});
    const alternatives = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].flatMap(propertiesOf);
    return [...new Set([...own, ...alternatives])];
  }

  it('finds the routes in the OpenAPI document', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(25);
    expect(ops.map((o) => `${o.method} ${basePath(o.path)}`)).toEqual(expect.arrayContaining(['GET /audit', 'POST /cases/{id}/messages', 'GET /analytics']));
  });

  it('query values: never a 5xx; NUL and broken text are 400', async () => {
    const failures: string[] = [];
    for (const { method, path, op } of operations().filter((o) => o.method === 'GET')) {
      const names = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      for (const name of [...names, 'unknown_param']) {
        for (const raw of RAW_QUERY_VALUES) {
          const url = `${basePath(fillPath(path))}?${encodeURIComponent(name)}=${raw}`;
          const result = await clientFor(op).request(method, url);
          const mustRefuse = raw.includes('%00');
          if (result.status >= 500 || result.status < 400 && mustRefuse) failures.push(`${method} ${url} → ${result.status} ${JSON.stringify(result.body).slice(0, 120)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 240_000);

  it('path values: never a 5xx', async () => {
    const failures: string[] = [];
    for (const { method, path, op } of operations().filter((o) => o.path.includes('{'))) {
      for (const raw of ['%00', '%ED%A0%80', '9999999999999999999', 'not-a-uuid', '..%2F..%2F']) {
        const url = basePath(fillPath(path, raw));
        const result = await clientFor(op).request(method, url, method === 'GET' ? undefined : {});
        if (result.status >= 500 || result.status < 400) failures.push(`${method} ${url} → ${result.status}`);
      }
    }
    expect(failures).toEqual([]);
  }, 240_000);

  it('body values: never a 5xx; NUL and lone surrogates in any field are 400', async () => {
    const failures: string[] = [];
    for (const { method, path, op } of operations().filter((o) => o.method !== 'GET')) {
      const fields = propertiesOf(op.requestBody?.content['application/json'].schema);
      const url = basePath(fillPath(path));
      const client = clientFor(op);
      for (const field of [...fields, 'unexpected']) {
        for (const value of [...UNSTORABLE_STRINGS, ...ODD_STRINGS, ...ODD_VALUES]) {
          // The field alone, and the field among every other field set to a harmless string.
          for (const body of [{ [field]: value }, { ...Object.fromEntries(fields.map((f) => [f, 'テスト'])), [field]: value }]) {
            const result = await client.request(method, url, body);
            const unstorable = UNSTORABLE_STRINGS.includes(value as string);
            if (result.status >= 500 || (unstorable && result.status !== 400)) {
              failures.push(`${method} ${url} ${field}=${JSON.stringify(value).slice(0, 40)} → ${result.status} ${JSON.stringify(result.body).slice(0, 120)}`);
            }
          }
        }
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
