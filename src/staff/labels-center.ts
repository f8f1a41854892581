// Japanese labels of the center's codes (issue #18), until the shared label catalogue lands:
// the console shows these, never the codes themselves.
import type { ClosureReason, ExchangeKind, GoalProgress, PlanTrack } from '../center/vocabulary.js';
import type { ResourceKind } from '../resources/catalog.js';

export const PLAN_TRACK_LABELS: Record<PlanTrack, string> = {
  person: '本人支援',
  family: '家族支援',
  community: '地域での見守り',
};

export const GOAL_PROGRESS_LABELS: Record<GoalProgress, string> = {
  not_started: 'これから',
  in_progress: '取り組み中',
  achieved: '達成',
  paused: '一時休止',
  discontinued: '取りやめ',
};

export const CLOSURE_REASON_LABELS: Record<ClosureReason, string> = {
  connected_to_service: '継続的な支援・サービスにつながった',
  goals_achieved: '支援計画の目標を達成した',
  own_wish: 'ご本人・ご家族の希望',
  moved: '転居',
  no_contact: '一定の期間、連絡がとれない',
  transferred: '他の機関に引き継いだ',
  other: 'その他',
};

export const EXCHANGE_KIND_LABELS: Record<ExchangeKind, string> = {
  question: '質問',
  answer: '回答',
  update: '経過の共有',
  invitation: '支援調整会議のご案内',
};

export const EXCHANGE_SIDE_LABELS: Record<'desk' | 'center', string> = {
  desk: '相談窓口',
  center: '保健福祉センター',
};

export const MEETING_KIND_LABELS: Record<'initial' | 'review', string> = {
  initial: '支援調整会議（初回）',
  review: '支援調整会議（見直し）',
};

export const GOAL_OWNER_KIND_LABELS: Record<'section' | 'agency', string> = {
  section: 'センターの課',
  agency: '関係機関',
};

export const RESOURCE_KIND_LABELS: Record<ResourceKind, string> = {
  family_class: '家族教室',
  family_group: '家族会',
  ibasho: '居場所',
  art_ibasho: 'アートの居場所',
  learning_support: '子どもの学習支援',
  agency: '専門機関',
  school: '学校・教育相談',
  community: '地域の見守り',
};

export const REFERRAL_VIA_LABELS: Record<'bot' | 'desk' | 'center', string> = {
  bot: 'チャットでの自動案内',
  desk: '相談窓口',
  center: '保健福祉センター',
};

export const CENTER_LABELS = {
  planTrack: PLAN_TRACK_LABELS,
  goalProgress: GOAL_PROGRESS_LABELS,
  closureReason: CLOSURE_REASON_LABELS,
  exchangeKind: EXCHANGE_KIND_LABELS,
  exchangeSide: EXCHANGE_SIDE_LABELS,
  meetingKind: MEETING_KIND_LABELS,
  goalOwnerKind: GOAL_OWNER_KIND_LABELS,
  resourceKind: RESOURCE_KIND_LABELS,
  referralVia: REFERRAL_VIA_LABELS,
} as const;
