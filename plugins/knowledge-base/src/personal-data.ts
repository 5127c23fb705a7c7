/**
 * Personal data in the knowledge base: only references to the agents who wrote articles and
 * saved revisions (user ids). Visitors leave none: views and votes are counted as aggregates,
 * contact-form messages become tickets and contacts (the core's data), rate limits store keyed
 * hashes. Erasing a user keeps the articles (the company's content) and removes the reference.
 */
import { withWorkspace, type PersonalDataHandlers } from '@novumdesk/core';
import { iso, sqlFor } from './db.js';

export const knowledgeBasePersonalData: PersonalDataHandlers = {
  entities: { KnowledgeBaseArticle: ['authorId'], KnowledgeBaseRevision: ['createdBy'] },

  async export(subject, scope) {
    if (subject.kind !== 'user') return { KnowledgeBaseArticle: [], KnowledgeBaseRevision: [] };
    return withWorkspace(scope.cradle.em, subject.workspaceId, async (tx) => {
      const sql = sqlFor(tx);
      const articles = await sql(
        `select id, created_at from knowledge_base_article where author_id = ? order by created_at`,
        [subject.id],
      );
      const revisions = await sql(
        `select id, article_id, locale, number, created_at from knowledge_base_revision
          where created_by = ? order by created_at`,
        [subject.id],
      );
      return {
        KnowledgeBaseArticle: articles.map((a) => ({
          id: a.id,
          authorId: subject.id,
          createdAt: iso(a.created_at),
        })),
        KnowledgeBaseRevision: revisions.map((r) => ({
          id: r.id,
          articleId: r.article_id,
          locale: r.locale,
          number: Number(r.number),
          createdBy: subject.id,
          createdAt: iso(r.created_at),
        })),
      };
    });
  },

  async erase(subject, scope) {
    if (subject.kind !== 'user') return { erased: 0 };
    return withWorkspace(scope.cradle.em, subject.workspaceId, async (tx) => {
      const sql = sqlFor(tx);
      const a = await sql(
        `update knowledge_base_article set author_id = null where author_id = ? returning id`,
        [subject.id],
      );
      const r = await sql(
        `update knowledge_base_revision set created_by = null where created_by = ? returning id`,
        [subject.id],
      );
      return { erased: a.length + r.length };
    });
  },
};
