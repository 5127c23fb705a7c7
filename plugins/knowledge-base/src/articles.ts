/**
 * Articles and their translations. An article (status, visibility, category, tags, related
 * articles) has one translation per locale; saving a translation renders and sanitizes its body,
 * refreshes its search vector and appends a revision, so every saved state can be diffed and
 * restored.
 */
import { uuidv7 } from './ids.js';
import { errors } from '@novumdesk/core';
import { iso, isoOrNull, textArray, type Row, type Sql } from './db.js';
import { regconfigFor } from './locales.js';
import { excerptOf, htmlToText, renderBody, type BodyFormat } from './sanitize.js';
import { slugify } from './slug.js';

export type ArticleStatus = 'draft' | 'in_review' | 'published' | 'archived';
export type Visibility = 'public' | 'internal';

export interface TranslationView {
  locale: string;
  title: string;
  slug: string;
  bodyFormat: BodyFormat;
  bodySource: string;
  bodyHtml: string;
  excerpt: string;
  revision: number;
  updatedAt: string;
}

export interface ArticleView {
  id: string;
  centerId: string;
  categoryId: string | null;
  status: ArticleStatus;
  visibility: Visibility;
  authorId: string | null;
  tags: string[];
  position: number;
  relatedIds: string[];
  publishAt: string | null;
  publishedAt: string | null;
  views: number;
  helpful: number;
  notHelpful: number;
  createdAt: string;
  updatedAt: string;
  translations: TranslationView[];
}

export interface TranslationInput {
  title: string;
  slug?: string | undefined;
  body: string;
  bodyFormat: BodyFormat;
  excerpt?: string | undefined;
}

export function translationView(row: Row): TranslationView {
  return {
    locale: row.locale,
    title: row.title,
    slug: row.slug,
    bodyFormat: row.body_format,
    bodySource: row.body_source,
    bodyHtml: row.body_html,
    excerpt: row.excerpt,
    revision: Number(row.revision),
    updatedAt: iso(row.updated_at),
  };
}

export function articleView(row: Row, translations: TranslationView[]): ArticleView {
  return {
    id: row.id,
    centerId: row.center_id,
    categoryId: row.category_id ?? null,
    status: row.status,
    visibility: row.visibility,
    authorId: row.author_id ?? null,
    tags: textArray(row.tags),
    position: Number(row.position),
    relatedIds: textArray(row.related_ids),
    publishAt: isoOrNull(row.publish_at),
    publishedAt: isoOrNull(row.published_at),
    views: Number(row.views),
    helpful: Number(row.helpful),
    notHelpful: Number(row.not_helpful),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    translations,
  };
}

async function translationsOf(sql: Sql, ids: string[]): Promise<Map<string, TranslationView[]>> {
  const byArticle = new Map<string, TranslationView[]>();
  if (ids.length === 0) return byArticle;
  const rows = await sql(
    `select * from knowledge_base_translation where article_id = any(?::uuid[]) order by locale`,
    [ids],
  );
  for (const row of rows) {
    const list = byArticle.get(row.article_id) ?? [];
    list.push(translationView(row));
    byArticle.set(row.article_id, list);
  }
  return byArticle;
}

export async function getArticleRow(sql: Sql, workspaceId: string, id: string): Promise<Row> {
  const rows = await sql(`select * from knowledge_base_article where workspace_id = ? and id = ?`, [
    workspaceId,
    id,
  ]);
  if (!rows[0]) throw errors.notFound('Article', { id });
  return rows[0];
}

export async function getArticle(sql: Sql, workspaceId: string, id: string): Promise<ArticleView> {
  const row = await getArticleRow(sql, workspaceId, id);
  return articleView(row, (await translationsOf(sql, [id])).get(id) ?? []);
}

export interface ArticleFilters {
  centerId?: string | undefined;
  categoryId?: string | undefined;
  status?: ArticleStatus | undefined;
  locale?: string | undefined;
  tag?: string | undefined;
  limit: number;
  cursor?: { updatedAt: string; id: string } | undefined;
}

