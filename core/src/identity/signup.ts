/**
 * Self-service sign-up: a new workspace (with its built-in roles), its owner, and a verification
 * message. The answer is the same 202 whether or not the address already has an account (ASVS
 * 6.3.8: no enumeration through sign-up); an existing account holder gets a message saying
 * someone tried, instead of a second account. Both paths hash the password, so they also take
 * about the same time.
 */
import { NovumError } from '../kernel/errors.js';
import { createWorkspaceWithOwner, normalizeEmail } from './accounts.js';
import { issueActionToken } from './action-tokens.js';
import { inIdentityContext, systemSql } from './db.js';
import { assertPasswordAllowed, hashPassword } from './passwords.js';
import type { IdentityService } from './service.js';

export interface SignupInput {
  workspaceName: string;
  email: string;
  password: string;
  displayName: string;
  termsVersion: string;
  timeZone?: string | undefined;
  language?: string | undefined;
}

export const AGE_ATTESTATION = 'at_least_13';

export async function signUp(
  identity: IdentityService,
  input: SignupInput,
  client: { ip: string; userAgent: string | null },
): Promise<void> {
  const email = normalizeEmail(input.email);
  assertPasswordAllowed(input.password, { email, workspaceName: input.workspaceName });
  const passwordHash = await hashPassword(input.password);
  const { clock, orm, mailer } = identity;
  const now = clock.now();
  let created: { workspaceId: string; userId: string } | null;
  try {
    created = await inIdentityContext(orm, { loginEmail: email }, async (sql, em) => {
      const existing = await sql(`select id from user_account where email = ?`, [email]);
      if (existing.length > 0) return null;
      const workspace = await createWorkspaceWithOwner(sql, em, clock, {
        workspaceName: input.workspaceName,
        owner: {
          email,
          passwordHash,
          displayName: input.displayName,
          timeZone: input.timeZone,
          language: input.language,
          termsVersion: input.termsVersion,
          ageAttestation: AGE_ATTESTATION,
        },
      });
      const token = await issueActionToken(sql, {
        purpose: 'verify_email',
        userId: workspace.userId,
        email,
        ttlSeconds: identity.options.verificationTokenTtlSeconds,
        now,
      });
      await markInstanceStarted(sql, now);
      await mailer.send(verificationMessage(identity, email, token, workspace.workspaceId), { em });
      await identity.audit.record(
        {
          action: 'user_created',
          workspaceId: workspace.workspaceId,
          actor: { kind: 'user', id: workspace.userId },
          target: { type: 'user', id: workspace.userId },
          ip: client.ip,
          userAgent: client.userAgent,
          metadata: { via: 'signup' },
        },
        sql,
      );
      return workspace;
    });
  } catch (error) {
    // Two sign-ups for one address at once: the unique index decides, the loser is "existing".
    if (!isUniqueViolation(error)) throw error;
    created = null;
  }
  if (!created) {
    await mailer.send({
      to: email,
      subject: 'Sign-up attempt for your NovumDesk account',
      text:
        'Someone, perhaps you, tried to create a NovumDesk account with this address, which ' +
        `already has one. Sign in at ${identity.publicBaseUrl}/admin, or reset your password ` +
        'there if you forgot it. If it was not you, you can ignore this message.',
      kind: 'signup_existing_account',
    });
  }
}

function verificationMessage(
  identity: IdentityService,
  to: string,
  token: string,
  workspaceId: string,
) {
  // The token rides in the fragment: browsers never send it to a server or in a Referer.
  const link = `${identity.publicBaseUrl}/admin/verify-email#token=${token}`;
  return {
    to,
    subject: 'Confirm your email address for NovumDesk',
    text:
      `Welcome to NovumDesk. Confirm your email address by opening this link:\n\n${link}\n\n` +
      `The link works once and expires in ${Math.round(identity.options.verificationTokenTtlSeconds / 3600)} hours.`,
    kind: 'verify_email',
    workspaceId,
  };
}

/** Records that the instance has users, so the first-start bootstrap never runs after this. */
export async function markInstanceStarted(
  sql: ReturnType<typeof systemSql>,
  now: Date,
): Promise<boolean> {
  const rows = await sql(
    `insert into identity_instance (id, started_at) values (true, ?) on conflict (id) do nothing returning id`,
    [now],
  );
  return rows.length > 0;
}

function isUniqueViolation(error: unknown): boolean {
  if (error instanceof NovumError) return false;
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || (error as Error).name === 'UniqueConstraintViolationException';
}
