/**
 * `@novumdesk/plugin-knowledge-base`: help centers with public, server-rendered pages, an
 * article library for agents, search, deflection (a contact form that suggests articles and
 * files tickets), feedback, revisions, scheduled publishing, Zendesk Guide import and Markdown
 * export. See docs/knowledge-base.md.
 *
 *   plugins: [knowledgeBase({ defaultCenter: 'help' })]
 */
import { fileURLToPath } from 'node:url';
import { asFunction } from 'awilix';
import { AsyncParallelHook, AsyncSeriesBailHook, AsyncSeriesWaterfallHook } from 'tapable';
import { definePlugin, type HookContext } from '@novumdesk/core';
import type { KbArticlePublished, KbPublishDraft } from './contract.js';
import { knowledgeBaseEntities } from './entities.js';
import { knowledgeBaseMigrations } from './migrations/index.js';
import {
  KnowledgeBaseOptionsSchema,
  type KnowledgeBaseOptions,
  type KnowledgeBaseOptionsInput,
} from './options.js';
import { knowledgeBasePersonalData } from './personal-data.js';
import { PUBLISH_JOB, runScheduledPublish, type ScheduledPublish } from './publish.js';
import { helpCenterMount } from './public/site.js';
import { articleRoutes } from './routes/articles.routes.js';
import { categoryRoutes } from './routes/categories.routes.js';
import { centerRoutes } from './routes/centers.routes.js';
import { toolRoutes } from './routes/tools.routes.js';
import { KnowledgeBaseRuntime } from './runtime.js';
import {
  postgresArticleSearch,
  type ArticleSearchProvider,
  type ArticleSearchQuery,
} from './search.js';
import { IMPORT_JOB, runImport, type ImportJob } from './zendesk-import.js';
import type { Scope } from './ids.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import './contract.js';

export type { KbArticlePublished, KbPublishDraft } from './contract.js';
export type { ArticleSearchHit, ArticleSearchProvider, ArticleSearchQuery } from './search.js';
export type { KnowledgeBaseOptions, KnowledgeBaseOptionsInput } from './options.js';
export { KnowledgeBaseRuntime } from './runtime.js';

declare module '@novumdesk/core' {
  interface HookRegistry {
    'knowledge-base:resolveSearchProvider': AsyncSeriesBailHook<
      [{ fallback: ArticleSearchProvider }],
      ArticleSearchProvider | undefined
    >;
  }
}

export const KB_PERMISSIONS = ['kb:read', 'kb:write', 'kb:publish'] as const;

