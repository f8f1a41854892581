import type { ConsulterType } from '../conversation/types.js';

// The consultation-quality markers the council asked for, and a first support stage, derived
// from the intake answers so staff see them before they read a word. They are a starting point:
// the counsellor's assessment overrides any of them (with a reason, in the audit log).

export type Marker<T extends string> = { value: T; from: string[] };

export interface QualityMarkers {
  /** Does the consultation reflect the person's own wish? */
  ownWish: Marker<'reflected' | 'undecided' | 'not_reflected' | 'unknown'>;
  /** Is the household at high risk (8050, violence, money, exhausted family)? */
  householdRisk: Marker<'high' | 'medium' | 'low' | 'unknown'> & { factors: string[] };
  /** Is a doctor, school, agency or supporter already involved? */
  supportConnections: Marker<'connected' | 'past' | 'none' | 'unknown'>;
}

/** MHLW 2010 stages (names to verify); the intake can only suggest the first two. */
export type SupportStage = 'encounter_assessment' | 'individual_support';

type Answers = Record<string, string | null | undefined>;

function ownWish(answers: Answers, consulter: ConsulterType | null): QualityMarkers['ownWish'] {
  const wish = answers.person_wish;
  const aware = answers.person_aware;
  if (consulter === 'self') {
    if (wish === 'wants') return { value: 'reflected', from: ['person_wish'] };
    if (wish === 'undecided') return { value: 'undecided', from: ['person_wish'] };
    if (wish === 'not_now') return { value: 'not_reflected', from: ['person_wish'] };
    // The person wrote themself: their own voice is in the consultation even without an answer.
    return { value: 'reflected', from: ['consulter'] };
  }
  if (wish === 'wants' && aware === 'yes') return { value: 'reflected', from: ['person_wish', 'person_aware'] };
  if (wish === 'wants' || wish === 'undecided') return { value: 'undecided', from: ['person_wish'] };
  if (wish === 'refuses' || aware === 'no') return { value: 'not_reflected', from: [wish === 'refuses' ? 'person_wish' : 'person_aware'] };
  return { value: 'unknown', from: [] };
}

function householdRisk(answers: Answers, signals: string[]): QualityMarkers['householdRisk'] {
  const factors: string[] = [];
  const from: string[] = [];
  const oldest = answers.household_oldest_age;
  if (oldest === '80plus' || oldest === '70s') {
    factors.push('elderly_parents');
    from.push('household_oldest_age');
  }
  const worry = answers.household_worries;
  if (worry && worry !== 'none') {
    factors.push(worry === 'violence' ? 'violence' : worry);
    from.push('household_worries');
  }
  const exhaustion = answers.family_exhaustion;
  if (exhaustion === 'very' || exhaustion === 'limit') {
    factors.push('family_exhaustion');
    from.push('family_exhaustion');
  }
  for (const signal of signals) {
    if (/abuse|violence|domestic|neglect|8050|money|hoarding/.test(signal) && !factors.includes(signal)) {
      factors.push(signal);
      from.push('triage');
    }
  }
  const severe = factors.some((f) => /violence|abuse|neglect/.test(f)) || exhaustion === 'limit' || (factors.includes('elderly_parents') && factors.length > 1);
  const value = severe ? 'high' : factors.length > 0 ? 'medium' : worry === 'none' || oldest === 'under60' ? 'low' : 'unknown';
  return { value, factors, from };
}

function supportConnections(answers: Answers): QualityMarkers['supportConnections'] {
  const connections = answers.connections;
  if (connections === 'yes') return { value: 'connected', from: ['connections'] };
  if (connections === 'past') return { value: 'past', from: ['connections'] };
  if (connections === 'no') return { value: 'none', from: ['connections'] };
  if (answers.assessed === 'yes') return { value: 'connected', from: ['assessed'] };
  return { value: 'unknown', from: [] };
}

export function deriveQualityMarkers(answers: Answers, consulter: ConsulterType | null, signals: string[] = []): QualityMarkers {
  return {
    ownWish: ownWish(answers, consulter),
    householdRisk: householdRisk(answers, signals),
    supportConnections: supportConnections(answers),
  };
}

/**
 * First contact is the 出会い・評価段階; a person who themself wants support and is already
 * connected to a supporter is ready for 個人的支援.
 */
export function deriveSupportStage(markers: QualityMarkers): SupportStage {
  return markers.ownWish.value === 'reflected' && markers.supportConnections.value === 'connected'
    ? 'individual_support'
    : 'encounter_assessment';
}
