/**
 * Members of a workspace: listing them, changing their role, removing them. Everything runs in
 * the request's workspace transaction (`sqlFor(em)`), so row-level security binds each query to
 * the caller's workspace; the queries name the workspace as well, so a missing policy would not
 * widen them either.
 *
 * "The last owner" is guarded under a row lock on the workspace's owner memberships: two owners
 * demoting each other at once serialise, and the second sees one owner left (409).
 */
import type { Actor } from '../kernel/contract.js';
import { NovumError, errors } from '../kernel/errors.js';
import type { Row, Sql } from '../identity/db.js';
import {
  OWNER_PERMISSION,
  assertCanAssignRole,
  assertCanChangeMemberOf,
  isOwnerRole,
  type RoleLike,
} from './grants.js';
import { iso } from './context.js';

export interface MemberView {
  userId: string;
  email: string;
  displayName: string;
  role: { id: string; key: string | null; name: string };
  teams: { id: string; name: string }[];
  joinedAt: string;
}

const MEMBER_SELECT = `
  select m.user_id, u.email, u.display_name, m.created_at,
         r.id as role_id, r.key as role_key, r.name as role_name,
         coalesce((select json_agg(json_build_object('id', t.id, 'name', t.name) order by lower(t.name), t.id)
                     from team_member tm join team t on t.id = tm.team_id
                    where tm.workspace_id = m.workspace_id and tm.user_id = m.user_id), '[]'::json) as teams
    from membership m
    join user_account u on u.id = m.user_id
    join role r on r.id = m.role_id and r.workspace_id = m.workspace_id
   where m.workspace_id = ?`;

function memberView(row: Row): MemberView {
  return {
    userId: row.user_id,
    email: row.email,
    displayName: row.display_name,
    role: { id: row.role_id, key: row.role_key, name: row.role_name },
    teams: (typeof row.teams === 'string'
      ? JSON.parse(row.teams)
      : row.teams) as MemberView['teams'],
    joinedAt: iso(row.created_at),
  };
}

export async function listMembers(sql: Sql, workspaceId: string): Promise<MemberView[]> {
  const rows = await sql(`${MEMBER_SELECT} order by m.created_at, m.user_id`, [workspaceId]);
  return rows.map(memberView);
}

export async function getMember(
  sql: Sql,
  workspaceId: string,
  userId: string,
): Promise<MemberView> {
  const rows = await sql(`${MEMBER_SELECT} and m.user_id = ?`, [workspaceId, userId]);
  if (!rows[0]) throw errors.notFound('Member');
  return memberView(rows[0]);
}

interface LockedMembership {
  id: string;
  role: RoleLike & { id: string };
}

/** The membership with its role, locked for the rest of the transaction; 404 if absent. */
async function lockMembership(
  sql: Sql,
  workspaceId: string,
  userId: string,
): Promise<LockedMembership> {
  const rows = await sql(
    `select m.id, r.id as role_id, r.builtin, r.key, r.permissions
       from membership m join role r on r.id = m.role_id
      where m.workspace_id = ? and m.user_id = ?
        for update of m`,
    [workspaceId, userId],
  );
  const row = rows[0];
  // Another workspace's member looks exactly like nobody: no existence oracle.
  if (!row) throw errors.notFound('Member');
  return {
    id: row.id,
    role: { id: row.role_id, builtin: row.builtin, key: row.key, permissions: row.permissions },
  };
}

/** A role of this workspace, or 422 (a reference in the body, not the resource in the path). */
export async function findRole(
  sql: Sql,
  workspaceId: string,
  roleId: string,
): Promise<RoleLike & { id: string; name: string }> {
  const rows = await sql(
    `select id, key, name, builtin, permissions from role where workspace_id = ? and id = ?`,
    [workspaceId, roleId],
  );
  const row = rows[0];
  if (!row) {
    throw new NovumError('unknown_role', 'No such role in this workspace', {
      status: 422,
      details: { roleId },
    });
  }
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    builtin: row.builtin,
    permissions: row.permissions,
  };
}

/**
 * Owners left if `exceptUserId` stopped being one. Locks every owner membership, so concurrent
 * demotions serialise (the second one re-reads the first one's change).
 */
async function ownersBesides(sql: Sql, workspaceId: string, exceptUserId: string): Promise<number> {
  const rows = await sql(
    `select m.user_id, r.builtin, r.key, r.permissions
       from membership m join role r on r.id = m.role_id
      where m.workspace_id = ? and ((r.builtin and r.key = 'owner') or '${OWNER_PERMISSION}' = any (r.permissions))
        for update of m`,
    [workspaceId],
  );
  return rows.filter((row) => row.user_id !== exceptUserId && isOwnerRole(row as RoleLike)).length;
}

function lastOwner(): NovumError {
  return errors.conflict(
    'last_owner',
    'A workspace needs at least one owner; make someone else owner first',
  );
}

export interface RoleChange {
  member: MemberView;
  /** null when the member already had the role. */
  change: { from: string; to: string } | null;
}

export async function changeRole(
  sql: Sql,
  actor: Actor,
  workspaceId: string,
  userId: string,
  roleId: string,
): Promise<RoleChange> {
  const membership = await lockMembership(sql, workspaceId, userId);
  const role = await findRole(sql, workspaceId, roleId);
  if (membership.role.id === role.id)
    return { member: await getMember(sql, workspaceId, userId), change: null };
  assertCanChangeMemberOf(actor, membership.role);
  assertCanAssignRole(actor, role);
  if (isOwnerRole(membership.role) && !isOwnerRole(role)) {
    if ((await ownersBesides(sql, workspaceId, userId)) === 0) throw lastOwner();
  }
  await sql(`update membership set role_id = ? where id = ? and workspace_id = ?`, [
    role.id,
    membership.id,
    workspaceId,
  ]);
  return {
    member: await getMember(sql, workspaceId, userId),
    change: { from: membership.role.id, to: role.id },
  };
}

/**
 * Removes the membership (team seats go with it, by foreign key) and ends that user's sessions
 * in this workspace. Authentication re-reads the membership on every request, so their access
 * tokens stop working at once anyway; revoking the sessions also ends their refresh tokens.
 */
export async function removeMember(
  sql: Sql,
  actor: Actor,
  workspaceId: string,
  userId: string,
  now: Date,
): Promise<{ roleId: string; revokedSessions: number }> {
  const membership = await lockMembership(sql, workspaceId, userId);
  assertCanChangeMemberOf(actor, membership.role);
  if (isOwnerRole(membership.role) && (await ownersBesides(sql, workspaceId, userId)) === 0)
    throw lastOwner();
  await sql(`delete from membership where id = ? and workspace_id = ?`, [
    membership.id,
    workspaceId,
  ]);
  const revoked = await sql(
    `update auth_session set revoked_at = ?, revoked_reason = 'membership_removed'
      where workspace_id = ? and user_id = ? and revoked_at is null returning id`,
    [now, workspaceId, userId],
  );
  await sql(
    `update refresh_token set revoked_at = ? where workspace_id = ? and user_id = ? and revoked_at is null`,
    [now, workspaceId, userId],
  );
  return { roleId: membership.role.id, revokedSessions: revoked.length };
}
