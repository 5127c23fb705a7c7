/**
 * Roles of a workspace: the four built-ins seeded at sign-up (identity/permissions.ts), which
 * cannot be edited or deleted, and custom roles, whose permissions are checked by `grants.ts`.
 * A role someone holds, or a pending invitation names, cannot be deleted (409 `role_in_use`).
 */
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from '../kernel/contract.js';
import { NovumError, errors } from '../kernel/errors.js';
import type { PermissionCatalog } from '../kernel/plugins/permission-catalog.js';
import { textArray, type Row, type Sql } from '../identity/db.js';
import { effectivePermissions } from '../identity/permissions.js';
import { assertActorHolds, assertAssignable } from './grants.js';
import { assertNameFree, iso, isUniqueViolation, nameTaken } from './context.js';

export interface RoleView {
  id: string;
  key: string | null;
  name: string;
  description: string | null;
  permissions: string[];
  builtin: boolean;
  memberCount: number;
  createdAt: string;
}

const ROLE_SELECT = `
  select r.id, r.key, r.name, r.description, r.permissions, r.builtin, r.created_at,
         (select count(*)::int from membership m where m.role_id = r.id and m.workspace_id = r.workspace_id) as member_count
    from role r
   where r.workspace_id = ?`;

function roleView(row: Row): RoleView {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    description: row.description,
    permissions: effectivePermissions({
      builtin: row.builtin,
      key: row.key,
      permissions: row.permissions,
    }),
    builtin: row.builtin,
    memberCount: Number(row.member_count),
    createdAt: iso(row.created_at),
  };
}

export async function listRoles(sql: Sql, workspaceId: string): Promise<RoleView[]> {
  const rows = await sql(`${ROLE_SELECT} order by r.builtin desc, r.created_at, r.id`, [
    workspaceId,
  ]);
  return rows.map(roleView);
}

async function getRole(sql: Sql, workspaceId: string, id: string): Promise<RoleView> {
  const rows = await sql(`${ROLE_SELECT} and r.id = ?`, [workspaceId, id]);
  if (!rows[0]) throw errors.notFound('Role');
  return roleView(rows[0]);
}

/** The role row, locked; 404 when absent; 409 for a built-in one. */
async function lockCustomRole(sql: Sql, workspaceId: string, id: string): Promise<Row> {
  const rows = await sql(
    `select id, name, permissions, builtin from role where workspace_id = ? and id = ? for update`,
    [workspaceId, id],
  );
  const row = rows[0];
  if (!row) throw errors.notFound('Role');
  if (row.builtin)
    throw errors.conflict('role_builtin', 'Built-in roles cannot be changed or deleted');
  return row;
}

/** Unique, sorted, and allowed by every rule in grants.ts. */
function checkedPermissions(
  catalog: PermissionCatalog,
  actor: Actor,
  permissions: readonly string[],
): string[] {
  const list = [...new Set(permissions)].sort();
  assertAssignable(catalog, list);
  assertActorHolds(actor, list);
  return list;
}

/** Runs an insert or update that may hit a unique name index as a 409, not a 500. */
async function withUniqueName<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken('role', name);
    throw error;
  }
}

export async function createRole(
  sql: Sql,
  catalog: PermissionCatalog,
  actor: Actor,
  workspaceId: string,
  input: { name: string; description?: string | null | undefined; permissions: string[] },
  now: Date,
): Promise<RoleView> {
  const permissions = checkedPermissions(catalog, actor, input.permissions);
  await assertNameFree(sql, 'role', workspaceId, input.name);
  const id = uuidv7();
  await withUniqueName(input.name, () =>
    sql(
      `insert into role (id, workspace_id, key, name, description, permissions, builtin, created_at)
       values (?, ?, null, ?, ?, ?::text[], false, ?)`,
      [id, workspaceId, input.name, input.description ?? null, textArray(permissions), now],
    ),
  );
  return getRole(sql, workspaceId, id);
}

export interface RoleUpdate {
  role: RoleView;
  added: string[];
  removed: string[];
  renamed: boolean;
}

export async function updateRole(
  sql: Sql,
  catalog: PermissionCatalog,
  actor: Actor,
  workspaceId: string,
  id: string,
  input: {
    name?: string | undefined;
    description?: string | null | undefined;
    permissions?: string[] | undefined;
  },
): Promise<RoleUpdate> {
  const row = await lockCustomRole(sql, workspaceId, id);
  const before: string[] = row.permissions;
  const permissions = input.permissions
    ? checkedPermissions(catalog, actor, input.permissions)
    : before;
  const renamed = input.name !== undefined && input.name !== row.name;
  if (renamed) await assertNameFree(sql, 'role', workspaceId, input.name!, id);
  await withUniqueName(input.name ?? row.name, () =>
    sql(
      `update role set name = coalesce(?, name),
                       description = case when ? then ? else description end,
                       permissions = ?::text[]
        where id = ? and workspace_id = ?`,
      [
        input.name ?? null,
        input.description !== undefined,
        input.description ?? null,
        textArray(permissions),
        id,
        workspaceId,
      ],
    ),
  );
  return {
    role: await getRole(sql, workspaceId, id),
    added: permissions.filter((p) => !before.includes(p)),
    removed: before.filter((p) => !permissions.includes(p)),
    renamed,
  };
}

export async function deleteRole(
  sql: Sql,
  workspaceId: string,
  id: string,
  now: Date,
): Promise<{ name: string }> {
  const row = await lockCustomRole(sql, workspaceId, id);
  const [use] = await sql(
    `select (select count(*)::int from membership where workspace_id = ? and role_id = ?) as members,
            (select count(*)::int from invitation
              where workspace_id = ? and role_id = ? and accepted_at is null and revoked_at is null
                and expires_at > ?) as invitations`,
    [workspaceId, id, workspaceId, id, now],
  );
  if (Number(use?.members) > 0 || Number(use?.invitations) > 0) {
    throw new NovumError('role_in_use', 'Members or pending invitations still have this role', {
      status: 409,
      details: { members: Number(use?.members), invitations: Number(use?.invitations) },
    });
  }
  // Spent invitations naming the role go with it (foreign key `on delete cascade`).
  await sql(`delete from role where id = ? and workspace_id = ?`, [id, workspaceId]);
  return { name: row.name };
}
