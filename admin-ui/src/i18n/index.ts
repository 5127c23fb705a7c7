/**
 * The UI's texts: one catalogue per language (`en.ts` is the source), looked up by dotted key.
 * `t('queue.selected', { count: 3 })` fills `{count}`; a key with `one`/`other` forms picks by
 * `count` (Intl.PluralRules). A missing key renders as the key itself, so it is easy to spot.
 */
import { en, type Catalogue } from './en';

type Params = Record<string, string | number>;
type Plural = { one: string; other: string };

const catalogues: Record<string, Catalogue> = { en };
let current: Catalogue = en;
let plural = new Intl.PluralRules('en');

/** Switch language (only catalogues that exist; English otherwise). */
export function setLanguage(tag: string): void {
  const base = tag.toLowerCase().split('-')[0] ?? 'en';
  current = catalogues[base] ?? en;
  plural = new Intl.PluralRules(catalogues[base] ? base : 'en');
}

function lookup(key: string): string | Plural | undefined {
  let node: unknown = current;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  if (typeof node === 'string') return node;
  if (node && typeof node === 'object' && 'other' in node) return node as Plural;
  return undefined;
}

export function t(key: string, params: Params = {}): string {
  const entry = lookup(key);
  if (entry === undefined) return key;
  let text: string;
  if (typeof entry === 'string') text = entry;
  else {
    const count = Number(params.count ?? 0);
    text = plural.select(count) === 'one' ? entry.one : entry.other;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}

// Formatters are costly to create (a list of 10,000 rows formats dates on every scroll frame):
// one of each per page.
let dateTimeFormat: Intl.DateTimeFormat | undefined;
let relativeFormat: Intl.RelativeTimeFormat | undefined;

/** Dates and numbers in the user's locale. */
export const formatDateTime = (iso: string | Date): string =>
  (dateTimeFormat ??= new Intl.DateTimeFormat(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  })).format(typeof iso === 'string' ? new Date(iso) : iso);

export function formatRelative(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const rtf = (relativeFormat ??= new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }));
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(seconds, 'second');
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour');
  return rtf.format(Math.round(seconds / 86400), 'day');
}
