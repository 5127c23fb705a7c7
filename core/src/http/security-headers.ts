/**
 * Security headers (helmet) for the JSON API and the Vue SPA served from the same origin.
 *
 * The CSP allows only same-origin code. Inline `<script>`/`<style>` need the per-response nonce
 * (`ctx.state.novumdesk.cspNonce`): the SPA's import map for plugin panels is an inline script,
 * and server-rendered pages such as the API docs carry their CSS inline.
 *
 * HSTS and `upgrade-insecure-requests` go only on secure requests: a browser ignores HSTS over
 * plain HTTP anyway, and upgrading sub-requests would break a plain-HTTP install (a LAN or a
 * dev box). "Secure" is `ctx.secure`, which honours X-Forwarded-Proto only when `app.proxy` is on.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Koa from 'koa';
import helmet from 'koa-helmet';
import type { NovumState } from './state.js';

export type CspDirectives = Record<string, string[] | null>;

export interface SecurityHeadersOptions {
  /** Merged over the defaults; `null` removes a directive. Plugins with iframe panels add `frame-src`. */
  cspDirectives?: CspDirectives;
  /** HSTS max-age in seconds; default one year. */
  hstsMaxAgeSeconds?: number;
}

const ONE_YEAR = 365 * 24 * 60 * 60;

type DirectiveValue = string | ((req: IncomingMessage, res: ServerResponse) => string);

// helmet calls directive functions with the raw req/res; the nonce travels with the response.
const nonces = new WeakMap<ServerResponse, string>();
const nonceSource = (_req: IncomingMessage, res: ServerResponse): string =>
  `'nonce-${nonces.get(res) ?? ''}'`;

export function defaultCspDirectives(): CspDirectives {
  return {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    'connect-src': ["'self'"],
    'font-src': ["'self'", 'data:'],
    'form-action': ["'self'"],
    'frame-ancestors': ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'manifest-src': ["'self'"],
    'object-src': ["'none'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'"],
  };
}

export function securityHeadersMiddleware(
  options: SecurityHeadersOptions = {},
): Koa.Middleware<NovumState> {
  const directives: Record<string, DirectiveValue[] | null> = {
    ...defaultCspDirectives(),
    ...options.cspDirectives,
  };
  for (const name of ['script-src', 'style-src']) {
    const value = directives[name];
    if (value) directives[name] = [...value, nonceSource];
  }

  const build = (secure: boolean) =>
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: secure ? { ...directives, 'upgrade-insecure-requests': [] } : directives,
      },
      strictTransportSecurity: secure
        ? { maxAge: options.hstsMaxAgeSeconds ?? ONE_YEAR, includeSubDomains: true }
        : false,
    });
  const secureHeaders = build(true);
  const plainHeaders = build(false);

  return async function securityHeaders(ctx, next) {
    const nonce = randomBytes(16).toString('base64');
    nonces.set(ctx.res, nonce);
    ctx.state.novumdesk.cspNonce = nonce;
    await (ctx.secure ? secureHeaders : plainHeaders)(ctx, next);
  };
}
