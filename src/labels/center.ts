// Japanese names of the receiving center's codes (issue #18): plan tracks, goal progress, end
// reasons, desk↔center message kinds, meeting kinds, goal owners, resource kinds, referral routes.
// The codes are defined in src/center/vocabulary.ts and src/resources/catalog.ts.

export const centerLabels = {
  planTrack: { person: '本人支援', family: '家族支援', community: '地域での見守り' },
  goalProgress: { not_started: 'これから', in_progress: '取り組み中', achieved: '達成', paused: '一時休止', discontinued: '取りやめ' },
  closureReason: {
    connected_to_service: '継続的な支援・サービスにつながった',
    goals_achieved: '支援計画の目標を達成した',
    own_wish: 'ご本人・ご家族の希望',
    moved: '転居',
    no_contact: '一定の期間、連絡がとれない',
    transferred: '他の機関に引き継いだ',
    other: 'その他',
  },
  exchangeKind: { question: '質問', answer: '回答', update: '経過の共有', invitation: '支援調整会議のご案内' },
  exchangeSide: { desk: '相談窓口', center: '保健福祉センター' },
  meetingKind: { initial: '支援調整会議（初回）', review: '支援調整会議（見直し）' },
  goalOwnerKind: { section: 'センターの課', agency: '関係機関' },
  resourceKind: {
    family_class: '家族教室',
    family_group: '家族会',
    ibasho: '居場所',
    art_ibasho: 'アートの居場所',
    learning_support: '子どもの学習支援',
    agency: '専門機関',
    school: '学校・教育相談',
    community: '地域の見守り',
  },
  referralVia: { bot: 'チャットでの自動案内', desk: '相談窓口', center: '保健福祉センター' },
  resourceAudience: { self: 'ご本人', family: 'ご家族', agency: '関係機関', neighbour: '近隣の方' },
} as const;
