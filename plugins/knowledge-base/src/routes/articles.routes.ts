/**
 * Articles: CRUD, translations (each save is a revision), revisions with diff and restore,
 * publishing (`kb:publish`) and the feedback aggregates.
 */
import { createTwoFilesPatch } from 'diff';
import { defineRoute, errors, type RouteDefinition } from '@novumdesk/core';
import {
  createArticle,
  deleteArticle,
  deleteTranslation,
  getArticle,
  getRevision,
  listArticles,
  listRevisions,
  saveTranslation,
  updateArticle,
} from '../articles.js';
import { bumpCenterVersion, getCenter } from '../centers.js';
import { getCategory } from '../categories.js';
import { publishArticle, schedulePublish, withdrawArticle } from '../publish.js';
import {
  ArticleCreate,
  ArticleList,
  ArticleListQuery,
  ArticleOut,
  ArticlePatch,
  DiffOut,
  DiffQuery,
  FeedbackOut,
  IdParams,
  PublishIn,
  RevisionList,
  RevisionParams,
  TranslationIn,
  TranslationOut,
  TranslationParams,
} from './schemas.js';
import {
  call,
  decodeCursor,
  encodeCursor,
  notFound,
  TAGS,
  type Call,
  type Scope,
} from './common.js';

const isCursor = (v: unknown): v is { updatedAt: string; id: string } =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { updatedAt?: unknown }).updatedAt === 'string' &&
  !Number.isNaN(Date.parse((v as { updatedAt: string }).updatedAt)) &&
  typeof (v as { id?: unknown }).id === 'string' &&
  /^[0-9a-f-]{36}$/.test((v as { id: string }).id);

/** A change the public may see: purge the center's pages if the article is live. */
async function touched(scope: Scope, c: Call, article: { centerId: string; status: string }) {
  if (article.status !== 'published') return;
  await bumpCenterVersion(c.sql, c.workspaceId, article.centerId);
  scope.cradle.knowledgeBase.invalidate(article.centerId);
}

