/**
 * JSON request bodies only. Other media types are left unread, so a route that wants the raw
 * stream (uploads) can have it; a route that declares a JSON body rejects them with 415
 * (`validate.ts`). The parsed text stays on `ctx.request.rawBody` for webhook signatures.
 */
import { bodyParser } from '@koa/bodyparser';
import type Koa from 'koa';

export const DEFAULT_BODY_LIMIT = '1mb';

/** Media types parsed as JSON (merge-patch, problem, … included), for `ctx.is()` checks. */
export const JSON_MEDIA_TYPES = ['application/json', 'application/*+json'];

/** `limit` in `bytes` notation (`'1mb'`, `'512kb'`); larger bodies get 413 before being read. */
export function jsonBodyMiddleware(limit: string = DEFAULT_BODY_LIMIT): Koa.Middleware {
  return bodyParser({
    enableTypes: ['json'],
    jsonLimit: limit,
    // Strict: only an object or an array at the top level, like every body this API accepts.
    jsonStrict: true,
    encoding: 'utf-8',
    // The parser merges this index by index over its own list; both entries are kept on purpose.
    extendTypes: { json: [...JSON_MEDIA_TYPES] },
  });
}
