/**
 * The search module: `GET /api/v1/search` through the active `SearchProvider` (the core's
 * PostgreSQL provider unless a plugin's `search.resolveProvider` tap supplies another). A core
 * module on the plugin contract, after tickets and contacts (it searches their tables).
 */
import { asFunction } from 'awilix';
import { definePlugin } from '../kernel/plugins/define-plugin.js';
import { CORE_VERSION } from '../version.js';
import { SEARCH_HOOK_INFO, createResolveProvider } from './hooks.js';
import { searchMigrations } from './migrations/index.js';
import { searchRoutes } from './search.routes.js';
import { SearchService } from './service.js';

declare module '../kernel/contract.js' {
  interface CoreCradle {
    /** Registered by the search module: the active provider and the query entry point. */
    searchService: SearchService;
  }
}

export const searchModule = definePlugin({
  id: 'search',
  version: CORE_VERSION,
  core: `^${CORE_VERSION}`,
  description: 'Full-text search over tickets, messages, notes and contacts (pluggable provider)',
  dependsOn: { tickets: `^${CORE_VERSION}`, contacts: `^${CORE_VERSION}` },
  migrations: searchMigrations,
  noPersonalData: true,
  register(ctx) {
    ctx.hooks.define(
      'search.resolveProvider',
      createResolveProvider,
      SEARCH_HOOK_INFO['search.resolveProvider'],
    );
    ctx.register({
      searchService: asFunction(
        ({ hooks, logger }) => new SearchService(hooks, logger),
      ).singleton(),
    });
    for (const route of searchRoutes()) ctx.route(route);
  },
});
