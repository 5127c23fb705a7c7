/**
 * First middleware: gives every request an id and a logger bound to it, and opens
 * `ctx.state.novumdesk` for the rest of the chain.
 */
import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import type { Logger } from '../kernel/logger.js';
import type { NovumState } from './state.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';

// An incoming id is echoed into headers and logs, so only a short token-like value is taken:
// anything else could smuggle log lines, header splits or unbounded data.
const SAFE_REQUEST_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The incoming id when it is safe to reuse (a proxy's or a client's correlation id), else null. */
export function sanitizeRequestId(value: string | undefined): string | null {
  return value !== undefined && SAFE_REQUEST_ID.test(value) ? value : null;
}

export function requestIdMiddleware(logger: Logger): Koa.Middleware<NovumState> {
  return async function requestId(ctx, next) {
    const id = sanitizeRequestId(ctx.get(REQUEST_ID_HEADER) || undefined) ?? randomUUID();
    ctx.state.novumdesk = { requestId: id, logger: logger.child({ requestId: id }), actor: null };
    ctx.set(REQUEST_ID_HEADER, id);
    await next();
  };
}
