/**
 * `POST /auth/password-reset`, `POST /auth/password-reset/confirm`, `POST /auth/verify-email`,
 * `POST /auth/verify-email/resend`. All are rate-limited with the identity module's limiter;
 * they run outside any workspace transaction (public, or `tenancy: 'none'`), because they act on
 * the user's account across workspaces and the limiter uses its own connection.
 */
import type Koa from 'koa';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { TooManyRequestsError } from '../identity/http-errors.js';
import { hashPassword } from '../identity/passwords.js';
import type { IdentityService } from '../identity/service.js';
import { requireUser } from './context.js';
import { limitByIp } from '../identity/routes/auth.routes.js';
import type { MembersOptions } from './options.js';
import {
  confirmPasswordReset,
  requestPasswordReset,
  resendVerification,
  verifyEmail,
  type RecoveryDeps,
} from './recovery.js';
import {
  Accepted,
  PasswordResetConfirmBody,
  PasswordResetRequestBody,
  TokenBody,
} from './schemas.js';

const TAGS = ['auth'];
const tooMany = { description: 'Too many attempts (see Retry-After)' };
const badToken = { description: 'Unknown token (`token_invalid`)' };
const spentToken = { description: 'Used or expired token (`token_used`, `token_expired`)' };

function deps(
  identity: IdentityService,
  koa: Koa.Context | Koa.ParameterizedContext,
): RecoveryDeps {
  return {
    orm: identity.orm,
    clock: identity.clock,
    mailer: identity.mailer,
    audit: identity.audit,
    publicBaseUrl: identity.publicBaseUrl,
    client: identity.clientInfo(koa),
  };
}

export function recoveryRoutes(options: MembersOptions): RouteDefinition[] {
  const limits = options.rateLimits;
  return [
    defineRoute({
      method: 'post',
      path: '/auth/password-reset',
      operationId: 'requestPasswordReset',
      summary: 'Send a password-reset link to an address, if it has an account',
      description:
        'Always 202, whether or not the address has an account (no account enumeration). The ' +
        'link works once and expires after an hour; asking again withdraws the earlier link.',
      tags: TAGS,
      access: 'public',
      request: { body: PasswordResetRequestBody },
      responses: { 202: { description: 'Accepted', schema: Accepted }, 429: tooMany },
      async handler({ body, scope, koa }) {
        const { identity } = scope.cradle;
        await limitByIp(identity, koa, 'password-reset:ip', limits.passwordResetPerIp);
        // Per typed address, whether it exists or not: over the limit nothing is sent, and the
        // answer stays the same, so neither the limit nor the answer tells whether it exists.
        const perAccount = await identity.limiter.hit(
          identity.limiter.key('password-reset:account', body.email.trim().toLowerCase()),
          limits.passwordResetPerAccount,
        );
        if (perAccount.allowed) {
          await requestPasswordReset(
            body.email,
            options.passwordResetTtlSeconds,
            deps(identity, koa),
          );
        }
        return { status: 'accepted' as const };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/password-reset/confirm',
      operationId: 'confirmPasswordReset',
      summary: 'Set a new password with a reset link; every session of the account is signed out',
      tags: TAGS,
      access: 'public',
      request: { body: PasswordResetConfirmBody },
      responses: {
        204: { description: 'Password set; sign in again' },
        400: badToken,
        410: spentToken,
        429: tooMany,
      },
      async handler({ body, scope, koa }) {
        const { identity } = scope.cradle;
        await limitByIp(identity, koa, 'token:ip', limits.tokenPerIp);
        const passwordHash = await hashPassword(body.newPassword);
        await confirmPasswordReset(body.token, body.newPassword, passwordHash, deps(identity, koa));
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/verify-email',
      operationId: 'verifyEmail',
      summary: 'Confirm an email address with the link sent to it',
      tags: TAGS,
      access: 'public',
      request: { body: TokenBody },
      responses: { 204: { description: 'Verified' }, 400: badToken, 410: spentToken, 429: tooMany },
      async handler({ body, scope, koa }) {
        const { identity } = scope.cradle;
        await limitByIp(identity, koa, 'token:ip', limits.tokenPerIp);
        await verifyEmail(body.token, deps(identity, koa));
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/verify-email/resend',
      operationId: 'resendVerificationEmail',
      summary: 'Send a new verification link to your own address',
      tags: TAGS,
      access: 'authenticated',
      // The user's own rows, and the limiter's connection: not inside a workspace transaction.
      tenancy: 'none',
      responses: {
        202: { description: 'Sent', schema: Accepted },
        403: { description: 'Not a user' },
        409: { description: 'Already verified (`email_already_verified`)' },
        429: tooMany,
      },
      async handler({ scope, actor, koa }) {
        const user = requireUser(actor);
        const { identity } = scope.cradle;
        const hit = await identity.limiter.hit(
          identity.limiter.key('verify-resend:user', user.id),
          limits.verificationResendPerUser,
        );
        if (!hit.allowed) throw new TooManyRequestsError(hit.retryAfterSeconds);
        await resendVerification(
          user.id,
          user.workspaceId ?? null,
          identity.options.verificationTokenTtlSeconds,
          deps(identity, koa),
        );
        return { status: 'accepted' as const };
      },
    }),
  ];
}
