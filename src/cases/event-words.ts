// One sentence for an audit event or history line, in plain Japanese: who did what, to whom.
// Staff are named (never a UUID); codes become words (src/staff/labels-people.ts).
import { ACTOR_TYPE_LABELS, CHANNEL_LABELS, LINK_KIND_LABELS, STATUS_LABELS, URGENCY_LABELS, actionLabel } from '../staff/labels-people.js';

type Names = (id: string | null | undefined) => string | null;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The staff ids an event's detail mentions (to resolve their names in one query). */
export function staffIdsIn(detail: unknown): string[] {
  const d = (detail ?? {}) as Record<string, unknown>;
  return ['from', 'to', 'previousAssigneeId', 'assigneeId'].map((k) => d[k]).filter((v): v is string => typeof v === 'string' && UUID.test(v));
}

const statusWord = (s: unknown) => (typeof s === 'string' && s in STATUS_LABELS ? STATUS_LABELS[s as keyof typeof STATUS_LABELS] : null);

/** What happened, e.g. 「担当を田中さんに替えた」「状態を「終了」にした」. */
export function describeEvent(action: string, detail: unknown, names: Names): string {
  const d = (detail ?? {}) as Record<string, unknown>;
  const person = (nameKey: string, idKey: string) => (typeof d[nameKey] === 'string' ? (d[nameKey] as string) : names(d[idKey] as string | undefined));
  switch (action) {
    case 'case.transferred': {
      const to = person('toName', 'to');
      const from = person('fromName', 'from');
      if (to && from) return `担当を${from}さんから${to}さんに替えました`;
      return to ? `担当を${to}さんに替えました` : actionLabel(action);
    }
    case 'case.released': {
      const from = person('fromName', 'from');
      return from ? `${from}さんが担当を手放しました` : actionLabel(action);
    }
    case 'case.status_changed': {
      const to = statusWord(d.to);
      return to ? `状態を「${to}」にしました` : actionLabel(action);
    }
    case 'case.alert':
      return d.urgency === 'emergency' ? '危険のサインを見つけました（緊急）' : '気になるサインを見つけました';
    case 'case.link_added':
    case 'case.link_removed': {
      const kind = d.kind === 'continuation' ? LINK_KIND_LABELS.continuation : LINK_KIND_LABELS.household;
      return action === 'case.link_added' ? `「${kind}」として別の相談とつなぎました` : `「${kind}」のつながりを外しました`;
    }
    case 'desk_contact.recorded': {
      const mode = typeof d.mode === 'string' && d.mode in CHANNEL_LABELS ? CHANNEL_LABELS[d.mode as keyof typeof CHANNEL_LABELS] : '電話・来所・訪問';
      return `${mode}を記録しました`;
    }
    case 'case.assessment_override': {
      const urgency = typeof d.urgency === 'string' && d.urgency in URGENCY_LABELS ? URGENCY_LABELS[d.urgency as keyof typeof URGENCY_LABELS] : null;
      return urgency ? `アセスメントで緊急度を「${urgency}」に変えました` : actionLabel(action);
    }
    default:
      return actionLabel(action);
  }
}

/** Who acted: the staff member's name, else 相談者 / システム. */
export function describeActor(actorType: string, actorName: string | null): string {
  return actorName ?? ACTOR_TYPE_LABELS[actorType] ?? 'システム';
}
