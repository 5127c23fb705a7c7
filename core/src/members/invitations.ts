/**
 * Invitations: a member with `members:manage` invites an address to a role; the message carries
 * a one-time token (32 random bytes; only its SHA-256 is stored) that expires after 7 days.
 *
 * Accepting (`POST /invitations/accept`, public) takes one of two paths, and nothing else:
 * - nobody is signed in and no account has the address: the account is created with the
 *   password and name given (its address counts as verified: the token arrived there);
 * - a user is signed in (the request's own token or session) whose address is the invited one:
 *   the membership is added to their account.
 * An existing account that is not signed in gets 409 `sign_in_required`, so an invitation can
 * never set or bypass the password of an account that exists. Only the token holder learns that
 * the address has an account, and the token was sent to that address.
 *
 * The token is spent in the same transaction that adds the membership, under a row lock, so it
 * works once even when submitted twice at the same time.
 */
import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Actor } from '../kernel/contract.js';
import { NovumError, errors } from '../kernel/errors.js';
import { validationFailed } from '../http/problem.js';
import type { Clock } from '../kernel/clock.js';
import { insertUser, normalizeEmail } from '../identity/accounts.js';
import { inIdentityContext, setIdentityContext, type Row, type Sql } from '../identity/db.js';
import { sha256Hex } from '../identity/keys.js';
import type { Mailer } from '../identity/mailer.js';
import { assertPasswordAllowed } from '../identity/passwords.js';
import type { AuditLog } from '../identity/audit.js';
import { assertCanAssignRole } from './grants.js';
import { findRole } from './members.js';
import { iso, isoOrNull, isUniqueViolation } from './context.js';

export interface InvitationView {
  id: string;
  email: string;
  role: { id: string; key: string | null; name: string };
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  invitedBy: string | null;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
}

const INVITATION_SELECT = `
  select i.id, i.email, i.invited_by, i.created_at, i.expires_at, i.accepted_at, i.revoked_at,
         r.id as role_id, r.key as role_key, r.name as role_name
    from invitation i join role r on r.id = i.role_id and r.workspace_id = i.workspace_id
   where i.workspace_id = ?`;

function invitationView(row: Row, now: Date): InvitationView {
  const status = row.accepted_at
    ? 'accepted'
    : row.revoked_at
      ? 'revoked'
      : new Date(row.expires_at).getTime() <= now.getTime()
        ? 'expired'
        : 'pending';
  return {
    id: row.id,
    email: row.email,
    role: { id: row.role_id, key: row.role_key, name: row.role_name },
    status,
    invitedBy: row.invited_by,
    createdAt: iso(row.created_at),
    expiresAt: iso(row.expires_at),
    acceptedAt: isoOrNull(row.accepted_at),
    revokedAt: isoOrNull(row.revoked_at),
  };
}

export async function listInvitations(
  sql: Sql,
  workspaceId: string,
  now: Date,
): Promise<InvitationView[]> {
  const rows = await sql(`${INVITATION_SELECT} order by i.created_at desc, i.id desc`, [
    workspaceId,
  ]);
  return rows.map((row) => invitationView(row, now));
}

async function getInvitation(
  sql: Sql,
  workspaceId: string,
  id: string,
  now: Date,
): Promise<InvitationView> {
  const rows = await sql(`${INVITATION_SELECT} and i.id = ?`, [workspaceId, id]);
  if (!rows[0]) throw errors.notFound('Invitation');
  return invitationView(rows[0], now);
}

export interface InviteDeps {
  mailer: Mailer;
  publicBaseUrl: string;
  ttlSeconds: number;
  now: Date;
}

/**
 * Creates the invitation in the request's workspace transaction (`em`) and stores its message
 * in the same transaction, so an invitation never exists without its message or the reverse.
 * An earlier pending invitation of the same address is revoked: one live link per address.
 */
