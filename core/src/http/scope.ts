/**
 * Per-request identity and DI scope. The kernel supplies both functions: `authenticate` (the
 * identity layer, or an embedding host's session bridge) and `createScope` (a child of the root
 * container with `em`, `actor`, `requestId`, …). The scope lives exactly as long as the request.
 */
import type { AwilixContainer } from 'awilix';
import type Koa from 'koa';
import type { Actor, RequestCradle } from '../kernel/contract.js';
import type { Logger } from '../kernel/logger.js';
import type { NovumState } from './state.js';

export interface ScopeInit {
  requestId: string;
  actor: Actor | null;
  logger: Logger;
}

export type CreateScope = (ctx: Koa.Context, init: ScopeInit) => AwilixContainer<RequestCradle>;
export type Authenticate = (ctx: Koa.Context) => Promise<Actor | null>;

export function scopeMiddleware(options: {
  createScope: CreateScope;
  authenticate?: Authenticate;
}): Koa.Middleware<NovumState> {
  return async function requestScope(ctx, next) {
    const state = ctx.state.novumdesk;
    // Errors here (a malformed token → NovumError 401) become problems upstream.
    state.actor = options.authenticate ? await options.authenticate(ctx as Koa.Context) : null;
    const scope = options.createScope(ctx as Koa.Context, {
      requestId: state.requestId,
      actor: state.actor,
      logger: state.logger,
    });
    state.scope = scope;
    try {
      await next();
    } finally {
      delete state.scope;
      try {
        await scope.dispose();
      } catch (err) {
        // The response is already decided; a failing disposer is ours to fix, not the client's.
        state.logger.error({ err }, 'disposing the request scope failed');
      }
    }
  };
}
