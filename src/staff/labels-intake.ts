// Japanese labels of the intake area for the console (merged into the shared label catalogue
// once it lands).
export const OUTREACH_KIND_LABELS: Record<string, string> = {
  meeting: '面談の希望',
  home_visit: '訪問の希望',
};

export const FUNNEL_LABELS = {
  title: '質問ごとの到達と離脱',
  question: '質問',
  reached: '表示',
  answered: '回答',
  skipped: 'スキップ',
  wrote: '回答の代わりに書いた',
  left: 'ここで止まった',
  note: '「ここで止まった」は、その質問が最後に表示されたまま答えのない相談の数です（「このまま届ける」を押した人と、まだ続けている人を含みます）。',
} as const;
