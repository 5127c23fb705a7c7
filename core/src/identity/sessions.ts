/**
 * Browser sessions: the same access and refresh tokens as API clients get, but in cookies the
 * page's scripts cannot read, plus a CSRF token they can.
 *
 *   __Host-novumdesk_session  the access JWT     HttpOnly; Secure; SameSite=Lax;    Path=/
 *   __Host-novumdesk_refresh  the refresh token  HttpOnly; Secure; SameSite=Strict; Path=/
 *   novumdesk_csrf            the CSRF token     Secure; SameSite=Strict; Path=/ (readable)
 *
 * `__Host-` (no Domain, Path=/, Secure) stops a sibling subdomain from planting a session cookie;
 * it forces Path=/ on the refresh cookie too, so that one is Strict instead of path-scoped. The
 * session cookie is Lax so that following a link to the admin UI from an email keeps you in.
 *
 * CSRF (ASVS 3.5): a cookie-authenticated request with an unsafe method must carry
 * `X-CSRF-Token` equal to the CSRF cookie and to HMAC(session id) — a signed double submit, so a
 * planted cookie value is useless without our key — and must not come from another site by
 * `Sec-Fetch-Site` or a foreign `Origin`. A Bearer token or API key needs none of this: a
 * browser never attaches those by itself.
 *
 * Plain-HTTP development: browsers refuse `Secure` cookies over http (except on localhost) and
 * `__Host-` requires Secure, so on a non-TLS request to a loopback host, or with the operator's
 * `cookies.insecureDevelopment`, the names lose the prefix and the attribute. On any other
 * plain-HTTP request cookies are neither set nor read.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type Koa from 'koa';
import { NovumError } from '../kernel/errors.js';
import { deriveKey } from './keys.js';

export interface CookieNames {
  session: string;
  refresh: string;
  csrf: string;
}

export interface CookiePolicy {
  secure: boolean;
  names: CookieNames;
}

export const SECURE_COOKIE_NAMES: CookieNames = {
  session: '__Host-novumdesk_session',
  refresh: '__Host-novumdesk_refresh',
  csrf: 'novumdesk_csrf',
};

export const DEV_COOKIE_NAMES: CookieNames = {
  session: 'novumdesk_session',
  refresh: 'novumdesk_refresh',
  csrf: 'novumdesk_csrf',
};

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const isSafeMethod = (method: string): boolean => SAFE_METHODS.has(method.toUpperCase());

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    /^127(\.\d{1,3}){3}$/.test(host)
  );
}

/** How cookies work on this request, or null when they cannot be used safely. */
export function cookiePolicy(ctx: Koa.Context, insecureDevelopment: boolean): CookiePolicy | null {
  if (ctx.secure) return { secure: true, names: SECURE_COOKIE_NAMES };
  if (insecureDevelopment || isLoopback(ctx.hostname)) {
    return { secure: false, names: DEV_COOKIE_NAMES };
  }
  return null;
}

export const csrfFailed = (reason: string): NovumError =>
  new NovumError('csrf_failed', 'The request failed the cross-site request forgery check', {
    status: 403,
    details: { reason },
  });

export class CookieSessions {
  private readonly csrfKey: Buffer;

  constructor(
    secret: string,
    private readonly options: { insecureDevelopment: boolean; publicUrl?: string | undefined },
  ) {
    this.csrfKey = deriveKey(secret, 'csrf');
  }

  policy(ctx: Koa.Context): CookiePolicy | null {
    return cookiePolicy(ctx, this.options.insecureDevelopment);
  }

  /** The policy, or a 400 explaining that browser sessions need HTTPS here. */
  requirePolicy(ctx: Koa.Context): CookiePolicy {
    const policy = this.policy(ctx);
    if (!policy) {
      throw new NovumError(
        'https_required',
        'Browser sessions need HTTPS (behind a TLS proxy, set trustProxy)',
        { status: 400 },
      );
    }
    return policy;
  }

  csrfToken(sessionId: string): string {
    return createHmac('sha256', this.csrfKey).update(sessionId).digest('base64url');
  }

  set(
    ctx: Koa.Context,
    policy: CookiePolicy,
    session: {
      sessionId: string;
      accessToken: string;
      expiresIn: number;
      refreshToken: string;
      refreshExpiresAt: Date;
    },
    now: Date,
  ): string {
    const csrf = this.csrfToken(session.sessionId);
    const base = { path: '/', secure: policy.secure, overwrite: true } as const;
    const refreshMs = Math.max(0, session.refreshExpiresAt.getTime() - now.getTime());
    ctx.cookies.set(policy.names.session, session.accessToken, {
      ...base,
      httpOnly: true,
      sameSite: 'lax',
      maxAge: session.expiresIn * 1000,
    });
    ctx.cookies.set(policy.names.refresh, session.refreshToken, {
      ...base,
      httpOnly: true,
      sameSite: 'strict',
      maxAge: refreshMs,
    });
    ctx.cookies.set(policy.names.csrf, csrf, {
      ...base,
      httpOnly: false,
      sameSite: 'strict',
      maxAge: refreshMs,
    });
    return csrf;
  }

  /** Replaces only the access cookie (a new token for the same session). */
  setAccess(ctx: Koa.Context, policy: CookiePolicy, accessToken: string, expiresIn: number): void {
    ctx.cookies.set(policy.names.session, accessToken, {
      path: '/',
      secure: policy.secure,
      overwrite: true,
      httpOnly: true,
      sameSite: 'lax',
      maxAge: expiresIn * 1000,
    });
  }

  clear(ctx: Koa.Context, policy: CookiePolicy): void {
    const base = {
      path: '/',
      secure: policy.secure,
      overwrite: true,
      expires: new Date(0),
    } as const;
    ctx.cookies.set(policy.names.session, '', { ...base, httpOnly: true, sameSite: 'lax' });
    ctx.cookies.set(policy.names.refresh, '', { ...base, httpOnly: true, sameSite: 'strict' });
    ctx.cookies.set(policy.names.csrf, '', { ...base, httpOnly: false, sameSite: 'strict' });
  }

  /** Refuses a request that another site could have made (any method). */
  assertSameOrigin(ctx: Koa.Context): void {
    const site = ctx.get('sec-fetch-site');
    if (site && site !== 'same-origin' && site !== 'none') throw csrfFailed('cross_site');
    const origin = ctx.get('origin');
    if (origin && !this.allowedOrigins(ctx).includes(origin)) throw csrfFailed('foreign_origin');
  }

  /** The whole check for a cookie-authenticated unsafe request of session `sessionId`. */
  assertCsrf(ctx: Koa.Context, policy: CookiePolicy, sessionId: string): void {
    this.assertSameOrigin(ctx);
    const header = ctx.get(CSRF_HEADER);
    const cookie = ctx.cookies.get(policy.names.csrf) ?? '';
    if (!header) throw csrfFailed('missing_token');
    const expected = this.csrfToken(sessionId);
    if (!equal(header, expected) || !equal(cookie, expected)) throw csrfFailed('token_mismatch');
  }

  private allowedOrigins(ctx: Koa.Context): string[] {
    const own = `${ctx.protocol}://${ctx.host}`;
    return this.options.publicUrl ? [own, new URL(this.options.publicUrl).origin] : [own];
  }
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
