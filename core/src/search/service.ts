/**
 * Chooses the active provider once (`search.resolveProvider`, else PostgreSQL) and runs queries
 * through it. Registered in the root container as `searchService`.
 */
import type { HookRegistry } from '../kernel/hooks/registry.js';
import type { Logger } from '../kernel/logger.js';
import { PostgresSearchProvider } from './postgres-provider.js';
import type { SearchContext, SearchProvider, SearchQuery, SearchResult } from './provider.js';

export class SearchService {
  private active: Promise<SearchProvider> | null = null;
  readonly fallback: SearchProvider = new PostgresSearchProvider();

  constructor(
    private readonly hooks: Readonly<HookRegistry>,
    private readonly logger: Logger,
  ) {}

  /** The active provider (resolved at the first call). */
  provider(): Promise<SearchProvider> {
    this.active ??= this.hooks['search.resolveProvider']
      .promise({ fallback: this.fallback })
      .then((chosen) => {
        const provider = chosen ?? this.fallback;
        this.logger.info({ provider: provider.id }, 'search provider chosen');
        return provider;
      })
      .catch((error: unknown) => {
        this.active = null; // a failing tap is retried at the next search
        throw error;
      });
    return this.active;
  }

  async search(
    query: SearchQuery,
    ctx: SearchContext,
  ): Promise<SearchResult & { provider: string }> {
    const provider = await this.provider();
    const result = await provider.search(query, ctx);
    return { ...result, provider: provider.id };
  }
}
