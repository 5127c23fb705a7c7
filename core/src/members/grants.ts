/**
 * Who may hand out which permissions. Three rules, shared by roles, member role changes and
 * invitations, so there is one place to get privilege escalation wrong instead of three:
 *
 * 1. A custom role may only hold permissions the instance knows (`permissionCatalog`: the core's
 *    and every loaded plugin's manifest), so a typo cannot become a permission no route checks.
 * 2. Some known permissions are never assignable to custom roles: the instance operator's
 *    (`system:*`: a workspace owner is not the operator of a multi-tenant install) and
 *    `workspace:own`, which is what makes someone an owner; ownership goes through the built-in
 *    owner role, so "the last owner" stays countable.
 * 3. Nobody grants what they do not hold: assigning a role, inviting to it or writing it needs
 *    every permission the role would give (ASVS 8.2.1). An admin therefore cannot make anyone an
 *    owner, nor demote one (demoting an owner takes `workspace:own` away). Owners are the one
 *    exception: they may grant anything a custom role may hold, which is how a plugin's
 *    permissions (`billing:manage`), part of no built-in role, reach anyone at all.
 */
import type { Actor } from '../kernel/contract.js';
import { NovumError } from '../kernel/errors.js';
import type { PermissionCatalog } from '../kernel/plugins/permission-catalog.js';
import {
  OPERATOR_PERMISSIONS,
  PERMISSIONS,
  effectivePermissions,
} from '../identity/permissions.js';

export const OWNER_PERMISSION = PERMISSIONS.workspaceOwn;

const NEVER_ASSIGNABLE: ReadonlySet<string> = new Set([...OPERATOR_PERMISSIONS, OWNER_PERMISSION]);

export interface RoleLike {
  builtin: boolean;
  key: string | null;
  permissions: readonly string[];
}

/** Permissions a custom role may hold on this instance. */
export function assignablePermissions(catalog: PermissionCatalog): string[] {
  return catalog.permissions.filter((permission) => !NEVER_ASSIGNABLE.has(permission));
}

/** Rules 1 and 2 for a custom role's permission list: 422 naming the offending entries. */
export function assertAssignable(catalog: PermissionCatalog, permissions: readonly string[]): void {
  const unknown = permissions.filter((permission) => !catalog.has(permission));
  if (unknown.length > 0) {
    throw new NovumError('unknown_permission', 'Unknown permission(s)', {
      status: 422,
      details: { permissions: unknown, known: assignablePermissions(catalog) },
    });
  }
  const reserved = permissions.filter((permission) => NEVER_ASSIGNABLE.has(permission));
  if (reserved.length > 0) {
    throw new NovumError(
      'permission_not_assignable',
      'These permissions cannot be part of a custom role',
      { status: 422, details: { permissions: reserved } },
    );
  }
}

/** Rule 3: 403 when `permissions` holds anything the actor lacks. */
export function assertActorHolds(actor: Actor, permissions: readonly string[]): void {
  const held = new Set(actor.permissions ?? []);
  const owner = held.has(OWNER_PERMISSION);
  const missing = permissions.filter(
    (permission) => !held.has(permission) && !(owner && !NEVER_ASSIGNABLE.has(permission)),
  );
  if (missing.length > 0) {
    throw new NovumError(
      'permission_not_grantable',
      'You cannot grant permissions you do not hold yourself',
      { status: 403, details: { permissions: missing } },
    );
  }
}

export function isOwnerRole(role: RoleLike): boolean {
  return effectivePermissions(role).includes(OWNER_PERMISSION);
}

/** Rule 3 for handing someone a role (a role change or an invitation). */
export function assertCanAssignRole(actor: Actor, role: RoleLike): void {
  assertActorHolds(actor, effectivePermissions(role));
}

/** Taking a role away from someone: an owner's role only by another owner. */
export function assertCanChangeMemberOf(actor: Actor, currentRole: RoleLike): void {
  if (isOwnerRole(currentRole) && !(actor.permissions ?? []).includes(OWNER_PERMISSION)) {
    throw new NovumError('owner_protected', 'Only an owner can change or remove an owner', {
      status: 403,
    });
  }
}