const knowledgeBase = definePlugin<KnowledgeBaseOptions, KnowledgeBaseOptionsInput | undefined>({
  id: 'knowledge-base',
  version: '0.1.0',
  core: '^0.1.0',
  description: 'Knowledge base: public help centers, articles, search, deflection',
  dependsOn: { identity: '^0.1.0' },
  optionalDependsOn: { inboxes: '^0.1.0' },
  options: KnowledgeBaseOptionsSchema,
  permissions: KB_PERMISSIONS,
  entities: knowledgeBaseEntities,
  migrations: knowledgeBaseMigrations,
  personalData: knowledgeBasePersonalData,
  // Built by `npm run build:admin` from admin/ (the same path from src/ in tests and from dist/).
  admin: {
    assetsDir: fileURLToPath(new URL('../dist/admin/', import.meta.url)),
    panels: [
      {
        id: 'articles',
        slot: 'nav',
        title: 'Knowledge base',
        entry: 'panels.js',
        exportName: 'KnowledgeBasePage',
        order: 40,
        requires: ['kb:read'],
      },
      {
        id: 'centers',
        slot: 'settings.pages',
        title: 'Help centers',
        entry: 'panels.js',
        exportName: 'CentersSettings',
        requires: ['kb:read'],
      },
      {
        id: 'suggestions',
        slot: 'ticket.sidebar',
        title: 'Suggested articles',
        entry: 'panels.js',
        exportName: 'TicketSuggestions',
        order: 60,
        requires: ['kb:read'],
      },
      {
        id: 'insert-link',
        slot: 'ticket.composer.actions',
        title: 'Article link',
        entry: 'panels.js',
        exportName: 'InsertArticleLink',
        requires: ['kb:read'],
      },
    ],
  },

  register(ctx) {
    const options = ctx.options;
    // Per helpdesk: the page mount reads this helpdesk's runtime, built when boot resolves it.
    let runtime: KnowledgeBaseRuntime | null = null;
    ctx.register({
      knowledgeBase: asFunction(
        ({ orm, clock, logger, config }) =>
          (runtime = new KnowledgeBaseRuntime({
            orm,
            clock,
            logger,
            options,
            publicUrl: config.publicUrl,
          })),
      ).singleton(),
    });

    ctx.hooks.define(
      'knowledge-base:article.beforePublish',
      () =>
        new AsyncSeriesWaterfallHook<[KbPublishDraft, HookContext], KbPublishDraft>([
          'draft',
          'ctx',
        ]),
      {
        kind: 'transform',
        description:
          'Called inside the transaction that publishes an article (now or when its schedule is due). Taps may lint, change its tags, or throw a NovumError to veto the publish (nothing changes).',
        payload:
          '(draft: { articleId, centerId, visibility, tags, translations }, ctx: HookContext)',
        returns: 'the (changed) draft',
        since: '0.1.0',
      },
    );
    ctx.hooks.define(
      'knowledge-base:article.published',
      () =>
        new AsyncParallelHook<[KbArticlePublished & { eventId: string }, HookContext]>([
          'notice',
          'ctx',
        ]),
      {
        kind: 'notify',
        description:
          'Called after the transaction that published an article has committed, from the subscriber of the `kb.article.published` domain event (job queue, at least once). The same event reaches webhooks and the change feed.',
        payload: '(notice: { articleId, centerId, locales, eventId }, ctx: HookContext)',
        since: '0.1.0',
      },
    );
    ctx.hooks.define(
      'knowledge-base:resolveSearchProvider',
      () =>
        new AsyncSeriesBailHook<
          [{ fallback: ArticleSearchProvider }],
          ArticleSearchProvider | undefined
        >(['request']),
      {
        kind: 'resolve',
        description:
          'Called once, at the first article search, to choose the provider (like the core’s `search.resolveProvider`). The first tap returning an `ArticleSearchProvider` wins; without one, PostgreSQL full-text and trigram search (passed as `fallback`) serves.',
        payload: '(request: { fallback: ArticleSearchProvider })',
        returns: 'an ArticleSearchProvider, or undefined',
        since: '0.1.0',
      },
    );

    let provider: Promise<ArticleSearchProvider> | null = null;
    const searchWith = async (
      em: EntityManager,
      query: ArticleSearchQuery,
      hookCtx: HookContext,
    ) => {
      const { hooks, knowledgeBase: runtime } = hookCtx.scope.cradle;
      provider ??= (async () => {
        const fallback = postgresArticleSearch({ unaccent: () => runtime.unaccent });
        return (
          (await hooks['knowledge-base:resolveSearchProvider'].promise({ fallback })) ?? fallback
        );
      })();
      return (await provider).search(query, { em });
    };
    const adminSearch = (scope: Scope, query: ArticleSearchQuery) => {
      const { em, actor, requestId } = scope.cradle;
      return searchWith(em, query, { em, scope, actor, workspaceId: query.workspaceId, requestId });
    };

    for (const route of [
      ...centerRoutes(),
      ...categoryRoutes(),
      ...articleRoutes(),
      ...toolRoutes(adminSearch),
    ]) {
      ctx.route(route);
    }
    ctx.page(helpCenterMount({ options, search: searchWith, runtime: () => runtime }));

    ctx.job<ScheduledPublish>(
      'publishScheduled',
      (data, scope) => runScheduledPublish(data, scope),
      {
        retryLimit: 3,
      },
    );
    ctx.job<ImportJob>('import', (data, scope) => runImport(data, scope), { retryLimit: 2 });

    ctx.on('kb.article.published', { name: 'publishedHook' }, async (event, scope) => {
      const { em, hooks, actor, requestId } = scope.cradle;
      await hooks['knowledge-base:article.published'].promise(
        { ...event.payload, eventId: event.id },
        { em, scope, actor, workspaceId: event.workspaceId, requestId },
      );
    });
  },

  async boot(ctx) {
    await ctx.resolve('knowledgeBase').boot();
  },

  async prepareShutdown(ctx) {
    await ctx.resolve('knowledgeBase').stop();
  },
});

export default knowledgeBase;
export { PUBLISH_JOB, IMPORT_JOB };
