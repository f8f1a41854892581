// Rendering and matching of texts: picking a language, filling {placeholders}, keeping within
// LINE's limits, and normalising what users type so commands and labels match loosely.
import type { FlowCatalog, LocalizedText, MessageKey } from '../flows/schema.js';
import type { ConversationContext, Language } from './types.js';

/** LINE counts text length in UTF-16 code units (an emoji may count 2). */
export const LINE_LIMITS = {
  textLength: 5000,
  labelLength: 20,
  dataLength: 300,
  choicesPerMessage: 13,
  messagesPerReply: 5,
} as const;

const FALLBACK_ORDER: Record<Language, Language[]> = {
  ja: ['ja', 'easy', 'en'],
  easy: ['easy', 'ja', 'en'],
  en: ['en', 'ja', 'easy'],
};

/** The text in `lang`; a missing translation falls back (the linter reports it) rather than failing. */
export function localize(text: LocalizedText | undefined, lang: Language): string {
  if (!text) return '';
  for (const l of FALLBACK_ORDER[lang]) {
    const t = text[l];
    if (t !== undefined && t.trim() !== '') return t;
  }
  return '';
}

export type TemplateVars = Record<string, string>;

export const PLACEHOLDER_PATTERN = /\{([a-z_]+)\}/g;

/** Replaces `{name}` with vars[name]; unknown placeholders are left visible for the linter to find. */
export function fillTemplate(text: string, vars: TemplateVars): string {
  return text.replace(PLACEHOLDER_PATTERN, (whole, name: string) => vars[name] ?? whole);
}

/** Cuts to at most `max` UTF-16 units without splitting a surrogate pair. */
export function clampUtf16(text: string, max: number, ellipsis = '…'): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - ellipsis.length);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end) + ellipsis;
}

/** Text rendering bound to one catalog, one language and one moment. */
export class Renderer {
  constructor(
    readonly catalog: FlowCatalog,
    readonly ctx: ConversationContext,
    readonly lang: Language,
  ) {}

  msg(key: MessageKey, extra: TemplateVars = {}): string {
    return this.fill(localize(this.catalog.messages[key], this.lang), extra);
  }

  fill(text: string, extra: TemplateVars = {}): string {
    const needs = (name: string) => text.includes(`{${name}}`);
    const vars: TemplateVars = { ...extra };
    if (needs('reply_time') && vars.reply_time === undefined) vars.reply_time = this.replyTime();
    if (needs('hotlines') && vars.hotlines === undefined) vars.hotlines = this.hotlines();
    return fillTemplate(text, vars).trim();
  }

  /** When staff will answer: now, at the next opening (after hours), or "during desk hours". */
  replyTime(): string {
    const { desk } = this.ctx;
    if (desk.open) return this.msg('reply_time_open');
    const next = desk.nextOpening ? localize(desk.nextOpening, this.lang) : '';
    return next ? this.msg('reply_time_closed', { next_opening: next }) : this.msg('reply_time_unknown');
  }

  /** The crisis lines meant for the safety message, one per line. */
  hotlines(): string {
    const line = localize(this.catalog.messages.hotline_line, this.lang);
    return this.catalog.hotlines
      .filter((h) => h.safety && h.number)
      .map((h) =>
        fillTemplate(line, {
          name: localize(h.name, this.lang),
          number: h.number ?? '',
          hours: localize(h.hours, this.lang),
        }),
      )
      .join('\n');
  }
}

// ----- matching what people type -----

const EDGE_PUNCTUATION = /^[\p{P}\p{S}\s]+|[\p{P}\p{S}\s]+$/gu;

/**
 * A loose form for comparing typed words with command words and labels: NFKC (full-width and
 * half-width kana unify), lower case, katakana folded to hiragana, spaces removed, punctuation
 * and symbols trimmed at both ends.
 */
export function normalizeForMatch(text: string): string {
  const nfkc = text.normalize('NFKC').toLowerCase().replace(/\s+/gu, '');
  const trimmed = nfkc.replace(EDGE_PUNCTUATION, '');
  let out = '';
  for (const ch of trimmed) {
    const code = ch.codePointAt(0) ?? 0;
    out += code >= 0x30a1 && code <= 0x30f6 ? String.fromCodePoint(code - 0x60) : ch;
  }
  return out;
}

/** The normalised text and its variants without one polite ending ("…です", "…ください"). */
export function matchCandidates(text: string, politeEndings: readonly string[]): string[] {
  const base = normalizeForMatch(text);
  if (!base) return [];
  const out = [base];
  for (const ending of politeEndings) {
    const e = normalizeForMatch(ending);
    if (e && base.length > e.length && base.endsWith(e)) out.push(base.slice(0, -e.length));
    if (e && base.length > e.length && base.startsWith(e)) out.push(base.slice(e.length));
  }
  return out;
}
