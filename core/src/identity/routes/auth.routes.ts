/**
 * Token-based sign-in for API clients and the SPA alike: sign-up, login, refresh, logout and
 * password change. Browser cookie sessions are in session.routes.ts.
 */
import type Koa from 'koa';
import { defineRoute, type RouteDefinition } from '../../http/route.js';
import { NovumError, errors } from '../../kernel/errors.js';
import { requestAuth } from '../authenticate.js';
import { inIdentityContext } from '../db.js';
import { TooManyRequestsError } from '../http-errors.js';
import { assertPasswordAllowed, hashPassword, verifyPassword } from '../passwords.js';
import type { IdentityService } from '../service.js';
import { signUp } from '../signup.js';
import {
  LoginBody,
  PasswordChangeBody,
  PasswordChanged,
  RefreshBody,
  SignupAccepted,
  SignupBody,
  TokenPair,
} from './schemas.js';

const TAGS = ['auth'];
const tooMany = { description: 'Too many attempts (see Retry-After)' };

/** Rate limit by client IP; 429 with Retry-After when over. */
export async function limitByIp(
  identity: IdentityService,
  ctx: Koa.Context | Koa.ParameterizedContext,
  kind: string,
  limit: { limit: number; windowSeconds: number },
): Promise<void> {
  const hit = await identity.limiter.hit(
    identity.limiter.key(kind, identity.clientInfo(ctx).ip),
    limit,
  );
  if (!hit.allowed) throw new TooManyRequestsError(hit.retryAfterSeconds);
}

