// Japanese words for the codes of the people area (#16): channels, desk contacts, links, audit
// actions, report placeholders. A typed record per vocabulary so a missing word is a type error.
// Until the console's shared label catalogue is on main these live here; it includes them.

export const CHANNEL_LABELS = {
  LINE: 'LINE',
  WEB: 'Webチャット',
  PHONE: '電話',
  WALK_IN: '来所',
  VISIT: '訪問',
} as const satisfies Record<'LINE' | 'WEB' | 'PHONE' | 'WALK_IN' | 'VISIT', string>;

export const CONSULTER_LABELS = {
  SELF: '本人',
  FAMILY: '家族',
  AGENCY: '関係機関',
  NEIGHBOUR: '近隣住民',
  UNSURE: 'わからない',
} as const satisfies Record<'SELF' | 'FAMILY' | 'AGENCY' | 'NEIGHBOUR' | 'UNSURE', string>;

export const STATUS_LABELS = {
  INTAKE: '自動の聞き取り中',
  QUEUED: '担当待ち',
  ACTIVE: '対応中',
  WAITING_USER: '相談者の返事待ち',
  INFO_GIVEN: '情報提供済み',
  HANDED_OVER: 'センターへつないだ',
  CLOSED: '終了',
} as const satisfies Record<'INTAKE' | 'QUEUED' | 'ACTIVE' | 'WAITING_USER' | 'INFO_GIVEN' | 'HANDED_OVER' | 'CLOSED', string>;

export const URGENCY_LABELS = { EMERGENCY: '緊急', HIGH: '高', NORMAL: '通常' } as const satisfies Record<'EMERGENCY' | 'HIGH' | 'NORMAL', string>;

export const ROLE_LABELS = {
  COUNSELOR: '相談員',
  SUPERVISOR: 'スーパーバイザー',
  ADMIN: '管理者',
  CENTER: '保健福祉センター職員',
} as const satisfies Record<'COUNSELOR' | 'SUPERVISOR' | 'ADMIN' | 'CENTER', string>;

export const LINK_KIND_LABELS = {
  household: '同じ世帯',
  continuation: '以前の相談',
} as const satisfies Record<'household' | 'continuation', string>;

export const TIMELINE_TITLES = {
  message_user: '相談者のメッセージ',
  message_bot: '自動応答',
  message_staff: '相談員の返信',
  note: 'メモ',
  assessment: 'アセスメント',
  handover: 'センターへのつなぎ',
  handover_acknowledged: 'センターが受け止め',
  desk_contact_PHONE: '電話',
  desk_contact_WALK_IN: '来所',
  desk_contact_VISIT: '訪問',
} as const;

/** What happened, as a sentence's verb phrase (the audit log and a case's history). */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  'case.viewed': '相談を開いた',
  'case.queued': '相談が担当待ちに入った',
  'case.alert': '危険のサインを検知した',
  'case.claimed': '担当した',
  'case.released': '担当を外れた',
  'case.transferred': '担当を替えた',
  'case.status_changed': '状態を変えた',
  'case.assessed': 'アセスメントを記録した',
  'case.assessment_override': 'アセスメントで判定を変えた',
  'case.handed_over': 'センターへつないだ',
  'case.reopened': '相談を再開した（相談者がまた連絡をくれた）',
  'case.continued': '以前の相談につながる新しい相談を開いた',
  'case.closed_after_deletion': 'データ削除により相談を閉じた',
  'case.anonymised': '保存期間を過ぎた内容を消去した',
  'case.link_added': '世帯のつながりを登録した',
  'case.link_removed': '世帯のつながりを外した',
  'case.note_added': 'メモを書いた',
  'case.replied': '返信した',
  'case.read': '会話を既読にした',
  'person.viewed': '相談者のこれまでの記録を開いた',
  'desk_contact.recorded': '電話・来所・訪問を記録した',
  'search.performed': '相談を検索した',
  'handover.viewed': 'つなぎの内容を開いた',
  'handover.printed': 'つなぎの内容を印刷した',
  'handover.acknowledged': 'センターが受け止めた',
  'consent.recorded_from_chat': 'チャットでの同意を記録した',
  'contact.blocked': '相談者がLINEをブロックした',
  'delivery.failed': 'メッセージを届けられなかった',
  'user.data_deleted': '相談者がデータを削除した',
  'audit.viewed': '操作記録を開いた',
  'report.viewed': '集計を開いた',
  'report.exported': '集計を書き出した',
  'analytics.viewed': '分析ダッシュボードを開いた',
  'analytics.exported': '匿名データを書き出した',
  'staff.login': 'ログインした',
  'staff.logout': 'ログアウトした',
  'staff.created': 'アカウントを作った',
  'staff.updated': 'アカウントを変えた',
  'staff.password_changed': 'パスワードを変えた',
  'staff.password_reset': 'パスワードを再発行した',
  'event.dead_letter': '処理できないメッセージを保留にした',
};

/** An action code in words; an unknown code becomes a neutral phrase, never the code itself. */
export function actionLabel(action: string): string {
  return AUDIT_ACTION_LABELS[action] ?? '記録された操作';
}

/** Who acted, when it was not a named staff member. */
export const ACTOR_TYPE_LABELS: Record<string, string> = { staff: '職員', system: 'システム', user: '相談者' };

/** Placeholders in reports: a missing value is 不明, a skipped question 未回答. */
export const REPORT_PLACEHOLDERS = { unknown: '不明', unanswered: '未回答' } as const;
