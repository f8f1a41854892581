// The staff API contract of the receiving center's side and the resources (issue #18).
import { z } from 'zod';
import { keyPersonInputSchema, shareConsentInputSchema } from '../center/center-case.js';
import { closureInputSchema } from '../center/closure.js';
import { exchangeInputSchema } from '../center/exchanges.js';
import { meetingInputSchema } from '../center/meetings.js';
import { referralInputSchema } from '../center/referrals.js';
import { RESOURCE_AUDIENCES, RESOURCE_KINDS } from '../resources/catalog.js';

export {
  closureInputSchema as closureBody,
  exchangeInputSchema as exchangeBody,
  keyPersonInputSchema as keyPersonBody,
  meetingInputSchema as meetingBody,
  referralInputSchema as referralBody,
  shareConsentInputSchema as shareConsentBody,
};

export const centerInboxQuery = z
  .object({
    centerCode: z.string().max(64).optional(),
    closed: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  })
  .strict();

export const centerCaseParams = z.object({ id: z.uuid() }).strict();
/** `print`: the page is about to be printed; audited as an export (center.case_printed). */
export const centerCaseQuery = z.object({ purpose: z.enum(['view', 'print']).default('view') }).strict();

export const resourcesQuery = z
  .object({
    q: z.string().max(100).refine((s) => !s.includes('\u0000') && s.isWellFormed(), 'broken characters').optional(),
    kind: z.enum(RESOURCE_KINDS).optional(),
    ward: z.string().max(64).optional(),
    audience: z.enum(RESOURCE_AUDIENCES).optional(),
    age: z.coerce.number().int().min(0).max(120).optional(),
  })
  .strict();

export const centerLeadBody = z.object({ lead: z.boolean() }).strict();
export const accountIdParams = z.object({ id: z.uuid() }).strict();

export const resourceView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(RESOURCE_KINDS),
  kindLabel: z.string(),
  for: z.array(z.enum(RESOURCE_AUDIENCES)),
  wards: z.array(z.string()),
  ages: z.object({ min: z.number().optional(), max: z.number().optional() }).optional(),
  summary: z.string(),
  hours: z.string(),
  contact: z.object({ phone: z.string(), page: z.string() }),
  verify: z.boolean(),
  /** Ready to paste into a reply to the person. */
  quote: z.string(),
});
