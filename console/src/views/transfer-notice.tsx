// 担当の引き継ぎのお知らせ: when a colleague transfers a case to me while I am logged in, say
// so at once, with a link. (The server's notifications, when they carry transfers, appear in
// お知らせ as well; this notice needs nothing but the live stream.)
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { useLive } from '../live.js';
import type { CaseCard } from '../types.js';
import { Link } from '../ui/parts.js';

export function TransferNotice() {
  const [notices, setNotices] = useState<{ caseId: string; number: number }[]>([]);
  useLive({
    case: (event) => {
      if (event.change !== 'transferred') return;
      void api
        .get<{ cases: CaseCard[] }>('/cases?status=all&mine=true&limit=500')
        .then(({ cases }) => {
          const mine = cases.find((c) => c.id === event.caseId);
          if (mine) setNotices((list) => (list.some((n) => n.caseId === mine.id) ? list : [...list, { caseId: mine.id, number: mine.number }]));
        })
        .catch(() => {});
    },
  });
  if (notices.length === 0) return null;
  return (
    <div id="transfer-notices" class="transfer-notices" role="alert">
      {notices.map((n) => (
        <p key={n.caseId} class="notice transfer-notice">
          相談 #{n.number} の担当があなたに替わりました。{' '}
          <Link href={`/staff/cases/${n.caseId}`} onClick={() => setNotices((list) => list.filter((x) => x.caseId !== n.caseId))}>
            開く
          </Link>{' '}
          <button type="button" class="link-button" onClick={() => setNotices((list) => list.filter((x) => x.caseId !== n.caseId))}>
            閉じる
          </button>
        </p>
      ))}
    </div>
  );
}
