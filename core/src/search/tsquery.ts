/**
 * What the user typed, as a PostgreSQL text-search query over the `simple` configuration (the
 * one the GIN indexes use). Web-search syntax (`websearch_to_tsquery`: words, `"phrases"`,
 * `-excluded`, `or`) never fails on odd input; the last word, when it is a plain word of three
 * or more characters still being typed, also matches as a prefix (`printe` finds `printer`).
 *
 * Returns a SQL expression with knex `?` placeholders and its parameters.
 */
export interface TsQuerySql {
  text: string;
  params: string[];
}

const PLAIN_WORD = /^[\p{L}\p{N}_]{3,}$/u;

export function tsQuerySql(input: string): TsQuerySql {
  const q = input.trim();
  const words = q.split(/\s+/);
  const last = words[words.length - 1] ?? '';
  const quotes = (q.match(/"/g) ?? []).length;
  const prefix = PLAIN_WORD.test(last) && quotes % 2 === 0 && last.toLowerCase() !== 'or';
  if (!prefix) return { text: `websearch_to_tsquery('simple', ?)`, params: [q] };
  const rest = words.slice(0, -1).join(' ');
  // to_tsquery over a quoted literal: the parser normalizes the word, `:*` makes it a prefix.
  const prefixSql = `to_tsquery('simple', ?)`;
  const prefixParam = `'${last.replace(/'/g, "''")}':*`;
  if (!rest || /^(or|-)$/i.test(rest)) return { text: prefixSql, params: [prefixParam] };
  if (/\s+or$/i.test(rest)) {
    return {
      text: `(websearch_to_tsquery('simple', ?) || ${prefixSql})`,
      params: [rest.replace(/\s+or$/i, ''), prefixParam],
    };
  }
  return {
    text: `(websearch_to_tsquery('simple', ?) && ${prefixSql})`,
    params: [rest, prefixParam],
  };
}
