/**
 * Every permission string the running instance knows: the `permissions` manifest field of the
 * core's modules and of each loaded plugin. Roles are validated against it, so a typo cannot
 * become a permission that no route checks, and a plugin's permissions become grantable exactly
 * when the plugin is loaded. Registered in the root container as `permissionCatalog`.
 */
import type { NovumPlugin } from '../contract.js';

export interface PermissionCatalog {
  /** Sorted, without duplicates. */
  readonly permissions: readonly string[];
  has(permission: string): boolean;
  /** The plugin or core module that declared it (the first one, in load order). */
  ownerOf(permission: string): string | undefined;
}

export function createPermissionCatalog(
  plugins: readonly { id: string; plugin: Pick<NovumPlugin, 'permissions'> }[],
): PermissionCatalog {
  const owners = new Map<string, string>();
  for (const { id, plugin } of plugins) {
    for (const permission of plugin.permissions ?? []) {
      if (!owners.has(permission)) owners.set(permission, id);
    }
  }
  const permissions = Object.freeze([...owners.keys()].sort());
  return {
    permissions,
    has: (permission) => owners.has(permission),
    ownerOf: (permission) => owners.get(permission),
  };
}
