import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { safetyHotlinesText } from '../cases/intake-labels.js';

const templatesFile = new URL('../../data/reply-templates.yaml', import.meta.url);

export const replyTemplateSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/),
    category: z.string().min(1),
    title: z.string().min(1).max(40),
    text: z.string().min(1).max(5000),
    /** Typed after / in the reply box; defaults to the id. */
    shortcut: z.string().regex(/^[a-z0-9_]{1,30}$/).optional(),
    /** The same template in the other languages the bot speaks (src/staff/reply-templates.ts). */
    translations: z
      .partialRecord(z.enum(['easy', 'en', 'zh', 'ko', 'vi', 'pt']), z.object({ title: z.string().min(1).max(60), text: z.string().min(1).max(5000) }).strict())
      .optional(),
  })
  .strict();
export type ReplyTemplate = z.infer<typeof replyTemplateSchema>;

const fileSchema = z
  .object({ templates: z.array(replyTemplateSchema) })
  .strict()
  .refine((f) => new Set(f.templates.map((t) => t.id)).size === f.templates.length, 'template ids must be unique');

let loading: Promise<ReplyTemplate[]> | undefined;

/** Reply templates (data/reply-templates.yaml) with {hotlines} filled from data/hotlines.yaml. */
export function loadReplyTemplates(): Promise<ReplyTemplate[]> {
  loading ??= (async () => {
    const { templates } = fileSchema.parse(parse(readFileSync(templatesFile, 'utf8')));
    const hotlines = await safetyHotlinesText();
    return templates.map((t) => ({
      ...t,
      text: t.text.replaceAll('{hotlines}', hotlines),
      ...(t.translations
        ? { translations: Object.fromEntries(Object.entries(t.translations).map(([lang, tr]) => [lang, { ...tr, text: tr.text.replaceAll('{hotlines}', hotlines) }])) }
        : {}),
    }));
  })().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
