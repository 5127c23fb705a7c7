/**
 * What the middleware chain leaves on `ctx.state.novumdesk` for the layers after it. Kept under
 * one key so an embedding host's own `ctx.state` fields cannot collide with ours.
 */
import type { AwilixContainer } from 'awilix';
import type Koa from 'koa';
import type { Actor, RequestCradle } from '../kernel/contract.js';
import type { Logger } from '../kernel/logger.js';
import { NovumError } from '../kernel/errors.js';
import type { ValidatedInput } from './validate.js';

export interface RequestState {
  requestId: string;
  /** Child of the app logger bound to `requestId`. */
  logger: Logger;
  actor: Actor | null;
  /** Set by the scope middleware; absent only before it ran. */
  scope?: AwilixContainer<RequestCradle>;
  /** Parsed route input (`validate.ts`), present once validation passed. */
  input?: ValidatedInput;
  /** Per-response CSP nonce for inline `<script>`/`<style>` in HTML pages we render. */
  cspNonce?: string;
}

export interface NovumState {
  novumdesk: RequestState;
}

export type NovumContext = Koa.ParameterizedContext<NovumState>;

/** The request state, or a 500 if the chain was assembled without the request-id middleware. */
export function requestState(ctx: Koa.Context | Koa.ParameterizedContext): RequestState {
  const state = (ctx.state as Partial<NovumState>).novumdesk;
  if (!state) {
    throw new NovumError('internal_error', 'Request state missing: middleware order is wrong');
  }
  return state;
}