export async function invite(
  em: EntityManager,
  sql: Sql,
  actor: Actor,
  workspaceId: string,
  input: { email: string; roleId: string },
  deps: InviteDeps,
): Promise<{ invitation: InvitationView; replaced: number }> {
  const email = normalizeEmail(input.email);
  const role = await findRole(sql, workspaceId, input.roleId);
  assertCanAssignRole(actor, role);
  const existing = await sql(
    `select 1 from membership m join user_account u on u.id = m.user_id
      where m.workspace_id = ? and u.email = ?`,
    [workspaceId, email],
  );
  if (existing.length > 0)
    throw errors.conflict('already_member', 'This address is already a member of the workspace');
  const replaced = await sql(
    `update invitation set revoked_at = ?
      where workspace_id = ? and email = ? and accepted_at is null and revoked_at is null
      returning id`,
    [deps.now, workspaceId, email],
  );
  const token = randomBytes(32).toString('base64url');
  const id = uuidv7();
  const expiresAt = new Date(deps.now.getTime() + deps.ttlSeconds * 1000);
  await sql(
    `insert into invitation (id, workspace_id, email, role_id, token_hash, expires_at, invited_by, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      id,
      workspaceId,
      email,
      role.id,
      sha256Hex(token),
      expiresAt,
      actor.kind === 'user' ? actor.id : null,
      deps.now,
    ],
  );
  const [workspace] = await sql(`select name from workspace where id = ?`, [workspaceId]);
  await deps.mailer.send(
    invitationMessage(email, workspaceId, workspace?.name ?? 'a workspace', token, expiresAt, deps),
    {
      em,
    },
  );
  return {
    invitation: await getInvitation(sql, workspaceId, id, deps.now),
    replaced: replaced.length,
  };
}

function invitationMessage(
  to: string,
  workspaceId: string,
  workspaceName: string,
  token: string,
  expiresAt: Date,
  deps: InviteDeps,
) {
  // The token rides in the fragment: browsers send it to no server and in no Referer.
  const link = `${deps.publicBaseUrl}/admin/accept-invitation#token=${token}`;
  return {
    to,
    subject: `You are invited to ${workspaceName} on NovumDesk`,
    text:
      `You have been invited to join the workspace "${workspaceName}" on NovumDesk. ` +
      `Accept the invitation by opening this link:\n\n${link}\n\n` +
      `The link works once and expires on ${expiresAt.toISOString()}. ` +
      'If you did not expect this invitation, you can ignore this message.',
    kind: 'invitation',
    workspaceId,
  };
}

/** Revokes a pending invitation; 404 for another workspace's, 409 for a spent one. */
export async function revokeInvitation(
  sql: Sql,
  workspaceId: string,
  id: string,
  now: Date,
): Promise<void> {
  const rows = await sql(
    `select accepted_at, revoked_at from invitation where workspace_id = ? and id = ? for update`,
    [workspaceId, id],
  );
  const row = rows[0];
  if (!row) throw errors.notFound('Invitation');
  if (row.accepted_at)
    throw errors.conflict('invitation_accepted', 'The invitation was already accepted');
  if (!row.revoked_at)
    await sql(`update invitation set revoked_at = ? where id = ? and workspace_id = ?`, [
      now,
      id,
      workspaceId,
    ]);
}

export interface AcceptInput {
  token: string;
  /** Hashed beforehand, outside the transaction (argon2 is slow on purpose). */
  passwordHash?: string | undefined;
  password?: string | undefined;
  displayName?: string | undefined;
}

export interface AcceptDeps {
  orm: MikroORM;
  clock: Clock;
  audit: AuditLog;
  client: { ip: string | null; userAgent: string | null };
}

const invalid = () =>
  new NovumError('invitation_invalid', 'The invitation link is not valid', { status: 400 });
const gone = (code: string, message: string) => new NovumError(code, message, { status: 410 });

export async function acceptInvitation(
  actor: Actor | null,
  input: AcceptInput,
  deps: AcceptDeps,
): Promise<{ workspaceId: string; userId: string; accountCreated: boolean }> {
  if (actor && actor.kind !== 'user') {
    throw errors.forbidden('users_only', 'Only a person can accept an invitation');
  }
  const hash = sha256Hex(input.token);
  const now = deps.clock.now();
  return inIdentityContext(deps.orm, { credentialHash: hash }, async (sql, em) => {
    const [ref] = await sql(`select id, workspace_id from invitation where token_hash = ?`, [hash]);
    if (!ref) throw invalid();
    const workspaceId: string = ref.workspace_id;
    await setIdentityContext(sql, em, { workspaceId });
    const [invitation] = await sql(
      `select id, email, role_id, expires_at, accepted_at, revoked_at from invitation
        where id = ? and workspace_id = ? for update`,
      [ref.id, workspaceId],
    );
    if (!invitation) throw invalid();
    if (invitation.accepted_at)
      throw gone('invitation_used', 'The invitation was already accepted');
    if (invitation.revoked_at) throw gone('invitation_revoked', 'The invitation was withdrawn');
    if (new Date(invitation.expires_at).getTime() <= now.getTime()) {
      throw gone('invitation_expired', 'The invitation has expired; ask for a new one');
    }
    const email: string = invitation.email;
    const { userId, accountCreated } = actor
      ? await existingAccount(sql, em, actor, workspaceId, email)
      : await newAccount(sql, em, workspaceId, email, input, now);
    await sql(
      `insert into membership (id, workspace_id, user_id, role_id, created_at) values (?, ?, ?, ?, ?)`,
      [uuidv7(), workspaceId, userId, invitation.role_id, now],
    );
    await sql(`update invitation set accepted_at = ? where id = ? and workspace_id = ?`, [
      now,
      invitation.id,
      workspaceId,
    ]);
    const source = { actor: { kind: 'user', id: userId }, ...deps.client };
    if (accountCreated) {
      await deps.audit.record(
        {
          action: 'user_created',
          workspaceId,
          ...source,
          target: { type: 'user', id: userId },
          metadata: { via: 'invitation' },
        },
        sql,
      );
    }
    await deps.audit.record(
      {
        action: 'invitation_accepted',
        workspaceId,
        ...source,
        target: { type: 'invitation', id: invitation.id },
        metadata: { roleId: invitation.role_id },
      },
      sql,
    );
    return { workspaceId, userId, accountCreated };
  });
}

async function existingAccount(
  sql: Sql,
  em: EntityManager,
  actor: Actor,
  workspaceId: string,
  email: string,
): Promise<{ userId: string; accountCreated: false }> {
  await setIdentityContext(sql, em, { workspaceId, userId: actor.id });
  const [user] = await sql(`select email from user_account where id = ?`, [actor.id]);
  if (!user || user.email !== email) {
    // Invitations go to a person, not to whoever holds the link.
    throw errors.forbidden(
      'invitation_email_mismatch',
      'This invitation was sent to another email address',
    );
  }
  const member = await sql(`select 1 from membership where workspace_id = ? and user_id = ?`, [
    workspaceId,
    actor.id,
  ]);
  if (member.length > 0)
    throw errors.conflict('already_member', 'You are already a member of this workspace');
  return { userId: actor.id, accountCreated: false };
}

async function newAccount(
  sql: Sql,
  em: EntityManager,
  workspaceId: string,
  email: string,
  input: AcceptInput,
  now: Date,
): Promise<{ userId: string; accountCreated: true }> {
  await setIdentityContext(sql, em, { workspaceId, loginEmail: email });
  const existing = await sql(`select id from user_account where email = ?`, [email]);
  if (existing.length > 0) {
    throw errors.conflict(
      'sign_in_required',
      'An account with this address exists: sign in, then accept the invitation',
    );
  }
  if (!input.passwordHash || !input.password || !input.displayName) {
    throw validationFailed([
      ...(input.password ? [] : [{ path: 'body.password', message: 'required for a new account' }]),
      ...(input.displayName
        ? []
        : [{ path: 'body.displayName', message: 'required for a new account' }]),
    ]);
  }
  assertPasswordAllowed(input.password, { email });
  const userId = uuidv7();
  await setIdentityContext(sql, em, { workspaceId, userId });
  const user = {
    email,
    passwordHash: input.passwordHash,
    displayName: input.displayName,
    emailVerified: true,
  };
  try {
    await insertUser(sql, userId, user, now);
  } catch (error) {
    // The same address accepted another workspace's invitation at this very moment.
    if (isUniqueViolation(error))
      throw errors.conflict('sign_in_required', 'An account with this address exists');
    throw error;
  }
  return { userId, accountCreated: true };
}
