/** The search module's public surface: the provider contract and the core's PostgreSQL provider. */
import './hooks.js';

export { searchModule } from './search.module.js';
export { SearchService } from './service.js';
export { PostgresSearchProvider } from './postgres-provider.js';
export { escapeHtml, markedHtml, markSubstring } from './highlight.js';
export type { ResolveProviderRequest } from './hooks.js';
export type {
  ContactHit,
  SearchContext,
  SearchHit,
  SearchProvider,
  SearchQuery,
  SearchResult,
  SearchType,
  TicketHit,
  TicketSearchFilters,
} from './provider.js';