export function authRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/auth/signup',
      operationId: 'signUp',
      summary: 'Create a workspace and its owner account',
      description:
        'Always answers 202, whether or not the address already has an account; a verification ' +
        'message (or, for an existing account, a notice) is sent to the address.',
      tags: TAGS,
      access: 'public',
      request: { body: SignupBody },
      responses: {
        202: { description: 'Accepted; check the inbox', schema: SignupAccepted },
        429: tooMany,
      },
      async handler({ body, scope, koa }) {
        const { identity } = scope.cradle;
        await limitByIp(identity, koa, 'signup:ip', identity.options.rateLimits.signupPerIp);
        await signUp(identity, body, identity.clientInfo(koa));
        return {
          status: 'verification_sent' as const,
          message: 'Check your inbox: we sent a message to confirm the address.',
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/login',
      operationId: 'logIn',
      summary: 'Sign in with email and password; returns an access and a refresh token',
      tags: TAGS,
      access: 'public',
      request: { body: LoginBody },
      responses: {
        200: { description: 'Signed in', schema: TokenPair },
        401: { description: 'Wrong email or password (`invalid_credentials`)' },
        403: { description: 'Account disabled, or no such workspace for this account' },
        429: tooMany,
      },
      async handler({ body, scope, koa }) {
        const { identity } = scope.cradle;
        koa.set('Cache-Control', 'no-store'); // tokens in the body (RFC 6749 §5.1)
        const client = identity.clientInfo(koa);
        const login = await identity.login.verify(body, client);
        const issued = await identity.sessions.start(
          { userId: login.userId, workspaceId: login.workspaceId, kind: 'token' },
          client,
        );
        return {
          accessToken: issued.accessToken,
          refreshToken: issued.refreshToken,
          tokenType: 'Bearer' as const,
          expiresIn: issued.expiresIn,
          workspaceId: issued.workspaceId,
          workspaces: login.workspaces,
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/refresh',
      operationId: 'refreshTokens',
      summary: 'Exchange a refresh token for a new token pair (the old refresh token is spent)',
      tags: TAGS,
      access: 'public',
      request: { body: RefreshBody },
      responses: {
        200: { description: 'New tokens', schema: TokenPair },
        401: { description: 'Invalid, expired, reused or revoked refresh token' },
        429: tooMany,
      },
      async handler({ body, scope, koa }) {
        const { identity } = scope.cradle;
        koa.set('Cache-Control', 'no-store');
        await limitByIp(identity, koa, 'refresh:ip', identity.options.rateLimits.refreshPerIp);
        const issued = await identity.sessions.rotate(body.refreshToken);
        return {
          accessToken: issued.accessToken,
          refreshToken: issued.refreshToken,
          tokenType: 'Bearer' as const,
          expiresIn: issued.expiresIn,
          workspaceId: issued.workspaceId,
          workspaces: await identity.login.workspacesOf(issued.userId),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/logout',
      operationId: 'logOut',
      summary: 'End the session of a refresh token (its access tokens stop working too)',
      tags: TAGS,
      access: 'public',
      request: { body: RefreshBody },
      responses: { 204: { description: 'Signed out (also for an unknown or spent token)' } },
      async handler({ body, scope, koa }) {
        const { identity } = scope.cradle;
        const ref = await identity.sessions.lookup(body.refreshToken);
        if (ref) {
          await identity.sessions.revoke(ref, 'logout');
          await identity.audit.record({
            action: 'authn_logout',
            workspaceId: ref.workspaceId,
            actor: { kind: 'user', id: ref.userId },
            target: { type: 'session', id: ref.sessionId },
            ...identity.clientInfo(koa),
          });
        }
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/password',
      operationId: 'changePassword',
      summary: 'Change your password; every other session is signed out',
      tags: TAGS,
      access: 'authenticated',
      // Works on the user's sessions in every workspace, so not inside one workspace's transaction.
      tenancy: 'none',
      request: { body: PasswordChangeBody },
      responses: {
        200: { description: 'Changed', schema: PasswordChanged },
        403: { description: 'Wrong current password, or not a user' },
        429: tooMany,
      },
      async handler({ body, scope, actor, koa }) {
        const { identity } = scope.cradle;
        const auth = requestAuth(koa);
        if (!actor || actor.kind !== 'user' || !actor.workspaceId || !auth?.sessionId) {
          throw errors.forbidden('users_only', 'Only a signed-in user can change their password');
        }
        const userId = actor.id;
        const limit = { limit: 10, windowSeconds: 900 };
        const hit = await identity.limiter.hit(
          identity.limiter.key('password-change', userId),
          limit,
        );
        if (!hit.allowed) throw new TooManyRequestsError(hit.retryAfterSeconds);
        const rows = await inIdentityContext(identity.orm, { userId }, (sql) =>
          sql(`select email, password_hash from user_account where id = ?`, [userId]),
        );
        const user = rows[0];
        if (!user || !(await verifyPassword(user.password_hash, body.currentPassword))) {
          await identity.audit.record({
            action: 'authn_password_change_fail',
            workspaceId: actor.workspaceId,
            actor: { kind: 'user', id: userId },
            target: { type: 'user', id: userId },
            ...identity.clientInfo(koa),
          });
          throw new NovumError('invalid_current_password', 'The current password is not correct', {
            status: 403,
          });
        }
        assertPasswordAllowed(body.newPassword, { email: user.email }, 'body.newPassword');
        const hash = await hashPassword(body.newPassword);
        await inIdentityContext(identity.orm, { userId }, async (sql) => {
          const now = identity.clock.now();
          await sql(
            `update user_account set password_hash = ?, password_changed_at = ? where id = ?`,
            [hash, now, userId],
          );
          // A reset link sent before the change must not undo it (SEC-29).
          await sql(
            `update action_token set used_at = ?
              where user_id = ? and purpose = 'reset_password' and used_at is null`,
            [now, userId],
          );
        });
        const revokedSessions = await identity.sessions.revokeAllOfUser(
          userId,
          'password_changed',
          {
            exceptSessionId: auth.sessionId,
          },
        );
        await identity.audit.record({
          action: 'authn_password_change',
          workspaceId: actor.workspaceId,
          actor: { kind: 'user', id: userId },
          target: { type: 'user', id: userId },
          ...identity.clientInfo(koa),
          metadata: { revokedSessions },
        });
        // Tokens issued before the change are refused from now on (`iat` check), this
        // session's too: hand it a fresh one.
        const access = identity.sessions.accessTokenFor({
          sessionId: auth.sessionId,
          userId,
          workspaceId: actor.workspaceId,
        });
        if (auth.method === 'cookie') {
          const policy = identity.cookies.requirePolicy(koa as Koa.Context);
          identity.cookies.setAccess(koa as Koa.Context, policy, access.token, access.expiresIn);
          return { expiresIn: access.expiresIn, revokedSessions };
        }
        return { accessToken: access.token, expiresIn: access.expiresIn, revokedSessions };
      },
    }),
  ];
}
