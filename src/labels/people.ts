// Words of the people area (#16): links between cases, timeline entries, desk contacts, and the
// audit actions it records. The wording lives in src/staff/labels-people.ts (written with the
// people API); this module brings it into the one catalogue.
import { LINK_KIND_LABELS, TIMELINE_TITLES } from '../staff/labels-people.js';

export const peopleLabels = {
  linkKind: LINK_KIND_LABELS,
  timelineTitle: TIMELINE_TITLES,
  timelineKind: { message: 'メッセージ', note: 'メモ', assessment: 'アセスメント', handover: 'つなぎ', desk_contact: '電話・来所・訪問', event: 'できごと' },
  deskContactMode: { PHONE: '電話', WALK_IN: '来所', VISIT: '訪問' },
  searchMatch: { number: '相談番号', phone: '電話番号', words: 'ことば' },
  templateLanguage: { ja: '日本語', easy: 'やさしい日本語', en: '英語', zh: '中国語', ko: '韓国語', vi: 'ベトナム語', pt: 'ポルトガル語' },
  peopleAuditAction: {
    'case.reopened': '相談を再開しました（相談者がまた連絡をくれました）',
    'case.continued': '以前の相談につながる新しい相談を開きました',
    'case.closed_after_deletion': 'データ削除により相談を閉じました',
    'case.link_added': '世帯のつながりを登録しました',
    'case.link_removed': '世帯のつながりを外しました',
    'case.read': '会話を既読にしました',
    'person.viewed': '相談者のこれまでの記録を開きました',
    'desk_contact.recorded': '電話・来所・訪問を記録しました',
    'search.performed': '相談を検索しました',
    'report.exported': '集計を書き出しました',
    'analytics.exported': '匿名データを書き出しました',
    'staff.created': 'アカウントを作りました',
    'staff.updated': 'アカウントを変えました',
  },
} as const;
