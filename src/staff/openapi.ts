import { z } from 'zod';
import type { Operation } from './operations.js';

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete json.$schema;
  return json;
}

const errorSchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string', description: 'Japanese, for the console to show' }, details: {} },
    },
  },
};

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = schemaOf(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property as { description?: string };
    return {
      name,
      in: where,
      required: where === 'path' || (json.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

/** OpenAPI 3.1 (JSON Schema 2020-12) generated from the operations' zod schemas. */
export function buildOpenApi(operations: Operation[], options: { basePath: string; version: string; cookieName: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const path = options.basePath + op.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const secured = op.roles !== 'public';
    const responses: Record<string, unknown> = {
      [String(op.status ?? 200)]:
        op.status === 204
          ? { description: 'Done' }
          : op.streaming
            ? { description: 'Server-sent events', content: { 'text/event-stream': { schema: { type: 'string' } } } }
            : { description: 'OK', content: { 'application/json': { schema: op.response ? schemaOf(op.response, 'output') : {} } } },
    };
    if (op.params || op.query || op.body) responses['400'] = errorResponse('The request is not valid');
    if (secured) {
      responses['401'] = errorResponse('Not logged in (no or expired session)');
      responses['403'] = errorResponse(op.method === 'get' ? 'Role not allowed' : 'Role not allowed, or missing/wrong x-csrf-token');
    }
    for (const [status, description] of Object.entries(op.errors ?? {})) responses[status] = errorResponse(description);
    (paths[path] ??= {})[op.method] = {
      operationId: `${op.method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: [op.tag],
      ...(secured ? { 'x-roles': op.roles } : {}),
      security: secured ? (op.method === 'get' ? [{ session: [] }] : [{ session: [], csrf: [] }]) : [],
      parameters: [...parametersOf(op.params, 'path'), ...parametersOf(op.query, 'query')],
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(op.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'よりそい Yorisoi staff API',
      version: options.version,
      description:
        'The staff console API: queue, claim, reply, assess, hand over (つなぎ) and acknowledge (受け止め). ' +
        'Log in with POST /login: the session is an HttpOnly SameSite=Strict cookie, and every state-changing call ' +
        'must carry the returned csrfToken as the x-csrf-token header. Roles: COUNSELOR (queue and own cases), ' +
        'SUPERVISOR (every case, audit, reports, acknowledge on behalf of a center), ADMIN (accounts and settings, no case content), ' +
        'CENTER (handovers to their own ward center). Every view, change and export of a case is written to the audit log.',
    },
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: options.cookieName },
        csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
      },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}
