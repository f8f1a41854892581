/**
 * Why a staff action on a case was refused. Services throw these; the staff API maps each code
 * to one HTTP status (src/staff/errors.ts), so a route never decides a status itself.
 */
export type CaseErrorCode =
  | 'not_found'
  | 'forbidden'
  | 'already_claimed'
  | 'not_claimable'
  | 'claim_first'
  | 'case_closed'
  | 'conflict'
  | 'consent_required'
  | 'handover_pending'
  | 'already_acknowledged'
  | 'already_handed_over'
  | 'reason_required'
  | 'invalid'
  | 'channel_unavailable';

export class CaseError extends Error {
  constructor(
    readonly code: CaseErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CaseError';
  }
}

export const caseNotFound = () => new CaseError('not_found', 'この相談は見つからないか、表示する権限がありません。');
