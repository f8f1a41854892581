// Labels of the people area (#16): links between cases, the person timeline, report placeholders.
// Channels (PHONE, WALK_IN, VISIT), statuses and audit actions are in the shared groups.
export const peopleLabels = {
  linkKind: { household: '同じ世帯', continuation: '以前の相談' },
  timelineTitle: {
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
  },
  reportPlaceholder: { unknown: '不明', unanswered: '未回答' },
} as const;
