/**
 * What the knowledge base adds to the core's typed tables, by declaration merging: its hooks
 * (`HookRegistry`) and domain events (`EventMap`), and its container keys (`CoreCradle`).
 *
 * Hooks (a plugin's hooks are named `<pluginId>:<name>`, enforced by the kernel):
 * `knowledge-base:article.beforePublish` (transform: lint or veto a publish, inside its
 * transaction) and `knowledge-base:article.published` (notify, after commit, from the domain event
 * `kb.article.published`, which also reaches webhooks and the change feed).
 */
import type { AsyncParallelHook, AsyncSeriesWaterfallHook } from 'tapable';
import type { HookContext } from '@novumdesk/core';
import type { KnowledgeBaseRuntime } from './runtime.js';

/** The article as it is about to be published; taps may change tags, or throw to veto. */
export interface KbPublishDraft {
  articleId: string;
  centerId: string;
  visibility: 'public' | 'internal';
  tags: string[];
  translations: { locale: string; title: string; bodyHtml: string }[];
}

/** Event payloads: ids only, never personal data (they are stored in the outbox). */
export interface KbArticlePublished {
  articleId: string;
  centerId: string;
  locales: string[];
}

declare module '@novumdesk/core' {
  interface EventMap {
    'kb.article.published': KbArticlePublished;
    'kb.article.unpublished': { articleId: string; centerId: string };
  }
  interface HookRegistry {
    'knowledge-base:article.beforePublish': AsyncSeriesWaterfallHook<
      [KbPublishDraft, HookContext],
      KbPublishDraft
    >;
    'knowledge-base:article.published': AsyncParallelHook<
      [KbArticlePublished & { eventId: string }, HookContext]
    >;
  }
  interface CoreCradle {
    knowledgeBase: KnowledgeBaseRuntime;
  }
}
