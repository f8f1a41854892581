// Reply templates in every language the bot speaks, found by words or by their /shortcut.
// Japanese is the source; a template without a translation into the person's language is
// offered in Japanese (marked as such), so a counsellor is never left with nothing.
import { loadReplyTemplates, type ReplyTemplate } from './templates.js';
import { foldForSearch } from '../cases/search.js';

export const REPLY_LANGUAGES = ['ja', 'easy', 'en', 'zh', 'ko', 'vi', 'pt'] as const;
export type ReplyLanguage = (typeof REPLY_LANGUAGES)[number];

export interface ReplyTemplateView {
  id: string;
  shortcut: string;
  category: string;
  title: string;
  language: ReplyLanguage;
  text: string;
  languages: ReplyLanguage[];
}

function inLanguage(t: ReplyTemplate, language: ReplyLanguage): ReplyTemplateView {
  const languages: ReplyLanguage[] = ['ja', ...REPLY_LANGUAGES.filter((l) => l !== 'ja' && t.translations?.[l as Exclude<ReplyLanguage, 'ja'>])];
  const tr = language === 'ja' ? undefined : t.translations?.[language];
  return {
    id: t.id,
    shortcut: t.shortcut ?? t.id,
    category: t.category,
    title: tr?.title ?? t.title,
    language: tr ? language : 'ja',
    text: tr?.text ?? t.text,
    languages,
  };
}

/** Templates in `language` (Japanese where missing), filtered by `q`: a leading / matches shortcuts first. */
export async function findReplyTemplates(options: { q?: string | undefined; language?: ReplyLanguage | undefined }): Promise<ReplyTemplateView[]> {
  const all = (await loadReplyTemplates()).map((t) => ({ source: t, view: inLanguage(t, options.language ?? 'ja') }));
  const raw = (options.q ?? '').trim();
  if (!raw) return all.map((a) => a.view);
  const shortcutOnly = raw.startsWith('/') || raw.startsWith('／');
  const needle = foldForSearch(shortcutOnly ? raw.slice(1) : raw).trim();
  if (!needle) return all.map((a) => a.view);
  const scored = all
    .map(({ source, view }) => {
      const shortcut = foldForSearch(view.shortcut);
      if (shortcut.startsWith(needle) || view.id.startsWith(needle)) return { view, score: 0 };
      if (shortcutOnly && !shortcut.includes(needle) && !view.id.includes(needle)) return null;
      const titles = [view.title, source.title, view.category].map(foldForSearch);
      if (titles.some((t) => t.includes(needle))) return { view, score: 1 };
      if (shortcutOnly) return { view, score: 2 };
      if (foldForSearch(view.text).includes(needle) || foldForSearch(source.text).includes(needle)) return { view, score: 3 };
      return null;
    })
    .filter((x): x is { view: ReplyTemplateView; score: number } => x !== null);
  return scored.sort((a, b) => a.score - b.score).map((s) => s.view);
}
