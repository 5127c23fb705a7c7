/**
 * Account recovery and email verification, built on the identity module's single-use action
 * tokens (identity/action-tokens.ts: 32 random bytes, stored as SHA-256, spent in the same
 * transaction as what they authorise).
 *
 * Password reset (Forgot Password cheat sheet, ASVS 6.4): the request is answered the same way
 * whether or not the address has an account; a new request withdraws the previous link; a reset
 * sets the password, ends every session of the user in every workspace and spends every other
 * reset link. A reset also proves the address, so it marks it verified.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../kernel/clock.js';
import { NovumError } from '../kernel/errors.js';
import { normalizeEmail } from '../identity/accounts.js';
import { consumeActionToken, issueActionToken } from '../identity/action-tokens.js';
import type { AuditLog } from '../identity/audit.js';
import { inIdentityContext, type Sql } from '../identity/db.js';
import type { Mailer } from '../identity/mailer.js';
import { assertPasswordAllowed } from '../identity/passwords.js';
import type { ActionTokenPurpose } from '../identity/entities/session.entity.js';

export interface RecoveryDeps {
  orm: MikroORM;
  clock: Clock;
  mailer: Mailer;
  audit: AuditLog;
  publicBaseUrl: string;
  client: { ip: string | null; userAgent: string | null };
}

/** Spends the user's other unused tokens of `purpose`: only the newest link works. */
async function withdrawTokens(
  sql: Sql,
  userId: string,
  purpose: ActionTokenPurpose,
  now: Date,
): Promise<void> {
  await sql(
    `update action_token set used_at = ? where user_id = ? and purpose = ? and used_at is null`,
    [now, userId, purpose],
  );
}

/**
 * Sends a reset link if `email` belongs to an active account; otherwise does nothing. The caller
 * answers 202 either way. The lookup runs in the narrow login-email context (one row at most).
 */
export async function requestPasswordReset(
  email: string,
  ttlSeconds: number,
  deps: RecoveryDeps,
): Promise<boolean> {
  const address = normalizeEmail(email);
  const now = deps.clock.now();
  const [user] = await inIdentityContext(deps.orm, { loginEmail: address }, (sql) =>
    sql(`select id, disabled_at from user_account where email = ?`, [address]),
  );
  if (!user || user.disabled_at) return false;
  const userId: string = user.id;
  await inIdentityContext(deps.orm, { userId }, async (sql, em) => {
    await withdrawTokens(sql, userId, 'reset_password', now);
    const token = await issueActionToken(sql, {
      purpose: 'reset_password',
      userId,
      email: address,
      ttlSeconds,
      now,
    });
    // The token rides in the fragment: browsers send it to no server and in no Referer.
    const link = `${deps.publicBaseUrl}/admin/reset-password#token=${token}`;
    await deps.mailer.send(
      {
        to: address,
        subject: 'Reset your NovumDesk password',
        text:
          `Someone, perhaps you, asked to reset the password of your NovumDesk account. ` +
          `Choose a new password by opening this link:\n\n${link}\n\n` +
          `The link works once and expires in ${Math.round(ttlSeconds / 60)} minutes. ` +
          'If you did not ask for it, ignore this message: your password stays as it is.',
        kind: 'reset_password',
      },
      { em },
    );
    await deps.audit.record(
      {
        action: 'authn_password_reset_request',
        ...deps.client,
        target: { type: 'user', id: userId },
      },
      sql,
    );
  });
  return true;
}

/** Sets the new password and signs the user out everywhere; 400/410 for a bad token. */
export async function confirmPasswordReset(
  token: string,
  newPassword: string,
  passwordHash: string,
  deps: RecoveryDeps,
): Promise<{ revokedSessions: number }> {
  const now = deps.clock.now();
  return consumeActionToken(
    deps.orm,
    deps.clock,
    'reset_password',
    token,
    async ({ userId, email }, sql) => {
      const [user] = await sql(`select email, disabled_at from user_account where id = ?`, [
        userId,
      ]);
      if (!user || user.disabled_at) {
        throw new NovumError('token_invalid', 'The link is not valid', { status: 400 });
      }
      // A throw here rolls the token back too, so the user can try another password.
      assertPasswordAllowed(newPassword, { email: user.email }, 'body.newPassword');
      await sql(
        `update user_account
          set password_hash = ?, password_changed_at = ?,
              email_verified_at = case when email_verified_at is null and email = ? then ? else email_verified_at end
        where id = ?`,
        [passwordHash, now, email, now, userId],
      );
      const revoked = await sql(
        `update auth_session set revoked_at = ?, revoked_reason = 'password_reset'
        where user_id = ? and revoked_at is null returning id`,
        [now, userId],
      );
      await sql(
        `update refresh_token set revoked_at = ? where user_id = ? and revoked_at is null`,
        [now, userId],
      );
      await withdrawTokens(sql, userId, 'reset_password', now);
      await deps.audit.record(
        {
          action: 'authn_password_reset',
          ...deps.client,
          actor: { kind: 'user', id: userId },
          target: { type: 'user', id: userId },
          metadata: { revokedSessions: revoked.length },
        },
        sql,
      );
      return { revokedSessions: revoked.length };
    },
  );
}

/** Marks the address verified, if it is still the account's address. */
export async function verifyEmail(token: string, deps: RecoveryDeps): Promise<void> {
  const now = deps.clock.now();
  await consumeActionToken(
    deps.orm,
    deps.clock,
    'verify_email',
    token,
    async ({ userId, email }, sql) => {
      const updated = await sql(
        `update user_account set email_verified_at = coalesce(email_verified_at, ?)
        where id = ? and email = ? returning id`,
        [now, userId, email],
      );
      if (updated.length === 0) {
        // The address changed since the link was sent: it proves nothing about the current one.
        throw new NovumError('token_invalid', 'The link is not valid', { status: 400 });
      }
      await deps.audit.record(
        {
          action: 'authn_email_verified',
          ...deps.client,
          actor: { kind: 'user', id: userId },
          target: { type: 'user', id: userId },
        },
        sql,
      );
    },
  );
}

/** A fresh verification link for a signed-in user; 409 when the address is verified already. */
export async function resendVerification(
  userId: string,
  workspaceId: string | null,
  ttlSeconds: number,
  deps: RecoveryDeps,
): Promise<void> {
  const now = deps.clock.now();
  await inIdentityContext(deps.orm, { userId }, async (sql, em) => {
    const [user] = await sql(`select email, email_verified_at from user_account where id = ?`, [
      userId,
    ]);
    if (!user) throw new NovumError('not_found', 'User not found', { status: 404 });
    if (user.email_verified_at) {
      throw new NovumError('email_already_verified', 'The email address is already verified', {
        status: 409,
      });
    }
    await withdrawTokens(sql, userId, 'verify_email', now);
    const token = await issueActionToken(sql, {
      purpose: 'verify_email',
      userId,
      email: user.email,
      ttlSeconds,
      now,
    });
    const link = `${deps.publicBaseUrl}/admin/verify-email#token=${token}`;
    await deps.mailer.send(
      {
        to: user.email,
        subject: 'Confirm your email address for NovumDesk',
        text:
          `Confirm your email address by opening this link:\n\n${link}\n\n` +
          `The link works once and expires in ${Math.round(ttlSeconds / 3600)} hours.`,
        kind: 'verify_email',
        workspaceId,
      },
      { em },
    );
  });
}
