/**
 * Locales of help centers and the PostgreSQL text-search configuration used for each language.
 * A locale is a BCP 47 tag (`en`, `en-us`, `pt-br`), stored lower-case. Its language picks the
 * regconfig (`de` → `german`); languages PostgreSQL has no stemmer for use `simple`.
 */
import { z } from 'zod';

export const LocaleSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/, 'expected a locale such as "en" or "pt-br"');

const REGCONFIG: Record<string, string> = {
  ar: 'arabic',
  da: 'danish',
  de: 'german',
  el: 'greek',
  en: 'english',
  es: 'spanish',
  fi: 'finnish',
  fr: 'french',
  hu: 'hungarian',
  id: 'indonesian',
  it: 'italian',
  lt: 'lithuanian',
  nb: 'norwegian',
  ne: 'nepali',
  nl: 'dutch',
  no: 'norwegian',
  pt: 'portuguese',
  ro: 'romanian',
  ru: 'russian',
  sv: 'swedish',
  ta: 'tamil',
  tr: 'turkish',
};

/** The text-search configuration for a locale's language (`simple` when none fits). */
export function regconfigFor(locale: string): string {
  return REGCONFIG[locale.split('-')[0]!] ?? 'simple';
}

/**
 * The best of `supported` for an `Accept-Language` header: exact tag, then language, in the
 * header's order of preference; else `fallback`.
 */
export function negotiateLocale(
  header: string | undefined,
  supported: readonly string[],
  fallback: string,
): string {
  if (!header) return fallback;
  const wanted = header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { tag: tag!.trim(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of wanted) {
    if (supported.includes(tag)) return tag;
    const language = tag.split('-')[0]!;
    const match = supported.find((s) => s === language || s.split('-')[0] === language);
    if (match) return match;
  }
  return fallback;
}
