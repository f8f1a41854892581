import type { ErrorRequestHandler } from 'express';
import { CaseError, type CaseErrorCode } from '../cases/errors.js';
import { HttpError } from '../http/errors.js';

export type StaffErrorCode = 'email_taken' | 'invalid' | 'not_found' | 'weak_password' | 'wrong_password';

/** A refused account operation (accounts, passwords). */
export class StaffError extends Error {
  constructor(
    readonly code: StaffErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StaffError';
  }
}

const caseStatuses: Record<CaseErrorCode, number> = {
  not_found: 404,
  forbidden: 403,
  already_claimed: 409,
  not_claimable: 409,
  claim_first: 409,
  case_closed: 409,
  conflict: 409,
  consent_required: 409,
  handover_pending: 409,
  already_acknowledged: 409,
  already_handed_over: 409,
  reason_required: 422,
  invalid: 422,
  channel_unavailable: 503,
};

const staffStatuses: Record<StaffErrorCode, number> = {
  email_taken: 409,
  invalid: 422,
  not_found: 404,
  weak_password: 422,
  wrong_password: 403,
};

/** The one place where domain refusals become HTTP statuses; the app's error handler writes them. */
export const domainErrors: ErrorRequestHandler = (error, _req, _res, next) => {
  if (error instanceof CaseError) return next(new HttpError(caseStatuses[error.code], error.code, error.message));
  if (error instanceof StaffError) return next(new HttpError(staffStatuses[error.code], error.code, error.message));
  next(error);
};
