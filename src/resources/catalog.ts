import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { ResourceGuide } from '../conversation/resource-offer.js';
import { loadCenters } from '../cases/centers.js';

// What the desk can offer (data/resources.yaml): places, classes, groups and agencies. Staff
// search it and quote entries into replies; the bot shows matching entries to a family asking for
// information; support plans name agencies from it as goal owners. It is data, reviewed by the
// desk (`verify`), never an account: an agency in a plan gets no access to anything.

export const RESOURCE_KINDS = ['family_class', 'family_group', 'ibasho', 'art_ibasho', 'learning_support', 'agency', 'school', 'community'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];
export const RESOURCE_AUDIENCES = ['self', 'family', 'agency', 'neighbour'] as const;

const text = z.string().trim().max(400);
const localized = z.object({ ja: z.string().min(1).max(600), en: z.string().min(1).max(600), easy: z.string().min(1).max(600) }).strict();

export const resourceSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, 'lower-case letters, digits and -'),
    name: z.string().trim().min(1).max(80),
    kind: z.enum(RESOURCE_KINDS),
    agencyType: z.string().regex(/^[a-z_]+$/).optional(),
    for: z.array(z.enum(RESOURCE_AUDIENCES)).min(1),
    /** Center codes of the wards served, or `all`. */
    wards: z.array(z.string().min(1)).min(1),
    ages: z.object({ min: z.number().int().min(0).max(120).optional(), max: z.number().int().min(0).max(120).optional() }).strict().optional(),
    summary: text.min(1),
    hours: text,
    contact: z.object({ phone: z.string().regex(/^(|[0-9#][0-9-]{1,14})$/, 'a confirmed public number, or empty'), page: text.min(1) }).strict(),
    verify: z.boolean(),
  })
  .strict();
export type Resource = z.infer<typeof resourceSchema>;

const offerSchema = z
  .object({
    consulter: z.array(z.enum(['self', 'family', 'agency', 'neighbour', 'unsure'])).min(1),
    answerKey: z.string().min(1),
    values: z.array(z.string().min(1)).min(1),
    kinds: z.array(z.enum(RESOURCE_KINDS)).min(1),
    max: z.number().int().min(1).max(5),
    intro: localized,
  })
  .strict();

const fileSchema = z
  .object({ offers: z.array(offerSchema), resources: z.array(resourceSchema).min(1) })
  .strict()
  .superRefine((file, ctx) => {
    const ids = new Set<string>();
    const centers = loadCenters();
    for (const [index, r] of file.resources.entries()) {
      if (ids.has(r.id)) ctx.addIssue({ code: 'custom', path: ['resources', index, 'id'], message: `duplicate id ${r.id}` });
      ids.add(r.id);
      for (const ward of r.wards) {
        if (ward !== 'all' && !centers.find(ward)) ctx.addIssue({ code: 'custom', path: ['resources', index, 'wards'], message: `unknown center code ${ward}` });
      }
    }
  });

export interface ResourceQuery {
  q?: string;
  kind?: ResourceKind;
  /** A center code: entries serving that ward or the whole city. */
  ward?: string;
  audience?: (typeof RESOURCE_AUDIENCES)[number];
  /** The person's age: entries whose age range includes it (or that have none). */
  age?: number;
}

export class ResourceCatalog {
  private readonly byId: Map<string, Resource>;
  constructor(
    readonly resources: Resource[],
    readonly offers: z.infer<typeof offerSchema>[],
  ) {
    this.byId = new Map(resources.map((r) => [r.id, r]));
  }

  find(id: string): Resource | undefined {
    return this.byId.get(id);
  }

  search(query: ResourceQuery): Resource[] {
    const words = (query.q ?? '').normalize('NFKC').toLowerCase().split(/[\s\u3000]+/).filter(Boolean);
    return this.resources.filter((r) => {
      if (query.kind && r.kind !== query.kind) return false;
      if (query.ward && !r.wards.includes('all') && !r.wards.includes(query.ward)) return false;
      if (query.audience && !r.for.includes(query.audience)) return false;
      if (query.age !== undefined && r.ages && ((r.ages.min ?? 0) > query.age || (r.ages.max ?? 200) < query.age)) return false;
      const haystack = `${r.name} ${r.summary} ${r.hours} ${r.kind} ${r.agencyType ?? ''}`.normalize('NFKC').toLowerCase();
      return words.every((w) => haystack.includes(w));
    });
  }

  /** The text a counsellor puts into a reply: short, the official way to reach it, no internal code. */
  quote(resource: Resource): string {
    const lines = [`【${resource.name}】`, resource.summary];
    if (resource.hours) lines.push(`時間: ${resource.hours}`);
    if (resource.contact.phone) lines.push(`電話: ${resource.contact.phone}`);
    lines.push(`くわしくは: ${resource.contact.page}`);
    return lines.join('\n');
  }

  /** What the conversation core needs to offer entries in the chat (pure data, no I/O). */
  guide(): ResourceGuide {
    return {
      offers: this.offers,
      entries: this.resources.map((r) => ({ id: r.id, kind: r.kind, name: r.name, summary: r.summary, hours: r.hours, page: r.contact.page, phone: r.contact.phone, for: r.for })),
    };
  }
}

const resourcesFile = new URL('../../data/resources.yaml', import.meta.url);
let cached: ResourceCatalog | undefined;

export function loadResources(): ResourceCatalog {
  if (cached) return cached;
  const parsed = fileSchema.parse(parse(readFileSync(resourcesFile, 'utf8')));
  cached = new ResourceCatalog(parsed.resources, parsed.offers);
  return cached;
}
