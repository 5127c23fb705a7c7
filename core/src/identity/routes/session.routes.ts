/**
 * Browser sessions (the admin UI): the same sign-in and refresh as auth.routes.ts, but the
 * tokens travel in HttpOnly cookies and the response carries the CSRF token (sessions.ts).
 */
import type Koa from 'koa';
import { defineRoute, type RouteDefinition } from '../../http/route.js';
import { refreshFailure, type SessionRef } from '../refresh.js';
import type { IdentityService } from '../service.js';
import { BrowserSession, LoginBody } from './schemas.js';
import { limitByIp } from './auth.routes.js';

const TAGS = ['auth'];

export function sessionRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/auth/session',
      operationId: 'createSession',
      summary: 'Sign in a browser: sets the session, refresh and CSRF cookies',
      tags: TAGS,
      access: 'public',
      request: { body: LoginBody },
      responses: {
        200: { description: 'Signed in; cookies set', schema: BrowserSession },
        400: { description: 'Plain HTTP on a host other than loopback (`https_required`)' },
        401: { description: 'Wrong email or password' },
        403: { description: 'Cross-site request, disabled account, or no such workspace' },
        429: { description: 'Too many attempts (see Retry-After)' },
      },
      async handler({ body, scope, koa }) {
        const { identity } = scope.cradle;
        const ctx = koa as Koa.Context;
        ctx.set('Cache-Control', 'no-store');
        // A login from another site would sign the victim into the attacker's account.
        identity.cookies.assertSameOrigin(ctx);
        const policy = identity.cookies.requirePolicy(ctx);
        const client = identity.clientInfo(ctx);
        const login = await identity.login.verify(body, client);
        const issued = await identity.sessions.start(
          { userId: login.userId, workspaceId: login.workspaceId, kind: 'cookie' },
          client,
        );
        const csrfToken = identity.cookies.set(ctx, policy, issued, identity.clock.now());
        return {
          csrfToken,
          expiresIn: issued.expiresIn,
          workspaceId: issued.workspaceId,
          workspaces: login.workspaces,
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/session/refresh',
      operationId: 'refreshSession',
      summary: 'Rotate the browser session cookies (needs X-CSRF-Token)',
      tags: TAGS,
      access: 'public',
      responses: {
        200: { description: 'New cookies set', schema: BrowserSession },
        401: { description: 'No valid refresh cookie' },
        403: { description: 'CSRF check failed (`csrf_failed`)' },
        429: { description: 'Too many attempts (see Retry-After)' },
      },
      async handler({ scope, koa }) {
        const { identity } = scope.cradle;
        const ctx = koa as Koa.Context;
        ctx.set('Cache-Control', 'no-store');
        await limitByIp(identity, ctx, 'refresh:ip', identity.options.rateLimits.refreshPerIp);
        const policy = identity.cookies.requirePolicy(ctx);
        const raw = ctx.cookies.get(policy.names.refresh);
        const ref = raw ? await identity.sessions.lookup(raw) : null;
        if (!raw || !ref) throw refreshFailure('token_invalid');
        identity.cookies.assertCsrf(ctx, policy, ref.sessionId);
        const issued = await identity.sessions.rotate(raw);
        const csrfToken = identity.cookies.set(ctx, policy, issued, identity.clock.now());
        return { csrfToken, expiresIn: issued.expiresIn, workspaceId: issued.workspaceId };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/auth/session',
      operationId: 'deleteSession',
      summary: 'Sign the browser out: ends the session and clears its cookies (needs X-CSRF-Token)',
      tags: TAGS,
      access: 'public',
      responses: {
        204: { description: 'Signed out' },
        403: { description: 'CSRF check failed (`csrf_failed`)' },
      },
      async handler({ scope, koa }) {
        const { identity } = scope.cradle;
        const ctx = koa as Koa.Context;
        identity.cookies.assertSameOrigin(ctx);
        const policy = identity.cookies.policy(ctx);
        if (!policy) return undefined;
        const ref = await sessionOfCookies(identity, ctx, policy.names);
        if (ref) {
          identity.cookies.assertCsrf(ctx, policy, ref.sessionId);
          await identity.sessions.revoke(ref, 'logout');
          await identity.audit.record({
            action: 'authn_logout',
            workspaceId: ref.workspaceId,
            actor: { kind: 'user', id: ref.userId },
            target: { type: 'session', id: ref.sessionId },
            ...identity.clientInfo(ctx),
          });
        }
        identity.cookies.clear(ctx, policy);
        return undefined;
      },
    }),
  ];
}

/** The session named by the refresh cookie, else by a still-valid access cookie. */
async function sessionOfCookies(
  identity: IdentityService,
  ctx: Koa.Context,
  names: { session: string; refresh: string },
): Promise<SessionRef | null> {
  const raw = ctx.cookies.get(names.refresh);
  const ref = raw ? await identity.sessions.lookup(raw) : null;
  if (ref) return ref;
  const access = ctx.cookies.get(names.session);
  if (!access) return null;
  try {
    const claims = identity.tokens.verify(access);
    return { sessionId: claims.sid, userId: claims.sub, workspaceId: claims.wid };
  } catch {
    return null;
  }
}
