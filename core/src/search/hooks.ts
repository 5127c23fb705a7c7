/**
 * `search.resolveProvider`: how a plugin moves search to an engine. Called once, at the first
 * search; the first tap that returns a provider wins, and without one the core's PostgreSQL
 * provider serves. Defined by the search module in `register()`.
 */
import { AsyncSeriesBailHook } from 'tapable';
import type { HookInfo } from '../kernel/hooks/descriptor.js';
import type { SearchProvider } from './provider.js';

export interface ResolveProviderRequest {
  /** The core's PostgreSQL provider: a plugin may wrap it (e.g. fall back to it). */
  fallback: SearchProvider;
}

declare module '../kernel/hooks/registry.js' {
  interface HookRegistry {
    'search.resolveProvider': AsyncSeriesBailHook<
      [ResolveProviderRequest],
      SearchProvider | undefined
    >;
  }
}

export const SEARCH_HOOK_INFO = {
  'search.resolveProvider': {
    kind: 'resolve',
    description:
      'Called once, at the first search, to choose the active search provider. The first tap returning a `SearchProvider` wins; when none does, the core PostgreSQL provider (passed as `fallback`) serves. A provider backed by a search engine keeps its index current from the domain events (`ticket.created`, `message.created`, …). See docs/search.md.',
    payload: '(request: { fallback: SearchProvider })',
    returns: 'a SearchProvider, or undefined to leave the choice to later taps',
    since: '0.1.0',
  },
} satisfies Record<string, HookInfo>;

export const createResolveProvider = () =>
  new AsyncSeriesBailHook<[ResolveProviderRequest], SearchProvider | undefined>(['request']);
