/**
 * `isProcessingAllowed`: the service every caller that uses a subject's personal data for a
 * purpose asks first (ARCHITECTURE §7). It runs the `processing.isAllowed` hook and applies
 * the defaults, so that without a privacy plugin consent-based purposes are off and the rest on.
 */
import type { AwilixContainer } from 'awilix';
import type { HookContext, RequestCradle } from '../kernel/contract.js';
import type { ProcessingQuery } from './hooks.js';

/**
 * Whether `query.subject`'s data may be used for `query.purpose` in `query.workspaceId`.
 * The first tap of `processing.isAllowed` that answers decides; with no answer the result is
 * `!query.requiresConsent`. Runs in the scope's transaction (`scope.cradle.em`).
 */
export async function isProcessingAllowed(
  scope: AwilixContainer<RequestCradle>,
  query: ProcessingQuery,
): Promise<boolean> {
  const cradle = scope.cradle;
  // `hooks` is a frozen table: the hook is absent when the processing module is not loaded.
  const hook = (cradle.hooks as Partial<typeof cradle.hooks>)['processing.isAllowed'];
  const fallback = query.requiresConsent !== true;
  if (!hook || hook.taps.length === 0) return fallback;
  const ctx: HookContext = {
    em: cradle.em,
    scope,
    actor: cradle.actor,
    workspaceId: query.workspaceId,
    requestId: cradle.requestId,
  };
  const answer = await hook.promise(query, ctx);
  return typeof answer === 'boolean' ? answer : fallback;
}
