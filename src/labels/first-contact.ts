// The first contact (#17): where people give up in the intake (the funnel on the dashboard) and
// the outreach tasks a person's request for a meeting or a home visit creates.
export const firstContactLabels = {
  funnelColumn: {
    question: '質問',
    reached: '表示',
    answered: '回答',
    skipped: 'スキップ',
    wrote: '回答の代わりに書いた',
    left: 'ここで止まった',
  },
  funnelText: {
    title: '質問ごとの到達と離脱',
    note: '「ここで止まった」は、その質問が最後に表示されたまま答えのない相談の数です（「このまま届ける」を押した人、まだ続けている人を含みます）。',
    empty: 'この期間に表示された質問はありません。',
  },
  outreachKind: { meeting: '面談の希望', home_visit: '訪問の希望' },
  funnelFlow: {
    intake: 'はじめ',
    self: '本人',
    family: '家族',
    agency: '関係機関',
    neighbour: '近隣の方',
    unsure: 'まだわからない',
    closing: '最後の確認',
  },
} as const;
