// Japanese labels of the crisis area (#15): kinds of danger (alerts, pages, the console), and the
// words of an on-call page and of its acknowledgement page.

export const crisisLabels = {
  dangerKind: {
    suicide: '自殺の危険',
    self_harm: '自傷',
    medical: '体の緊急（過量服薬・けが・意識など）',
    violence: '暴力',
    child_abuse: '子どもへの虐待',
    dv: 'DV（配偶者・パートナーからの暴力）',
    elder_abuse: '高齢者への虐待',
    harm_to_others: '他の人への危害',
  },
  onCall: {
    pageSubject: '【よりそい・緊急】当番の呼び出し',
    pageAck: '受け取ったら、このリンクを開いて「受け取りました」を押してください（1回だけ使えます）',
    pageEscalated: '（前の当番が受け取っていないため、あなたに連絡しています）',
    pageConsole: 'コンソールで相談を開く',
    noContent: '（この連絡に相談の内容は含まれていません。コンソールで確認してください。）',
    ackTitle: '呼び出しの受け取り',
    ackButton: '受け取りました',
    ackDone: '受け取りを記録しました。ほかの当番への呼び出しは止まります。相談を確認してください。',
    ackAlready: 'この呼び出しは、すでに受け取りが記録されています。',
    ackInvalid: 'このリンクは使えません（期限切れか、正しくないリンクです）。',
  },
} as const;

/** The case number staff read, say aloud and search by (Case.number, shown as #123 everywhere). */
export function caseNumber(number: number): string {
  return `#${number}`;
}
