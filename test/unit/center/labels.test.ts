import { describe, expect, it } from 'vitest';
import { CLOSURE_REASONS, EXCHANGE_KINDS, GOAL_OWNER_KINDS, GOAL_PROGRESS, PLAN_TRACKS } from '../../../src/center/vocabulary.js';
import { label, UNKNOWN_LABEL } from '../../../src/labels/index.js';
import { RESOURCE_AUDIENCES, RESOURCE_KINDS } from '../../../src/resources/catalog.js';

describe('center labels', () => {
  it('names every code of the center side', () => {
    const missing = [
      ...PLAN_TRACKS.map((c) => ['planTrack', c] as const),
      ...GOAL_PROGRESS.map((c) => ['goalProgress', c] as const),
      ...CLOSURE_REASONS.map((c) => ['closureReason', c] as const),
      ...EXCHANGE_KINDS.map((c) => ['exchangeKind', c] as const),
      ...GOAL_OWNER_KINDS.map((c) => ['goalOwnerKind', c] as const),
      ...RESOURCE_KINDS.map((c) => ['resourceKind', c] as const),
      ...RESOURCE_AUDIENCES.map((c) => ['resourceAudience', c] as const),
      ...(['bot', 'desk', 'center'] as const).map((c) => ['referralVia', c] as const),
      ...(['initial', 'review'] as const).map((c) => ['meetingKind', c] as const),
    ].filter(([group, code]) => label(group, code) === UNKNOWN_LABEL);
    expect(missing).toEqual([]);
  });
});
