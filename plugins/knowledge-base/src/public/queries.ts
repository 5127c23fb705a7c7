/**
 * What anonymous visitors may read: published, public articles of one center, each in the
 * visitor's locale or else in the center's default locale. Every query here runs inside the
 * center's workspace transaction (RLS) and also names the center and those two conditions, so a
 * draft, an archived or an internal article can never reach a public page, sitemap or list.
 */
import { categoryView, type CategoryView } from '../categories.js';
import { iso, textArray, type Sql } from '../db.js';
import type { ArticleLink } from './render.js';

export interface PublicScope {
  centerId: string;
  locale: string;
  defaultLocale: string;
}

const PUBLIC = `a.status = 'published' and a.visibility = 'public'`;

/** Articles in the locale, or in the default locale where they lack one. */
export async function publicArticles(
  sql: Sql,
  scope: PublicScope,
  filter: { where?: string; params?: unknown[]; limit: number; order?: string },
): Promise<(ArticleLink & { id: string; categoryId: string | null; updatedAt: string })[]> {
  const rows = await sql(
    `select a.id, a.category_id, coalesce(w.locale, d.locale) as locale,
            coalesce(w.title, d.title) as title, coalesce(w.slug, d.slug) as slug,
            coalesce(w.excerpt, d.excerpt) as excerpt,
            greatest(a.updated_at, coalesce(w.updated_at, d.updated_at)) as updated_at
       from knowledge_base_article a
       left join knowledge_base_translation w on w.article_id = a.id and w.locale = ?
       left join knowledge_base_translation d on d.article_id = a.id and d.locale = ?
      where a.center_id = ? and ${PUBLIC} and (w.id is not null or d.id is not null)
        ${filter.where ? `and ${filter.where}` : ''}
      order by ${filter.order ?? 'a.position, a.published_at desc, a.id'}
      limit ?`,
    [scope.locale, scope.defaultLocale, scope.centerId, ...(filter.params ?? []), filter.limit],
  );
  return rows.map((r) => ({
    id: r.id,
    categoryId: r.category_id ?? null,
    locale: r.locale,
    title: r.title,
    slug: r.slug,
    excerpt: r.excerpt,
    updatedAt: iso(r.updated_at),
  }));
}

export async function publicCategories(sql: Sql, centerId: string): Promise<CategoryView[]> {
  const rows = await sql(
    `select * from knowledge_base_category where center_id = ? order by position, id`,
    [centerId],
  );
  return rows.map(categoryView);
}

export interface PublicArticle {
  id: string;
  categoryId: string | null;
  relatedIds: string[];
  locale: string;
  title: string;
  slug: string;
  bodyHtml: string;
  excerpt: string;
  updatedAt: string;
  translations: { locale: string; slug: string }[];
}

export type ArticleLookup =
  { kind: 'found'; article: PublicArticle } | { kind: 'moved'; slug: string } | { kind: 'missing' };

/**
 * The article whose slug is `slug` in `locale` (or in the default locale when it has no
 * translation in `locale`). A slug of another translation leads to the locale's own slug.
 */
export async function publicArticleBySlug(
  sql: Sql,
  scope: PublicScope,
  slug: string,
): Promise<ArticleLookup> {
  const rows = await sql(
    `select a.id, a.category_id, a.related_ids, t.locale, t.title, t.slug, t.body_html, t.excerpt,
            greatest(a.updated_at, t.updated_at) as updated_at
       from knowledge_base_translation t
       join knowledge_base_article a on a.id = t.article_id
      where t.center_id = ? and t.slug = ? and ${PUBLIC}
        and (t.locale = ? or (t.locale = ? and not exists (
              select 1 from knowledge_base_translation w
               where w.article_id = t.article_id and w.locale = ?)))
      order by (t.locale = ?) desc limit 1`,
    [scope.centerId, slug, scope.locale, scope.defaultLocale, scope.locale, scope.locale],
  );
  const row = rows[0];
  if (!row) {
    const moved = await sql(
      `select w.slug from knowledge_base_translation t
         join knowledge_base_article a on a.id = t.article_id
         join knowledge_base_translation w on w.article_id = t.article_id and w.locale = ?
        where t.center_id = ? and t.slug = ? and ${PUBLIC} limit 1`,
      [scope.locale, scope.centerId, slug],
    );
    return moved[0] ? { kind: 'moved', slug: moved[0].slug } : { kind: 'missing' };
  }
  const translations = await sql(
    `select locale, slug from knowledge_base_translation where article_id = ? order by locale`,
    [row.id],
  );
  return {
    kind: 'found',
    article: {
      id: row.id,
      categoryId: row.category_id ?? null,
      relatedIds: textArray(row.related_ids),
      locale: row.locale,
      title: row.title,
      slug: row.slug,
      bodyHtml: row.body_html,
      excerpt: row.excerpt,
      updatedAt: iso(row.updated_at),
      translations: translations.map((t) => ({ locale: t.locale, slug: t.slug })),
    },
  };
}

/** Chosen related articles first, then others of the same category; public ones only. */
export async function relatedArticles(
  sql: Sql,
  scope: PublicScope,
  article: PublicArticle,
  limit = 5,
): Promise<ArticleLink[]> {
  const chosen = article.relatedIds.length
    ? await publicArticles(sql, scope, {
        where: 'a.id = any(?::uuid[])',
        params: [article.relatedIds],
        limit,
      })
    : [];
  const ordered = article.relatedIds
    .map((id) => chosen.find((a) => a.id === id))
    .filter((a): a is NonNullable<typeof a> => a !== undefined);
  if (ordered.length < limit && article.categoryId) {
    const more = await publicArticles(sql, scope, {
      where: 'a.category_id = ? and a.id <> ? and not (a.id = any(?::uuid[]))',
      params: [article.categoryId, article.id, article.relatedIds],
      limit: limit - ordered.length,
    });
    ordered.push(...more);
  }
  return ordered;
}

/** Every public URL of the center: locale homes, categories and article translations. */
export async function sitemapEntries(
  sql: Sql,
  center: { id: string; locales: string[]; updatedAt: string },
): Promise<{ path: string; lastmod: string; alternates: { locale: string; path: string }[] }[]> {
  const homes = center.locales.map((l) => ({ locale: l, path: `/${l}/` }));
  const entries = homes.map((h) => ({
    path: h.path,
    lastmod: center.updatedAt,
    alternates: homes,
  }));
  const rows = await sql(
    `select t.article_id, t.locale, t.slug, greatest(a.updated_at, t.updated_at) as updated_at
       from knowledge_base_translation t
       join knowledge_base_article a on a.id = t.article_id
      where t.center_id = ? and ${PUBLIC} and t.locale = any(?::text[])
      order by t.article_id, t.locale
      limit 50000`,
    [center.id, center.locales],
  );
  const byArticle = new Map<string, { locale: string; path: string; lastmod: string }[]>();
  for (const r of rows) {
    const list = byArticle.get(r.article_id) ?? [];
    list.push({
      locale: r.locale,
      path: `/${r.locale}/articles/${encodeURIComponent(r.slug)}`,
      lastmod: iso(r.updated_at),
    });
    byArticle.set(r.article_id, list);
  }
  for (const list of byArticle.values()) {
    const alternates = list.map(({ locale, path }) => ({ locale, path }));
    for (const entry of list)
      entries.push({ path: entry.path, lastmod: entry.lastmod, alternates });
  }
  return entries;
}
