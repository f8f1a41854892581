// 電話・来所を記録: a phone call, a walk-in or a visit that starts a new case, held by the
// counsellor who records it.
import { api } from '../api.js';
import type { RouteProps } from '../routes.js';
import { navigate } from '../router.js';
import type { DeskContactResponse } from '../types.js';
import { Link } from '../ui/parts.js';
import { DeskContactForm } from './desk-contact-form.js';

export function NewDeskContactView({ location }: RouteProps) {
  const samePersonAs = location.query.get('samePersonAs');
  return (
    <section id="new-desk-contact" class="tab-panel narrow-panel" aria-labelledby="new-desk-contact-title">
      <Link href="/staff/queue" class="back-link always">
        ← 相談一覧に戻る
      </Link>
      <h2 id="new-desk-contact-title">電話・来所・訪問を新しい相談として記録</h2>
      <p class="hint">記録すると新しい相談ができ、あなたが担当になります。すでにある相談のことなら、その相談の画面で記録してください。</p>
      <DeskContactForm
        idPrefix="new-dc"
        submitLabel="記録して相談を開く"
        onSubmit={async (body) => {
          const created = await api.post<DeskContactResponse>('/desk-contacts', { ...body, ...(samePersonAs ? { samePersonAsCaseId: samePersonAs } : {}) });
          navigate(`/staff/cases/${created.case.id}`);
        }}
      />
    </section>
  );
}