export function articleRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/articles',
      operationId: 'knowledgeBaseListArticles',
      summary:
        'List articles, newest change first, filtered by center, category, status, locale or tag',
      tags: TAGS,
      access: { permission: 'kb:read' },
      request: { query: ArticleListQuery },
      responses: { 200: { description: 'A page of articles', schema: ArticleList } },
      async handler({ scope, actor, query }) {
        const c = call(scope, actor);
        const page = await listArticles(c.sql, c.workspaceId, {
          ...query,
          cursor: decodeCursor(query.cursor, isCursor),
        });
        return { data: page.data, nextCursor: page.next ? encodeCursor(page.next) : null };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/articles',
      operationId: 'knowledgeBaseCreateArticle',
      summary: 'Create an article (a draft) with its first translation',
      description:
        'The body is Markdown or HTML (`bodyFormat`); either is stored as sanitized HTML. Without `locale` the center’s default locale is used.',
      tags: TAGS,
      access: { permission: 'kb:write' },
      request: { body: ArticleCreate },
      responses: {
        201: { description: 'Created', schema: ArticleOut },
        400: { description: 'A locale the center does not support (`locale_unsupported`)' },
        404: { description: 'No such center or category in this workspace' },
      },
      async handler({ scope, actor, body }) {
        const c = call(scope, actor);
        const center = await getCenter(c.sql, c.workspaceId, body.centerId);
        const locale = body.locale ?? center.defaultLocale;
        if (!center.locales.includes(locale)) {
          throw errors.badRequest('locale_unsupported', `The center does not offer ${locale}`, {
            locale,
          });
        }
        if (body.categoryId) {
          const category = await getCategory(c.sql, c.workspaceId, body.categoryId);
          if (category.centerId !== center.id)
            throw errors.notFound('Category', { id: body.categoryId });
        }
        return createArticle(c.sql, c, {
          centerId: center.id,
          categoryId: body.categoryId ?? null,
          visibility: body.visibility,
          tags: body.tags,
          locale,
          translation: {
            title: body.title,
            slug: body.slug,
            body: body.body,
            bodyFormat: body.bodyFormat,
            excerpt: body.excerpt,
          },
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/articles/:id',
      operationId: 'knowledgeBaseGetArticle',
      summary: 'Get an article with all its translations',
      tags: TAGS,
      access: { permission: 'kb:read' },
      request: { params: IdParams },
      responses: { 200: { description: 'The article', schema: ArticleOut }, 404: notFound },
      async handler({ scope, actor, params }) {
        const c = call(scope, actor);
        return getArticle(c.sql, c.workspaceId, params.id);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/articles/:id',
      operationId: 'knowledgeBaseUpdateArticle',
      summary:
        'Change an article’s category, visibility, tags, order, related articles or review status',
      tags: TAGS,
      access: { permission: 'kb:write' },
      request: { params: IdParams, body: ArticlePatch },
      responses: { 200: { description: 'The article', schema: ArticleOut }, 404: notFound },
      async handler({ scope, actor, params, body }) {
        const c = call(scope, actor);
        const before = await getArticle(c.sql, c.workspaceId, params.id);
        if (body.categoryId) {
          const category = await getCategory(c.sql, c.workspaceId, body.categoryId);
          if (category.centerId !== before.centerId) {
            throw errors.notFound('Category', { id: body.categoryId });
          }
        }
        if (body.status && before.status === 'published') {
          throw errors.conflict('article_published', 'Unpublish the article to change its status');
        }
        const article = await updateArticle(c.sql, c.workspaceId, params.id, body, c.now);
        await touched(scope, c, before);
        return article;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/articles/:id',
      operationId: 'knowledgeBaseDeleteArticle',
      summary: 'Delete an article with its translations and revisions',
      tags: TAGS,
      access: { permission: 'kb:write' },
      request: { params: IdParams },
      responses: {
        204: { description: 'Deleted' },
        404: notFound,
        409: { description: 'Published: unpublish or archive it first (`article_published`)' },
      },
      async handler({ scope, actor, params }) {
        const c = call(scope, actor);
        const article = await getArticle(c.sql, c.workspaceId, params.id);
        if (article.status === 'published') {
          throw errors.conflict('article_published', 'Unpublish or archive the article first');
        }
        await deleteArticle(c.sql, c.workspaceId, params.id);
        return undefined;
      },
    }),
    defineRoute({
      method: 'put',
      path: '/articles/:id/translations/:locale',
      operationId: 'knowledgeBaseSaveTranslation',
      summary: 'Create or replace a translation (a new revision; live at once if published)',
      tags: TAGS,
      access: { permission: 'kb:write' },
      request: { params: TranslationParams, body: TranslationIn },
      responses: {
        200: { description: 'The translation', schema: TranslationOut },
        400: { description: 'A locale the center does not support' },
        404: notFound,
        409: { description: 'The slug is taken in this locale (`article_slug_taken`)' },
      },
      async handler({ scope, actor, params, body }) {
        const c = call(scope, actor);
        const article = await getArticle(c.sql, c.workspaceId, params.id);
        const center = await getCenter(c.sql, c.workspaceId, article.centerId);
        if (!center.locales.includes(params.locale)) {
          throw errors.badRequest(
            'locale_unsupported',
            `The center does not offer ${params.locale}`,
            {
              locale: params.locale,
            },
          );
        }
        const translation = await saveTranslation(c.sql, c, article, params.locale, body);
        await touched(scope, c, article);
        return translation;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/articles/:id/translations/:locale',
      operationId: 'knowledgeBaseDeleteTranslation',
      summary: 'Remove a translation (not the default locale’s)',
      tags: TAGS,
      access: { permission: 'kb:write' },
      request: { params: TranslationParams },
      responses: {
        204: { description: 'Removed' },
        404: notFound,
        409: { description: 'The default locale’s translation (`translation_is_default`)' },
      },
      async handler({ scope, actor, params }) {
        const c = call(scope, actor);
        const article = await getArticle(c.sql, c.workspaceId, params.id);
        const center = await getCenter(c.sql, c.workspaceId, article.centerId);
        await deleteTranslation(c.sql, c.workspaceId, article, params.locale, center.defaultLocale);
        await touched(scope, c, article);
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/articles/:id/publish',
      operationId: 'knowledgeBasePublishArticle',
      summary: 'Publish an article now, or at `publishAt`',
      description:
        'Runs the `knowledge-base:article.beforePublish` hook (taps may veto), purges the center’s cached pages and records `kb.article.published` (webhooks, change feed).',
      tags: TAGS,
      access: { permission: 'kb:publish' },
      request: { params: IdParams, body: PublishIn },
      responses: {
        200: { description: 'The article', schema: ArticleOut },
        404: notFound,
        422: { description: 'Vetoed by a hook tap (the tap’s code)' },
      },
      async handler({ scope, actor, params, body }) {
        const c = call(scope, actor);
        const at = body.publishAt ? new Date(body.publishAt) : null;
        if (at && at.getTime() > c.now.getTime()) {
          return schedulePublish(scope, c.workspaceId, params.id, at);
        }
        return publishArticle(scope, c.workspaceId, params.id);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/articles/:id/unpublish',
      operationId: 'knowledgeBaseUnpublishArticle',
      summary: 'Take an article off the help center (back to draft; cancels a schedule)',
      tags: TAGS,
      access: { permission: 'kb:publish' },
      request: { params: IdParams },
      responses: { 200: { description: 'The article', schema: ArticleOut }, 404: notFound },
      async handler({ scope, actor, params }) {
        const c = call(scope, actor);
        return withdrawArticle(scope, c.workspaceId, params.id, 'draft');
      },
    }),
    defineRoute({
      method: 'post',
      path: '/articles/:id/archive',
      operationId: 'knowledgeBaseArchiveArticle',
      summary: 'Archive an article (off the help center, kept for reference)',
      tags: TAGS,
      access: { permission: 'kb:publish' },
      request: { params: IdParams },
      responses: { 200: { description: 'The article', schema: ArticleOut }, 404: notFound },
      async handler({ scope, actor, params }) {
        const c = call(scope, actor);
        return withdrawArticle(scope, c.workspaceId, params.id, 'archived');
      },
    }),
    defineRoute({
      method: 'get',
      path: '/articles/:id/revisions',
      operationId: 'knowledgeBaseListRevisions',
      summary: 'Revision history of an article (per locale, newest first)',
      tags: TAGS,
      access: { permission: 'kb:read' },
      request: { params: IdParams, query: ArticleListQuery.pick({ locale: true }) },
      responses: { 200: { description: 'Revisions', schema: RevisionList }, 404: notFound },
      async handler({ scope, actor, params, query }) {
        const c = call(scope, actor);
        await getArticle(c.sql, c.workspaceId, params.id);
        return {
          data: await listRevisions(c.sql, c.workspaceId, params.id, query.locale),
          nextCursor: null,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/articles/:id/revisions/:revisionId/diff',
      operationId: 'knowledgeBaseDiffRevision',
      summary: 'Unified diff from a revision to the current translation (or to `against`)',
      tags: TAGS,
      access: { permission: 'kb:read' },
      request: { params: RevisionParams, query: DiffQuery },
      responses: { 200: { description: 'The diff', schema: DiffOut }, 404: notFound },
      async handler({ scope, actor, params, query }) {
        const c = call(scope, actor);
        const from = await getRevision(c.sql, c.workspaceId, params.id, params.revisionId);
        let to: { number: number; title: string; bodySource: string };
        if (query.against) {
          to = await getRevision(c.sql, c.workspaceId, params.id, query.against);
        } else {
          const article = await getArticle(c.sql, c.workspaceId, params.id);
          const current = article.translations.find((t) => t.locale === from.locale);
          if (!current) throw errors.notFound('Translation', { locale: from.locale });
          to = { number: current.revision, title: current.title, bodySource: current.bodySource };
        }
        const text = (r: { title: string; bodySource: string }) =>
          `# ${r.title}\n\n${r.bodySource}\n`;
        return {
          from: from.number,
          to: to.number,
          locale: from.locale,
          patch: createTwoFilesPatch(
            `revision ${from.number}`,
            `revision ${to.number}`,
            text(from),
            text(to),
          ),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/articles/:id/revisions/:revisionId/restore',
      operationId: 'knowledgeBaseRestoreRevision',
      summary: 'Restore a revision: its content becomes a new revision of its translation',
      tags: TAGS,
      access: { permission: 'kb:write' },
      request: { params: RevisionParams },
      responses: {
        200: { description: 'The restored translation', schema: TranslationOut },
        404: notFound,
      },
      async handler({ scope, actor, params }) {
        const c = call(scope, actor);
        const revision = await getRevision(c.sql, c.workspaceId, params.id, params.revisionId);
        const article = await getArticle(c.sql, c.workspaceId, params.id);
        const current = article.translations.find((t) => t.locale === revision.locale);
        const translation = await saveTranslation(c.sql, c, article, revision.locale, {
          title: revision.title,
          slug: current?.slug,
          body: revision.bodySource,
          bodyFormat: revision.bodyFormat,
        });
        await touched(scope, c, article);
        return translation;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/articles/:id/feedback',
      operationId: 'knowledgeBaseArticleFeedback',
      summary: '"Was this helpful?" votes per locale and day (aggregates, no personal data)',
      tags: TAGS,
      access: { permission: 'kb:read' },
      request: { params: IdParams },
      responses: { 200: { description: 'Votes', schema: FeedbackOut }, 404: notFound },
      async handler({ scope, actor, params }) {
        const c = call(scope, actor);
        await getArticle(c.sql, c.workspaceId, params.id);
        const rows = await c.sql(
          `select locale, day::text as day, helpful, not_helpful from knowledge_base_feedback
            where workspace_id = ? and article_id = ? order by day desc, locale limit 366`,
          [c.workspaceId, params.id],
        );
        return {
          data: rows.map((r) => ({
            locale: r.locale,
            day: String(r.day).slice(0, 10),
            helpful: Number(r.helpful),
            notHelpful: Number(r.not_helpful),
          })),
          nextCursor: null,
        };
      },
    }),
  ];
}
