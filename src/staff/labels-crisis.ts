// Japanese labels of the crisis area, for notifications, pages and the console (code → label).
// Kept here until the shared label catalogue lands; it can include this record as it is.
import type { DangerKind } from '../conversation/types.js';
import { caseLabels } from '../labels/cases.js';

export const DANGER_KIND_LABELS: Record<DangerKind, string> = {
  suicide: '自殺の危険',
  self_harm: '自傷',
  medical: '体の緊急（過量服薬・けが・意識など）',
  violence: '暴力',
  child_abuse: '子どもへの虐待',
  dv: 'DV（配偶者・パートナーからの暴力）',
  elder_abuse: '高齢者への虐待',
  harm_to_others: '他の人への危害',
};

export const CONSULTER_LABELS: Record<'SELF' | 'FAMILY' | 'AGENCY' | 'NEIGHBOUR' | 'UNSURE', string> = {
  SELF: '本人',
  FAMILY: '家族',
  AGENCY: '関係機関',
  NEIGHBOUR: '近隣住民',
  UNSURE: '立場未確認',
};

/** Every channel a case comes in by, from the one catalogue (chat, phone, walk-in, visit). */
export const CHANNEL_LABELS = caseLabels.channel;

/** The case number staff read and say aloud: the first eight characters of its id (as the console shows). */
export function caseNumber(caseId: string): string {
  return `#${caseId.slice(0, 8)}`;
}

export const ONCALL_LABELS = {
  pageSubject: '【よりそい・緊急】当番の呼び出し',
  pageAck: '受け取ったら、このリンクを開いて「受け取りました」を押してください（1回だけ使えます）',
  pageConsole: 'コンソールで相談を開く',
  noContent: '（この連絡に相談の内容は含まれていません。コンソールで確認してください。）',
  ackTitle: '呼び出しの受け取り',
  ackButton: '受け取りました',
  ackDone: '受け取りを記録しました。ほかの当番への呼び出しは止まります。相談を確認してください。',
  ackAlready: 'この呼び出しは、すでに受け取りが記録されています。',
  ackInvalid: 'このリンクは使えません（期限切れか、正しくないリンクです）。',
} as const;
