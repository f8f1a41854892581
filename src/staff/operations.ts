import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { StaffRole } from '../db/client.js';
import { authOf, requireRole, type StaffAuth } from './auth.js';
import { assertUsableText } from './text-guard.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface OperationContext<P, Q, B> {
  req: Request;
  res: Response;
  /** The logged-in staff member (public operations never read it). */
  auth: StaffAuth;
  params: P;
  query: Q;
  body: B;
}

/**
 * One API operation: its route, who may call it, its schemas and a handler that parses nothing
 * itself. The same list builds the express router and the OpenAPI document, so the documented
 * contract is the enforced one.
 */
export interface Operation<P = unknown, Q = unknown, B = unknown> {
  method: Method;
  /** Express path below /api/staff, e.g. `/cases/:id/claim`. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** Roles allowed, or `public` (login, the OpenAPI document). */
  roles: readonly StaffRole[] | 'public';
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  response?: z.ZodType;
  /** Success status (200 by default; 204 sends no body). */
  status?: number;
  /** Documented refusals beyond 400/401/403: status → meaning. */
  errors?: Record<number, string>;
  /** Streams its own response (SSE): the handler writes and the router sends nothing. */
  streaming?: boolean;
  handle(ctx: OperationContext<P, Q, B>): Promise<unknown>;
}

/** Keeps the generic types of one operation while collecting many in one list. */
export function operation<P = undefined, Q = undefined, B = undefined>(op: Operation<P, Q, B>): Operation {
  return op as unknown as Operation;
}

export function mountOperations(router: Router, operations: Operation[]): void {
  for (const op of operations) {
    const guards = op.roles === 'public' ? [] : [requireRole(op.roles)];
    router[op.method](op.path, ...guards, async (req: Request, res: Response) => {
      assertUsableText({ params: req.params, query: req.query, body: req.body });
      const ctx: OperationContext<unknown, unknown, unknown> = {
        req,
        res,
        auth: op.roles === 'public' ? (null as unknown as StaffAuth) : authOf(res),
        params: op.params ? op.params.parse(req.params) : undefined,
        query: op.query ? op.query.parse(req.query) : undefined,
        body: op.body ? op.body.parse(req.body ?? {}) : undefined,
      };
      const result = await op.handle(ctx);
      if (op.streaming || res.headersSent) return;
      const status = op.status ?? 200;
      if (status === 204) res.status(204).end();
      else res.status(status).json(result);
    });
  }
}
