// What is left of a case's structured records once the words are gone (a person's deletion
// request, or the retention period): the coded, countable fields only. Shared by
// data-deletion.ts and retention.ts so both keep and drop the same things.

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const CODE = /^[A-Za-z0-9_-]{1,40}$/;

/** Only values that are codes from the flow files (a choice value), never typed text. */
function codesOnly(answers: unknown): Record<string, string | null> {
  if (!isObject(answers)) return {};
  const out: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(answers)) {
    if (value === null || (typeof value === 'string' && CODE.test(value))) out[key] = value;
  }
  return out;
}

/** Case.summary (the intake's hand-off): who is writing, language, coded answers, consents — no free text. */
export function codedCaseSummary(summary: unknown, marker: Json): Json {
  const s = isObject(summary) ? summary : {};
  return {
    ...(typeof s.consulterType === 'string' ? { consulterType: s.consulterType } : {}),
    ...(typeof s.language === 'string' ? { language: s.language } : {}),
    answers: codesOnly(s.answers),
    ...(isObject(s.consents) ? { consents: s.consents } : {}),
    ...(typeof s.dataDeletedAt === 'string' ? { dataDeletedAt: s.dataDeletedAt } : {}),
    ...marker,
  };
}

/** Case.assessment: the coded judgements stay; notes, the 見立て and any reason go. */
export function codedAssessment(assessment: unknown): Json | null {
  if (!isObject(assessment)) return null;
  const out: Json = {};
  for (const [key, value] of Object.entries(assessment)) {
    if (key === 'summary' || key === 'overrideReason') continue;
    out[key] = isObject(value) ? Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'note')) : value;
  }
  return out;
}

/** Handover.summary: where, when, on what basis and the coded picture; no desk note, no words. */
export function codedHandoverSummary(summary: unknown, marker: Json): Json {
  const s = isObject(summary) ? summary : {};
  const keep = ['version', 'center', 'caseRef', 'channel', 'consulterType', 'language', 'urgency', 'stage', 'signals', 'quality', 'basis', 'handedOverAt', 'firstContactAt'];
  const out: Json = Object.fromEntries(keep.filter((k) => k in s).map((k) => [k, s[k]]));
  if (Array.isArray(s.intake)) {
    out.intake = s.intake
      .filter(isObject)
      .filter((a) => typeof a.value === 'string' && CODE.test(a.value))
      .map((a) => ({ key: a.key, label: a.label, value: a.value, valueLabel: a.valueLabel }));
  }
  if (isObject(s.consent)) out.consent = { granted: s.consent.granted, at: s.consent.at, wordingVersion: s.consent.wordingVersion };
  if (isObject(s.assessment)) out.assessment = codedAssessment(s.assessment);
  return { ...out, ...marker };
}
