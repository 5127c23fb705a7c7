/**
 * Publishing: `knowledge-base:article.beforePublish` (taps may lint, change tags, or veto with a
 * NovumError) runs inside the transaction; the article becomes `published`, its center's cache
 * version moves on (every cached page of the center is purged), and `kb.article.published` is
 * recorded in the same transaction — delivered after commit to the `knowledge-base:article.published`
 * hook, to webhooks and to the change feed. A publish date in the future schedules it instead:
 * a delayed job, sent in the same transaction, publishes it then (unless it was rescheduled).
 */
import type { Scope as KbScope } from './ids.js';
import type { HookContext } from '@novumdesk/core';
import { getArticle, type ArticleView } from './articles.js';
import { bumpCenterVersion } from './centers.js';
import { sqlFor } from './db.js';

export const PUBLISH_JOB = 'knowledge-base.publishScheduled';

export interface ScheduledPublish {
  workspaceId: string;
  articleId: string;
  publishAt: string;
}

type Scope = KbScope;

function hookContext(scope: Scope, workspaceId: string): HookContext {
  const { em, actor, requestId } = scope.cradle;
  return { em, scope, actor, workspaceId, requestId };
}

export async function publishArticle(
  scope: Scope,
  workspaceId: string,
  articleId: string,
): Promise<ArticleView> {
  const { em, hooks, events, clock, knowledgeBase } = scope.cradle;
  const sql = sqlFor(em);
  const article = await getArticle(sql, workspaceId, articleId);
  const draft = await hooks['knowledge-base:article.beforePublish'].promise(
    {
      articleId,
      centerId: article.centerId,
      visibility: article.visibility,
      tags: [...article.tags],
      translations: article.translations.map((t) => ({
        locale: t.locale,
        title: t.title,
        bodyHtml: t.bodyHtml,
      })),
    },
    hookContext(scope, workspaceId),
  );
  const now = clock.now();
  await sql(
    `update knowledge_base_article set status = 'published', tags = ?::text[], publish_at = null,
       published_at = coalesce(published_at, ?), updated_at = ?
     where workspace_id = ? and id = ?`,
    [draft.tags, now, now, workspaceId, articleId],
  );
  await bumpCenterVersion(sql, workspaceId, article.centerId);
  const { actor, requestId } = scope.cradle;
  events.record(
    em,
    'kb.article.published',
    { articleId, centerId: article.centerId, locales: article.translations.map((t) => t.locale) },
    { workspaceId, actor, requestId },
  );
  knowledgeBase.invalidate(article.centerId);
  return getArticle(sql, workspaceId, articleId);
}

export async function schedulePublish(
  scope: Scope,
  workspaceId: string,
  articleId: string,
  publishAt: Date,
): Promise<ArticleView> {
  const { em, jobs, clock } = scope.cradle;
  const sql = sqlFor(em);
  await getArticle(sql, workspaceId, articleId);
  await sql(
    `update knowledge_base_article set publish_at = ?, updated_at = ? where workspace_id = ? and id = ?`,
    [publishAt, clock.now(), workspaceId, articleId],
  );
  const data: ScheduledPublish = { workspaceId, articleId, publishAt: publishAt.toISOString() };
  await jobs.send(PUBLISH_JOB, data, { em, startAfter: publishAt });
  return getArticle(sql, workspaceId, articleId);
}

/** The delayed job: publishes only if the article is still scheduled for that moment. */
export async function runScheduledPublish(data: ScheduledPublish, scope: Scope): Promise<void> {
  const rows = await sqlFor(scope.cradle.em)(
    `select publish_at from knowledge_base_article where id = ? and status <> 'published'`,
    [data.articleId],
  );
  const at = rows[0]?.publish_at as Date | string | undefined;
  if (!at || new Date(at).toISOString() !== data.publishAt) return;
  await publishArticle(scope, data.workspaceId, data.articleId);
}

/** Back to draft (unpublish) or archived; either way it leaves the public site at once. */
export async function withdrawArticle(
  scope: Scope,
  workspaceId: string,
  articleId: string,
  status: 'draft' | 'archived',
): Promise<ArticleView> {
  const { em, events, clock, knowledgeBase } = scope.cradle;
  const sql = sqlFor(em);
  const article = await getArticle(sql, workspaceId, articleId);
  await sql(
    `update knowledge_base_article set status = ?, publish_at = null, updated_at = ?
      where workspace_id = ? and id = ?`,
    [status, clock.now(), workspaceId, articleId],
  );
  await bumpCenterVersion(sql, workspaceId, article.centerId);
  if (article.status === 'published') {
    const { actor, requestId } = scope.cradle;
    events.record(
      em,
      'kb.article.unpublished',
      { articleId, centerId: article.centerId },
      { workspaceId, actor, requestId },
    );
  }
  knowledgeBase.invalidate(article.centerId);
  return getArticle(sql, workspaceId, articleId);
}
