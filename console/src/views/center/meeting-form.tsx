// 支援調整会議の記録: participants, the center's assessment, new goals per track (owner, next step),
// the review of existing goals, and the next review date (it becomes a reminder).
import { useState } from 'preact/hooks';
import { entriesOf, label } from '../../../../src/labels/index.js';
import { api } from '../../api.js';
import { ErrorText, Said, useLoad } from '../../ui/parts.js';
import type { CenterCase, CenterVocabulary, ResourceEntry } from './types.js';

interface GoalDraft {
  track: string;
  ownerKind: 'section' | 'agency';
  ownerCode: string;
  title: string;
  nextStep: string;
}

const today = () => new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);

export function MeetingForm({ view, onSaved }: { view: CenterCase; onSaved: () => Promise<void> }) {
  const vocabulary = useLoad(() => api.get<CenterVocabulary>('/center/vocabulary'), []);
  const resources = useLoad(() => api.get<{ resources: ResourceEntry[] }>('/resources').then((r) => r.resources), []);
  const first = view.meetings.length === 0;
  const [heldOn, setHeldOn] = useState(today());
  const [sections, setSections] = useState<string[]>([]);
  const [agencies, setAgencies] = useState<string[]>([]);
  const [deskAttended, setDeskAttended] = useState(false);
  const [assessment, setAssessment] = useState('');
  const [notes, setNotes] = useState('');
  const [goals, setGoals] = useState<GoalDraft[]>([]);
  const [reviews, setReviews] = useState<Record<string, { progress: string; note: string }>>({});
  const [nextReviewOn, setNextReviewOn] = useState('');
  const [error, setError] = useState('');
  const sectionList = vocabulary.data?.sections ?? [];
  const agencyList = resources.data ?? [];

  const setGoal = (i: number, patch: Partial<GoalDraft>) => setGoals(goals.map((g, j) => (i === j ? { ...g, ...patch } : g)));
  const addGoal = () => setGoals([...goals, { track: 'person', ownerKind: 'section', ownerCode: sectionList[0]?.code ?? '', title: '', nextStep: '' }]);

  const save = async (event: Event) => {
    event.preventDefault();
    setError('');
    try {
      await api.post(`/center/cases/${view.case.id}/meetings`, {
        heldOn,
        participants: { sections, agencies, deskCounselorAttended: deskAttended },
        ...(assessment.trim() ? { assessment: assessment.trim() } : {}),
        ...(notes.trim() ? { notes: notes.trim() } : {}),
        goals: goals.map((g) => ({ track: g.track, ownerKind: g.ownerKind, ownerCode: g.ownerCode, title: g.title.trim(), ...(g.nextStep.trim() ? { nextStep: g.nextStep.trim() } : {}) })),
        reviews: Object.entries(reviews)
          .filter(([, r]) => r.progress)
          .map(([goalId, r]) => ({ goalId, progress: r.progress, ...(r.note.trim() ? { note: r.note.trim() } : {}) })),
        ...(nextReviewOn ? { nextReviewOn } : {}),
      });
      setGoals([]);
      setReviews({});
      setAssessment('');
      setNotes('');
      await onSaved();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <form id="meeting-form" class="panel stack" onSubmit={save} aria-labelledby="meeting-form-title">
      <h3 id="meeting-form-title">{first ? '支援調整会議（初回）を記録する' : '見直しの会議を記録する'}</h3>
      <label for="meeting-date">開いた日</label>
      <input id="meeting-date" type="date" required value={heldOn} onInput={(e) => setHeldOn(e.currentTarget.value)} />
      <CheckList id="meeting-sections" legend="参加したセンターの課" options={sectionList.map((x) => ({ value: x.code, name: x.name }))} chosen={sections} onChange={setSections} />
      <CheckList
        id="meeting-agencies"
        legend="参加した関係機関（計画に入っても、システムを見る権限はありません）"
        options={agencyList.map((r) => ({ value: r.id, name: r.name }))}
        chosen={agencies}
        onChange={setAgencies}
      />
      <label class="inline">
        <input type="checkbox" id="meeting-desk-attended" checked={deskAttended} onChange={(e) => setDeskAttended(e.currentTarget.checked)} />
        つないだ相談員（{view.handover.createdByName ?? '相談窓口'}）が参加した
      </label>
      <label for="meeting-assessment">センターの見立て（窓口のアセスメントをふまえて）</label>
      <textarea id="meeting-assessment" rows={3} maxLength={8000} value={assessment} onInput={(e) => setAssessment(e.currentTarget.value)} />
      <label for="meeting-notes">会議のメモ</label>
      <textarea id="meeting-notes" rows={2} maxLength={8000} value={notes} onInput={(e) => setNotes(e.currentTarget.value)} />

      {view.goals.length > 0 && (
        <fieldset id="meeting-reviews">
          <legend>目標の見直し</legend>
          {view.goals.map((g) => (
            <div key={g.id} class="stack goal-review" data-goal-id={g.id}>
              <span>
                {label('planTrack', g.track)}: <Said>{g.title}</Said>（いま: {label('goalProgress', g.progress)}）
              </span>
              <label class="inline">
                進み具合
                <select class="review-progress" value={reviews[g.id]?.progress ?? ''} onChange={(e) => setReviews({ ...reviews, [g.id]: { progress: e.currentTarget.value, note: reviews[g.id]?.note ?? '' } })}>
                  <option value="">（見直さない）</option>
                  {entriesOf('goalProgress').map(([code, name]) => (
                    <option key={code} value={code}>
                      {name}
                    </option>
                  ))}
                </select>
              </label>
              <label class="inline">
                メモ
                <input type="text" class="review-note" maxLength={1000} value={reviews[g.id]?.note ?? ''} onInput={(e) => setReviews({ ...reviews, [g.id]: { progress: reviews[g.id]?.progress ?? '', note: e.currentTarget.value } })} />
              </label>
            </div>
          ))}
        </fieldset>
      )}

      <fieldset id="meeting-goals">
        <legend>支援計画の新しい目標</legend>
        {goals.map((g, i) => (
          <div key={i} class="stack new-goal card">
            <label class="inline">
              支援の柱
              <select class="goal-track" value={g.track} onChange={(e) => setGoal(i, { track: e.currentTarget.value })}>
                {entriesOf('planTrack').map(([code, name]) => (
                  <option key={code} value={code}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
            <label class="inline">
              担い手
              <select
                class="goal-owner"
                value={`${g.ownerKind}:${g.ownerCode}`}
                onChange={(e) => {
                  const [ownerKind, ownerCode] = e.currentTarget.value.split(':') as ['section' | 'agency', string];
                  setGoal(i, { ownerKind, ownerCode });
                }}
              >
                <optgroup label={label('goalOwnerKind', 'section')}>
                  {sectionList.map((s) => (
                    <option key={s.code} value={`section:${s.code}`}>
                      {s.name}
                    </option>
                  ))}
                </optgroup>
                <optgroup label={label('goalOwnerKind', 'agency')}>
                  {agencyList.map((r) => (
                    <option key={r.id} value={`agency:${r.id}`}>
                      {r.name}
                    </option>
                  ))}
                </optgroup>
              </select>
            </label>
            <label class="inline">
              目標
              <input type="text" class="goal-title" required maxLength={400} value={g.title} onInput={(e) => setGoal(i, { title: e.currentTarget.value })} />
            </label>
            <label class="inline">
              次の一歩
              <input type="text" class="goal-next" maxLength={400} value={g.nextStep} onInput={(e) => setGoal(i, { nextStep: e.currentTarget.value })} />
            </label>
            <button type="button" class="link-button" onClick={() => setGoals(goals.filter((_, j) => j !== i))}>
              この目標を外す
            </button>
          </div>
        ))}
        <button type="button" id="add-goal" onClick={addGoal}>
          目標を追加
        </button>
      </fieldset>
      <label for="meeting-next-review">次の見直しの日（その日にお知らせします）</label>
      <input id="meeting-next-review" type="date" value={nextReviewOn} onInput={(e) => setNextReviewOn(e.currentTarget.value)} />
      <button type="submit" id="meeting-save" class="primary">
        会議を記録する
      </button>
      <ErrorText id="meeting-error" message={error} />
    </form>
  );
}

/** Who took part: one checkbox per option, the chosen values kept in order of choosing. */
function CheckList(props: { id: string; legend: string; options: { value: string; name: string }[]; chosen: string[]; onChange: (chosen: string[]) => void }) {
  const { id, legend, options, chosen, onChange } = props;
  const toggle = (value: string, on: boolean) => onChange(on ? [...new Set([...chosen, value])] : chosen.filter((c) => c !== value));
  return (
    <fieldset id={id}>
      <legend>{legend}</legend>
      <div class="checks">
        {options.map((o) => (
          <label key={o.value} class="inline">
            <input type="checkbox" value={o.value} checked={chosen.includes(o.value)} onChange={(e) => toggle(o.value, e.currentTarget.checked)} />
            {o.name}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
