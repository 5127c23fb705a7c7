/**
 * Article search on PostgreSQL: full-text search per locale (the translation's own text-search
 * configuration, accents folded when `unaccent` is installed) plus pg_trgm word similarity on
 * titles, so a misspelled title word still finds the article. Ranking: a match in the title
 * (weight A of the vector) always ranks above body-only matches; then `ts_rank`, then title
 * similarity. Snippets are `ts_headline` fragments of the body with `<mark>` around matches.
 *
 * Translations missing in the requested locale fall back to the center's default locale.
 * `audience: 'public'` sees only public, published articles; `'agents'` also internal ones.
 *
 * The same provider pattern as the core's search (`search.resolveProvider`): an engine plugin
 * taps `knowledge-base:resolveSearchProvider` and returns its own `ArticleSearchProvider`
 * (it may wrap this one, passed as `fallback`); the hook is asked once, at the first search.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlFor } from './db.js';
import { regconfigFor } from './locales.js';

export interface ArticleSearchQuery {
  workspaceId: string;
  centerId: string;
  locale: string;
  defaultLocale: string;
  q: string;
  audience: 'public' | 'agents';
  limit: number;
}

export interface ArticleSearchHit {
  articleId: string;
  locale: string;
  title: string;
  slug: string;
  excerpt: string;
  /** HTML: the text escaped, matches wrapped in `<mark>`. */
  snippet: string;
  score: number;
}

/** The provider contract an engine plugin implements (the shape of the core's `SearchProvider`). */
export interface ArticleSearchProvider {
  /** Shown in logs: `postgres`, `meilisearch`, … */
  readonly id: string;
  /** `em` is the center's workspace transaction (RLS applies). */
  search(query: ArticleSearchQuery, ctx: { em: EntityManager }): Promise<ArticleSearchHit[]>;
}

const START = '\u0002';
const STOP = '\u0003';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`,
  );

/** `ts_headline` output (plain text with markers) → safe HTML with `<mark>`. */
export function markSnippet(raw: string): string {
  // eslint-disable-next-line no-control-regex -- strips control characters the markers could collide with
  return escapeHtml(raw.replace(/[\u0000-\u0001\u0004-\u0008]/g, ''))
    .split(START)
    .join('<mark>')
    .split(STOP)
    .join('</mark>');
}

export function postgresArticleSearch(options: { unaccent: () => boolean }): ArticleSearchProvider {
  return {
    id: 'postgres',
    async search(query, { em }) {
      const q = query.q.trim().slice(0, 200);
      if (!q) return [];
      const fold = options.unaccent() ? (x: string) => `unaccent(${x})` : (x: string) => x;
      const wanted = regconfigFor(query.locale);
      const fallback = regconfigFor(query.defaultLocale);
      const visibility = query.audience === 'public' ? ['public'] : ['public', 'internal'];
      const sql = sqlFor(em);
      // Index-friendly: word_similarity via `<%` (GIN trigram index) with a threshold for this
      // transaction only.
      await sql(`select set_config('pg_trgm.word_similarity_threshold', '0.45', true)`);
      // Written so that the planner can combine the GIN indexes (full-text vector, title
      // trigrams) in a BitmapOr: each condition compares a column with a constant query.
      const tsq = (config: string) => `websearch_to_tsquery('${config}'::regconfig, ${fold('?')})`;
      const matches = (config: string) =>
        `(t.search_vector @@ ${tsq(config)} or lower(?) <% lower(t.title))`;
      const fallbackArm =
        query.locale === query.defaultLocale
          ? ''
          : `or (t.locale = ? and ${matches(fallback)} and not exists (
               select 1 from knowledge_base_translation w
                where w.article_id = t.article_id and w.locale = ?))`;
      const params: unknown[] = [
        q,
        q,
        q,
        query.locale,
        query.workspaceId,
        query.centerId,
        visibility,
        query.locale,
        q,
        q,
        ...(fallbackArm ? [query.defaultLocale, q, q, query.locale] : []),
        query.limit,
      ];
      const rows = await sql(
        `with top as (
           select t.id, m.tsq,
                  (case when ts_filter(t.search_vector, '{a}') @@ m.tsq then 2 else 0 end)
                    + ts_rank(t.search_vector, m.tsq)
                    + word_similarity(lower(?), lower(t.title)) as score
             from knowledge_base_translation t
             join knowledge_base_article a on a.id = t.article_id and a.workspace_id = t.workspace_id
             cross join (select ${tsq(wanted)} as wanted, ${tsq(fallback)} as fallback) query
             cross join lateral (
               select case when t.locale = ? then query.wanted else query.fallback end as tsq) m
            where t.workspace_id = ? and t.center_id = ?
              and a.status = 'published' and a.visibility = any(?::text[])
              and ((t.locale = ? and ${matches(wanted)}) ${fallbackArm})
            order by score desc, t.article_id
            limit ?)
         -- Snippets only for the page of hits: ts_headline is the costly part.
         select t.article_id, t.locale, t.title, t.slug, t.excerpt, top.score,
                ts_headline(t.search_config::regconfig, t.body_text, top.tsq,
                  'StartSel=${START}, StopSel=${STOP}, MaxFragments=2, MaxWords=24, MinWords=8, FragmentDelimiter=" … "') as snippet
           from top join knowledge_base_translation t on t.id = top.id
          order by top.score desc, t.article_id`,
        params,
      );
      return rows.map((row) => ({
        articleId: row.article_id,
        locale: row.locale,
        title: row.title,
        slug: row.slug,
        excerpt: row.excerpt,
        snippet: markSnippet(row.snippet ?? ''),
        score: Number(row.score),
      }));
    },
  };
}
