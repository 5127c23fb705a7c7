/**
 * `authenticate(ctx) → Actor | null`, run on every request before its scope exists:
 *
 *   Authorization: Bearer <JWT>        → a user, in the token's workspace
 *   Authorization: Bearer nd_… / X-API-Key: nd_… → an API key, with only its own permissions
 *   the session cookie                 → a user; unsafe methods also pass the CSRF check
 *
 * Every request re-reads the session, user, membership and role (nothing is cached across
 * requests), so logout, a disabled account, a removed membership, a changed role or a changed
 * password take effect on the next request, not when the token expires.
 *
 * A presented Bearer token or API key that fails is a 401 with a code (`token_invalid`,
 * `token_expired`, `session_revoked`, `api_key_invalid`, …). A session cookie that fails is
 * ignored instead: browsers send cookies everywhere, and an expired one must not break public
 * pages; protected routes then answer the anonymous caller with 401.
 *
 * The credential-exchange routes (sign-up, login, refresh, logout, session) read credentials
 * from their body or the refresh cookie themselves, so a stale access token sent along does not
 * stop a client from getting a new one.
 */
import type Koa from 'koa';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Actor } from '../kernel/contract.js';
import type { Clock } from '../kernel/clock.js';
import { NovumError } from '../kernel/errors.js';
import type { Authenticate } from '../http/scope.js';
import { API_PREFIX } from '../http/app.js';
import type { ApiKeys } from './api-keys.js';
import { looksLikeApiKey } from './api-keys.js';
import { readInIdentityContext, uuidLiteral } from './db.js';
import { effectivePermissions } from './permissions.js';
import { isSafeMethod, type CookieSessions } from './sessions.js';
import { tokenInvalid, type AccessClaims, type TokenService } from './tokens.js';

export interface AuthInfo {
  method: 'bearer' | 'cookie' | 'apiKey';
  /** The session (refresh family) of a user actor. */
  sessionId?: string;
}

const authInfo = new WeakMap<object, AuthInfo>();

/** How the current request authenticated (for routes that act on the session itself). */
export function requestAuth(ctx: object): AuthInfo | undefined {
  return authInfo.get(ctx);
}

/** Paths (under the API prefix) that exchange credentials and authenticate by themselves. */
export const CREDENTIAL_EXCHANGE_PATHS: ReadonlySet<string> = new Set(
  [
    '/auth/signup',
    '/auth/login',
    '/auth/refresh',
    '/auth/logout',
    '/auth/session',
    '/auth/session/refresh',
    // Token-bearing links from service messages: the token is the credential, so a stale or
    // foreign session cookie (and its CSRF check) must not stand in the way.
    '/auth/password-reset',
    '/auth/password-reset/confirm',
    '/auth/verify-email',
  ].map((p) => `${API_PREFIX}${p}`),
);

const URL_CREDENTIALS = /^(api[_-]?key|access[_-]?token|refresh[_-]?token)$/i;

export interface AuthenticatorDeps {
  orm: MikroORM;
  clock: Clock;
  tokens: TokenService;
  apiKeys: ApiKeys;
  cookies: CookieSessions;
  idleSeconds: number;
  /** Permissions of every loaded module and plugin (the permission catalog). */
  catalog?: readonly string[];
}

export function createAuthenticate(deps: AuthenticatorDeps): Authenticate {
  return async function authenticate(ctx: Koa.Context): Promise<Actor | null> {
    if (Object.keys(ctx.query).some((name) => URL_CREDENTIALS.test(name))) {
      throw new NovumError(
        'credentials_in_url',
        'Credentials are not accepted in the URL; send them in a header',
        { status: 401 },
      );
    }
    if (CREDENTIAL_EXCHANGE_PATHS.has(ctx.path.replace(/\/+$/, ''))) return null;

    const authorization = ctx.get('authorization');
    if (authorization) {
      const match = /^Bearer +([A-Za-z0-9._~+/=-]+) *$/i.exec(authorization);
      if (!match) throw tokenInvalid();
      const credential = match[1]!;
      if (looksLikeApiKey(credential)) return apiKeyActor(ctx, credential);
      const claims = deps.tokens.verify(credential);
      authInfo.set(ctx, { method: 'bearer', sessionId: claims.sid });
      return userActor(claims);
    }
    const apiKey = ctx.get('x-api-key');
    if (apiKey) return apiKeyActor(ctx, apiKey);
    return cookieActor(ctx);
  };

  async function apiKeyActor(ctx: Koa.Context, key: string): Promise<Actor> {
    const actor = await deps.apiKeys.authenticate(key.trim());
    authInfo.set(ctx, { method: 'apiKey' });
    return actor;
  }

  async function cookieActor(ctx: Koa.Context): Promise<Actor | null> {
    const policy = deps.cookies.policy(ctx);
    const token = policy ? ctx.cookies.get(policy.names.session) : undefined;
    if (!policy || !token) return null;
    let claims: AccessClaims;
    let actor: Actor;
    try {
      claims = deps.tokens.verify(token);
      actor = await userActor(claims);
    } catch (error) {
      if (error instanceof NovumError && error.status === 401) return null;
      throw error;
    }
    if (!isSafeMethod(ctx.method)) deps.cookies.assertCsrf(ctx, policy, claims.sid);
    authInfo.set(ctx, { method: 'cookie', sessionId: claims.sid });
    return actor;
  }

  async function userActor(claims: AccessClaims): Promise<Actor> {
    // The hot path of every request: one round trip (see readInIdentityContext).
    const rows = await readInIdentityContext(
      deps.orm,
      { workspaceId: claims.wid, userId: claims.sub },
      `select s.revoked_at, s.expires_at, s.last_used_at, u.disabled_at, u.password_changed_at,
              r.builtin, r.key, r.permissions
         from auth_session s
         join user_account u on u.id = s.user_id
         join membership m on m.user_id = s.user_id and m.workspace_id = s.workspace_id
         join role r on r.id = m.role_id
        where s.id = ${uuidLiteral(claims.sid)} and s.user_id = ${uuidLiteral(claims.sub)}
          and s.workspace_id = ${uuidLiteral(claims.wid)}`,
    );
    const row = rows[0];
    // No session, no membership, no user: all look the same from outside.
    if (!row || row.disabled_at) throw tokenInvalid();
    if (row.revoked_at) throw sessionEnded('session_revoked');
    const now = deps.clock.now().getTime();
    const lastUsed = new Date(row.last_used_at).getTime();
    if (now >= new Date(row.expires_at).getTime() || now >= lastUsed + deps.idleSeconds * 1000) {
      throw sessionEnded('session_expired');
    }
    // Whole seconds: `iat` has no more precision, and a token issued in the same second as the
    // change (the one the change itself hands out) must still pass.
    if (claims.iat < Math.floor(new Date(row.password_changed_at).getTime() / 1000)) {
      throw tokenInvalid();
    }
    return {
      kind: 'user',
      id: claims.sub,
      workspaceId: claims.wid,
      permissions: effectivePermissions(
        { builtin: row.builtin, key: row.key, permissions: row.permissions },
        deps.catalog,
      ),
    };
  }
}

function sessionEnded(code: 'session_revoked' | 'session_expired'): NovumError {
  return new NovumError(
    code,
    code === 'session_expired'
      ? 'The session has expired; sign in again'
      : 'The session has ended; sign in again',
    { status: 401 },
  );
}
