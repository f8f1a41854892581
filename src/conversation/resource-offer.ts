// Offering what the desk has (data/resources.yaml) inside the conversation: a family that asks
// for information sees family classes and groups at once, not only "a counsellor will reply".
// Pure: the entries come in through the context (loaded by the pipeline), rendered here.
import type { Turn } from './turn.js';
import type { ConsulterType, Language, ResourceGuide, ResourceGuideEntry } from './types.js';

export type { ResourceGuide, ResourceGuideEntry };

const AUDIENCE_OF: Record<ConsulterType, string> = { self: 'self', family: 'family', agency: 'agency', neighbour: 'neighbour', unsure: 'self' };

/** After an answer: shows the matching entries and records that they were offered (a referral by the bot). */
export function offerResources(t: Turn, key: string, value: string): void {
  const guide = t.ctx.resources;
  const consulter = t.state.consulterType;
  if (!guide || !consulter) return;
  const offer = guide.offers.find((o) => o.answerKey === key && o.values.includes(value) && o.consulter.includes(consulter));
  if (!offer) return;
  const audience = AUDIENCE_OF[consulter];
  // Entries in the order of the offer's kinds (family classes before agencies), then the data's order.
  const entries = offer.kinds
    .flatMap((kind) => guide.entries.filter((e) => e.kind === kind && e.for.includes(audience)))
    .slice(0, offer.max);
  if (entries.length === 0) return;
  const lines = entries.map((e) => `・${e.name}\n  ${e.summary}${e.hours ? `\n  ${e.hours}` : ''}${e.phone ? `\n  ☎ ${e.phone}` : ''}\n  ${e.page}`);
  t.messages.push({ type: 'text', text: `${offer.intro[t.state.language] ?? offer.intro.en ?? offer.intro.ja}\n\n${lines.join('\n\n')}` });
  t.effects.push({ type: 'recordReferral', resourceIds: entries.map((e) => e.id) });
}
