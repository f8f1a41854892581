// 電話・来所・訪問: contacts the desk had outside the chat, recorded on this case (who, when,
// how long, what was said). They appear in the person's timeline and count in the statistics.
import { useState } from 'preact/hooks';
import { label } from "../../../../src/labels/index.js";
import { api } from '../../api.js';
import { formatFull } from '../../format.js';
import type { DeskContactView } from '../../types.js';
import { Said, useLoad } from '../../ui/parts.js';
import { DeskContactForm } from '../desk-contact-form.js';

export function DeskContacts({ caseId, canRecord, onRecorded }: { caseId: string; canRecord: boolean; onRecorded: () => void }) {
  const contacts = useLoad(() => api.get<{ deskContacts: DeskContactView[] }>(`/cases/${caseId}/desk-contacts`).then((r) => r.deskContacts), [caseId]);
  const [open, setOpen] = useState(false);
  const list = contacts.data ?? [];
  return (
    <details id="desk-contacts" class="panel" open={open} onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>電話・来所・訪問の記録{list.length ? `（${list.length}件）` : ''}</summary>
      <ul class="desk-contacts">
        {list.map((d) => (
          <li key={d.id}>
            <span class="msg-meta">
              {label('deskContactMode', d.mode)} ・ {formatFull(d.occurredAt)}
              {d.durationMinutes !== null ? ` ・ ${d.durationMinutes}分` : ''} ・ {label('consulterType', d.consulterType, '相手未確認')}
              {d.recordedByName ? <> ・ 記録: <Said>{d.recordedByName}</Said></> : null}
            </span>
            <Said block class="msg-text">
              {d.summary ?? '（内容は削除されました）'}
            </Said>
          </li>
        ))}
        {contacts.data && list.length === 0 && <li class="empty">まだ記録はありません。</li>}
      </ul>
      {canRecord && (
        <DeskContactForm
          submitLabel="この相談に記録する"
          onSubmit={async (body) => {
            await api.post(`/cases/${caseId}/desk-contacts`, body);
            await contacts.reload();
            onRecorded();
          }}
        />
      )}
    </details>
  );
}
