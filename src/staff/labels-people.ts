// The people area's view of the shared label catalogue (src/labels/): typed records for the
// services of this area (timeline titles, link kinds, report placeholders) and actionLabel.
import { label, labels, UNKNOWN_LABEL } from '../labels/index.js';

export const CHANNEL_LABELS = labels.channel;
export const STATUS_LABELS = labels.status;
export const URGENCY_LABELS = labels.urgency;
export const LINK_KIND_LABELS = labels.linkKind;
export const TIMELINE_TITLES = labels.timelineTitle;
export const REPORT_PLACEHOLDERS = labels.reportPlaceholder;
export const ACTOR_TYPE_LABELS: Record<string, string> = labels.actorType;

/** An audit action in words; an unknown code becomes a neutral phrase, never the code itself. */
export function actionLabel(action: string): string {
  const words = label('auditAction', action);
  return words === UNKNOWN_LABEL ? '記録された操作' : words;
}
