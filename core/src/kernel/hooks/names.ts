/**
 * Hook naming (ARCHITECTURE §3): the core's areas are `<domain>.<name>` (`ticket.beforeCreate`),
 * a plugin's own hooks are `<pluginId>:<name>` (`channel-email:threadMatched`). The prefix is
 * what lets the registry tell who owns a hook, and so who may tap it.
 */
import { NovumError } from '../errors.js';

/** Who defines a hook: the kernel (`core`), a core domain module, or a plugin. */
export interface HookOwner {
  id: string;
  /** The kernel and core domain modules: they own `<domain>.<name>` names. */
  builtin: boolean;
}

export const KERNEL_OWNER: HookOwner = { id: 'core', builtin: true };

const DOMAIN_HOOK_NAME = /^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)+$/;
const PLUGIN_HOOK_LOCAL_NAME = /^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)*$/;

/** The plugin id in `<pluginId>:<name>`, or undefined for a core `<domain>.<name>` hook. */
export function pluginOwnerOf(hookName: string): string | undefined {
  const colon = hookName.indexOf(':');
  return colon === -1 ? undefined : hookName.slice(0, colon);
}

export function assertHookNameAllowed(name: string, owner: HookOwner): void {
  const pluginPrefix = pluginOwnerOf(name);
  if (pluginPrefix === undefined) {
    if (!owner.builtin) {
      throw new NovumError(
        'HOOK_NAME_INVALID',
        `plugin "${owner.id}" cannot define "${name}": plugin hooks are named "${owner.id}:<name>"`,
      );
    }
    if (!DOMAIN_HOOK_NAME.test(name)) {
      throw new NovumError(
        'HOOK_NAME_INVALID',
        `"${owner.id}" cannot define "${name}": core hooks are named "<domain>.<name>" in camelCase, e.g. "ticket.beforeCreate"`,
      );
    }
    return;
  }
  if (pluginPrefix !== owner.id) {
    throw new NovumError(
      'HOOK_NAME_INVALID',
      `"${owner.id}" cannot define "${name}": a hook named "${pluginPrefix}:…" belongs to plugin "${pluginPrefix}"`,
    );
  }
  if (!PLUGIN_HOOK_LOCAL_NAME.test(name.slice(pluginPrefix.length + 1))) {
    throw new NovumError(
      'HOOK_NAME_INVALID',
      `plugin "${owner.id}" cannot define "${name}": the part after ":" must be camelCase, e.g. "${owner.id}:threadMatched"`,
    );
  }
}
