import { z } from 'zod';

/** An outreach task: the person asked for a meeting or a home visit (速やかにアウトリーチ). */
export const outreachTaskView = z.object({
  reminderId: z.string().uuid(),
  caseId: z.string().uuid(),
  /** meeting | home_visit */
  kind: z.string(),
  kindLabel: z.string(),
  requestedAt: z.string(),
  dueAt: z.string(),
  overdue: z.boolean(),
  caseStatus: z.string(),
  urgency: z.enum(['EMERGENCY', 'HIGH', 'NORMAL']),
});
export type OutreachTaskView = z.infer<typeof outreachTaskView>;

export const outreachListResponse = z.object({ tasks: z.array(outreachTaskView) });