/** Keyset page, newest change first. */
export async function listArticles(
  sql: Sql,
  workspaceId: string,
  filters: ArticleFilters,
): Promise<{ data: ArticleView[]; next: { updatedAt: string; id: string } | null }> {
  const where = ['a.workspace_id = ?'];
  const params: unknown[] = [workspaceId];
  if (filters.centerId) {
    where.push('a.center_id = ?');
    params.push(filters.centerId);
  }
  if (filters.categoryId) {
    where.push('a.category_id = ?');
    params.push(filters.categoryId);
  }
  if (filters.status) {
    where.push('a.status = ?');
    params.push(filters.status);
  }
  if (filters.tag) {
    where.push('a.tags @> ?::text[]');
    params.push([filters.tag]);
  }
  if (filters.locale) {
    where.push(
      'exists (select 1 from knowledge_base_translation t where t.article_id = a.id and t.locale = ?)',
    );
    params.push(filters.locale);
  }
  if (filters.cursor) {
    where.push('(a.updated_at, a.id) < (?::timestamptz, ?::uuid)');
    params.push(filters.cursor.updatedAt, filters.cursor.id);
  }
  const rows = await sql(
    `select a.* from knowledge_base_article a where ${where.join(' and ')}
      order by a.updated_at desc, a.id desc limit ?`,
    [...params, filters.limit + 1],
  );
  const page = rows.slice(0, filters.limit);
  const translations = await translationsOf(
    sql,
    page.map((r) => r.id as string),
  );
  const last = page.at(-1);
  return {
    data: page.map((row) => articleView(row, translations.get(row.id) ?? [])),
    next:
      rows.length > filters.limit && last ? { updatedAt: iso(last.updated_at), id: last.id } : null,
  };
}

/** A slug for `(center, locale)`: the wanted one, or the title's, with `-2`, `-3`… if taken. */
async function freeSlug(
  sql: Sql,
  centerId: string,
  locale: string,
  wanted: string,
  articleId: string,
): Promise<string> {
  const rows = await sql(
    `select slug from knowledge_base_translation
      where center_id = ? and locale = ? and article_id <> ? and (slug = ? or slug like ?)`,
    [centerId, locale, articleId, wanted, `${wanted}-%`],
  );
  const taken = new Set(rows.map((r) => r.slug as string));
  if (!taken.has(wanted)) return wanted;
  for (let n = 2; ; n++) if (!taken.has(`${wanted}-${n}`)) return `${wanted}-${n}`;
}

/** Recomputes the translation's search vector (title weight A, body B) in its language. */
async function refreshSearchVector(sql: Sql, id: string, unaccent: boolean): Promise<void> {
  const fold = (column: string) => (unaccent ? `unaccent(${column})` : column);
  await sql(
    `update knowledge_base_translation set search_vector =
       setweight(to_tsvector(search_config::regconfig, ${fold('title')}), 'A') ||
       setweight(to_tsvector(search_config::regconfig, ${fold('excerpt')}), 'B') ||
       setweight(to_tsvector(search_config::regconfig, ${fold('body_text')}), 'C')
     where id = ?`,
    [id],
  );
}

/**
 * Creates or replaces the `locale` translation and appends a revision. With `strictSlug`, a
 * slug the caller chose that is taken is a 409 rather than a renamed slug.
 */
