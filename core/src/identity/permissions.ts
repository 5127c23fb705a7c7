/**
 * Permission strings known to the core and the built-in roles seeded into every workspace.
 * Roles are rows (`role.permissions text[]`), so a workspace can have custom roles. A built-in
 * role's effective permissions are this file's definition plus whatever its row adds
 * (`effectivePermissions`), so a core upgrade that introduces a permission reaches existing
 * workspaces without a cross-workspace data migration.
 */
import { SYSTEM_MANAGE, SYSTEM_READ } from '../system/system.routes.js';

export const PERMISSIONS = {
  ticketsRead: 'tickets:read',
  ticketsWrite: 'tickets:write',
  ticketsDelete: 'tickets:delete',
  contactsRead: 'contacts:read',
  contactsWrite: 'contacts:write',
  membersRead: 'members:read',
  membersManage: 'members:manage',
  teamsManage: 'teams:manage',
  rolesManage: 'roles:manage',
  settingsManage: 'settings:manage',
  auditRead: 'audit:read',
  workspaceOwn: 'workspace:own',
} as const;

export const IDENTITY_PERMISSIONS: readonly string[] = Object.values(PERMISSIONS);

export type BuiltinRoleKey = 'owner' | 'admin' | 'agent' | 'read_only';

export interface BuiltinRole {
  key: BuiltinRoleKey;
  name: string;
  permissions: readonly string[];
}

const P = PERMISSIONS;
const agentPermissions = [
  P.ticketsRead,
  P.ticketsWrite,
  P.contactsRead,
  P.contactsWrite,
  P.membersRead,
];
const adminPermissions = [
  ...agentPermissions,
  P.ticketsDelete,
  P.membersManage,
  P.teamsManage,
  P.rolesManage,
  P.settingsManage,
  P.auditRead,
];

/** Ordered from most to least privileged; `owner` is what sign-up gives the first user. */
export const BUILTIN_ROLES: readonly BuiltinRole[] = [
  { key: 'owner', name: 'Owner', permissions: [...adminPermissions, P.workspaceOwn] },
  { key: 'admin', name: 'Admin', permissions: adminPermissions },
  { key: 'agent', name: 'Agent', permissions: agentPermissions },
  {
    key: 'read_only',
    name: 'Read-only',
    permissions: [P.ticketsRead, P.contactsRead, P.membersRead],
  },
];

/**
 * Instance-wide operator permissions (job queues, plugin list). Never part of a built-in role:
 * in a multi-tenant install a workspace owner is not the operator. Only the owner role of the
 * workspace created by the first-start bootstrap receives them.
 */
export const OPERATOR_PERMISSIONS: readonly string[] = [SYSTEM_READ, SYSTEM_MANAGE];

export function builtinRole(key: BuiltinRoleKey): BuiltinRole {
  const role = BUILTIN_ROLES.find((r) => r.key === key);
  if (!role) throw new Error(`unknown built-in role ${key}`);
  return role;
}

/**
 * What a role grants: the stored list, plus the current definition for a built-in role. The
 * built-in owner also holds every permission of the loaded plugins (`catalog`), so enabling a
 * plugin never leaves its features unreachable; operator permissions (`system:*`) stay out.
 */
export function effectivePermissions(
  role: { builtin: boolean; key: string | null; permissions: readonly string[] },
  catalog: readonly string[] = [],
): string[] {
  const definition = role.builtin ? BUILTIN_ROLES.find((r) => r.key === role.key) : undefined;
  const ownerExtras =
    role.builtin && role.key === 'owner'
      ? catalog.filter((p) => !OPERATOR_PERMISSIONS.includes(p))
      : [];
  return [
    ...new Set([...(definition?.permissions ?? []), ...ownerExtras, ...role.permissions]),
  ].sort();
}
