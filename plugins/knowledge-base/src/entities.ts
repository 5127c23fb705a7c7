/**
 * The ORM's view of the knowledge base's main tables (the queries themselves are SQL, see
 * `db.ts`). Each includes the core's workspace filter; the migration adds row-level security.
 */
import { EntitySchema } from '@mikro-orm/core';
import { workspaceFilter } from '@novumdesk/core';

export interface KnowledgeBaseCenter {
  id: string;
  workspaceId: string;
  slug: string;
  name: string;
  defaultLocale: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface KnowledgeBaseArticle {
  id: string;
  workspaceId: string;
  centerId: string;
  status: string;
  visibility: string;
  /** The user who created it: personal data (a reference to a person). */
  authorId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface KnowledgeBaseRevision {
  id: string;
  workspaceId: string;
  articleId: string;
  locale: string;
  number: number;
  /** The user who saved it: personal data (a reference to a person). */
  createdBy: string | null;
  createdAt: Date;
}

export const KnowledgeBaseCenterSchema = new EntitySchema<KnowledgeBaseCenter>({
  name: 'KnowledgeBaseCenter',
  tableName: 'knowledge_base_center',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    slug: { type: 'text' },
    name: { type: 'text' },
    defaultLocale: { type: 'text' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

export const KnowledgeBaseArticleSchema = new EntitySchema<KnowledgeBaseArticle>({
  name: 'KnowledgeBaseArticle',
  tableName: 'knowledge_base_article',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    centerId: { type: 'uuid' },
    status: { type: 'text' },
    visibility: { type: 'text' },
    authorId: { type: 'uuid', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

export const KnowledgeBaseRevisionSchema = new EntitySchema<KnowledgeBaseRevision>({
  name: 'KnowledgeBaseRevision',
  tableName: 'knowledge_base_revision',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    articleId: { type: 'uuid' },
    locale: { type: 'text' },
    number: { type: 'integer' },
    createdBy: { type: 'uuid', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

export const knowledgeBaseEntities = [
  KnowledgeBaseCenterSchema,
  KnowledgeBaseArticleSchema,
  KnowledgeBaseRevisionSchema,
];