export async function saveTranslation(
  sql: Sql,
  ctx: { workspaceId: string; userId: string | null; unaccent: boolean; now: Date },
  article: { id: string; centerId: string },
  locale: string,
  input: TranslationInput,
): Promise<TranslationView> {
  const bodyHtml = renderBody(input.body, input.bodyFormat);
  const bodyText = htmlToText(bodyHtml);
  const excerpt = input.excerpt?.trim() || excerptOf(bodyText);
  const wanted = input.slug ?? slugify(input.title);
  const slug = await freeSlug(sql, article.centerId, locale, wanted, article.id);
  if (input.slug && slug !== input.slug) {
    throw errors.conflict('article_slug_taken', `The slug "${input.slug}" is taken in ${locale}`, {
      slug: input.slug,
      locale,
    });
  }
  const rows = await sql(
    `insert into knowledge_base_translation (id, workspace_id, article_id, center_id, locale, title,
       slug, body_format, body_source, body_html, body_text, excerpt, search_config, revision,
       created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
     on conflict (article_id, locale) do update set title = excluded.title, slug = excluded.slug,
       body_format = excluded.body_format, body_source = excluded.body_source,
       body_html = excluded.body_html, body_text = excluded.body_text, excerpt = excluded.excerpt,
       search_config = excluded.search_config,
       revision = knowledge_base_translation.revision + 1, updated_at = excluded.updated_at
     returning *`,
    [
      uuidv7(),
      ctx.workspaceId,
      article.id,
      article.centerId,
      locale,
      input.title,
      slug,
      input.bodyFormat,
      input.body,
      bodyHtml,
      bodyText,
      excerpt,
      regconfigFor(locale),
      ctx.now,
      ctx.now,
    ],
  );
  const row = rows[0]!;
  await refreshSearchVector(sql, row.id, ctx.unaccent);
  await sql(
    `insert into knowledge_base_revision (id, workspace_id, article_id, locale, number, title,
       body_format, body_source, created_by, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      uuidv7(),
      ctx.workspaceId,
      article.id,
      locale,
      row.revision,
      input.title,
      input.bodyFormat,
      input.body,
      ctx.userId,
      ctx.now,
    ],
  );
  await sql(`update knowledge_base_article set updated_at = ? where id = ?`, [ctx.now, article.id]);
  return translationView(row);
}

export async function createArticle(
  sql: Sql,
  ctx: { workspaceId: string; userId: string | null; unaccent: boolean; now: Date },
  input: {
    centerId: string;
    categoryId?: string | null | undefined;
    visibility: Visibility;
    tags: string[];
    locale: string;
    translation: TranslationInput;
  },
): Promise<ArticleView> {
  const id = uuidv7();
  await sql(
    `insert into knowledge_base_article (id, workspace_id, center_id, category_id, status, visibility,
       author_id, tags, created_at, updated_at)
     values (?, ?, ?, ?, 'draft', ?, ?, ?::text[], ?, ?)`,
    [
      id,
      ctx.workspaceId,
      input.centerId,
      input.categoryId ?? null,
      input.visibility,
      ctx.userId,
      input.tags,
      ctx.now,
      ctx.now,
    ],
  );
  await saveTranslation(
    sql,
    ctx,
    { id, centerId: input.centerId },
    input.locale,
    input.translation,
  );
  return getArticle(sql, ctx.workspaceId, id);
}

export async function updateArticle(
  sql: Sql,
  workspaceId: string,
  id: string,
  changes: {
    categoryId?: string | null | undefined;
    visibility?: Visibility | undefined;
    tags?: string[] | undefined;
    position?: number | undefined;
    relatedIds?: string[] | undefined;
    status?: 'draft' | 'in_review' | undefined;
  },
  now: Date,
): Promise<ArticleView> {
  const current = await getArticleRow(sql, workspaceId, id);
  if (changes.relatedIds?.length) {
    const found = await sql(
      `select id from knowledge_base_article
        where workspace_id = ? and center_id = ? and id = any(?::uuid[]) and id <> ?`,
      [workspaceId, current.center_id, changes.relatedIds, id],
    );
    if (found.length !== new Set(changes.relatedIds).size) {
      throw errors.badRequest(
        'related_invalid',
        'Related articles must be other articles of the center',
      );
    }
  }
  await sql(
    `update knowledge_base_article set category_id = ?, visibility = ?, tags = ?::text[],
       position = ?, related_ids = ?::uuid[], status = ?, updated_at = ?
     where workspace_id = ? and id = ?`,
    [
      changes.categoryId !== undefined ? changes.categoryId : current.category_id,
      changes.visibility ?? current.visibility,
      changes.tags ?? textArray(current.tags),
      changes.position ?? current.position,
      changes.relatedIds ?? textArray(current.related_ids),
      changes.status ?? current.status,
      now,
      workspaceId,
      id,
    ],
  );
  return getArticle(sql, workspaceId, id);
}

export async function deleteTranslation(
  sql: Sql,
  workspaceId: string,
  article: ArticleView,
  locale: string,
  defaultLocale: string,
): Promise<void> {
  if (locale === defaultLocale) {
    throw errors.conflict(
      'translation_is_default',
      'The default locale’s translation cannot be removed; archive the article instead',
    );
  }
  const rows = await sql(
    `delete from knowledge_base_translation where workspace_id = ? and article_id = ? and locale = ?
     returning id`,
    [workspaceId, article.id, locale],
  );
  if (!rows[0]) throw errors.notFound('Translation', { locale });
}

export async function deleteArticle(sql: Sql, workspaceId: string, id: string): Promise<void> {
  const rows = await sql(
    `delete from knowledge_base_article where workspace_id = ? and id = ? returning id`,
    [workspaceId, id],
  );
  if (!rows[0]) throw errors.notFound('Article', { id });
}

export interface RevisionView {
  id: string;
  locale: string;
  number: number;
  title: string;
  bodyFormat: BodyFormat;
  bodySource: string;
  createdBy: string | null;
  createdAt: string;
}

export function revisionView(row: Row): RevisionView {
  return {
    id: row.id,
    locale: row.locale,
    number: Number(row.number),
    title: row.title,
    bodyFormat: row.body_format,
    bodySource: row.body_source,
    createdBy: row.created_by ?? null,
    createdAt: iso(row.created_at),
  };
}

export async function listRevisions(
  sql: Sql,
  workspaceId: string,
  articleId: string,
  locale: string | undefined,
): Promise<RevisionView[]> {
  const rows = await sql(
    `select * from knowledge_base_revision where workspace_id = ? and article_id = ?
       and (?::text is null or locale = ?) order by locale, number desc`,
    [workspaceId, articleId, locale ?? null, locale ?? null],
  );
  return rows.map(revisionView);
}

export async function getRevision(
  sql: Sql,
  workspaceId: string,
  articleId: string,
  id: string,
): Promise<RevisionView> {
  const rows = await sql(
    `select * from knowledge_base_revision where workspace_id = ? and article_id = ? and id = ?`,
    [workspaceId, articleId, id],
  );
  if (!rows[0]) throw errors.notFound('Revision', { id });
  return revisionView(rows[0]);
}
