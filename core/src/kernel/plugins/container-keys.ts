/**
 * Plugin keys in the root container are camelCase and carry the plugin's prefix
 * (`channel-email` → `channelEmailMailbox`): PROXY injection destructures keys as identifiers,
 * so dotted names are out, and the prefix is what makes a key's owner obvious. Prefixes alone do
 * not prevent clashes (`channel` may also register `channelEmailX`), so ownership is tracked
 * and a second registration of a key is refused, naming both owners.
 */
import type { AwilixContainer, Resolver } from 'awilix';
import { NovumError } from '../errors.js';

export function containerKeyPrefix(pluginId: string): string {
  return pluginId.replace(/-([a-z0-9])/g, (_, next: string) => next.toUpperCase());
}

/** `channelEmail` and `channelEmailMailbox` qualify; `channelEmailer` does not. */
export function hasPrefix(key: string, prefix: string): boolean {
  if (!key.startsWith(prefix)) return false;
  const next = key.charAt(prefix.length);
  return next === '' || /[A-Z0-9]/.test(next);
}

export interface KeyOwner {
  id: string;
  /** Core modules share the core's namespace and are exempt from the prefix. */
  builtin: boolean;
}

/** Registers plugin resolvers in the root container, enforcing prefixes and ownership. */
export class ContainerKeyLedger {
  private readonly owners = new Map<string, string>();

  constructor(private readonly container: AwilixContainer) {}

  register(owner: KeyOwner, resolvers: Record<string, Resolver<unknown>>): void {
    const keys = Object.keys(resolvers);
    // Check every key first, so a refused batch leaves the container untouched.
    for (const key of keys) this.assertClaimable(owner, key);
    this.container.register(resolvers);
    for (const key of keys) this.owners.set(key, owner.id);
  }

  ownerOf(key: string): string | undefined {
    return this.owners.get(key) ?? (this.container.hasRegistration(key) ? 'core' : undefined);
  }

  private assertClaimable(owner: KeyOwner, key: string): void {
    const prefix = containerKeyPrefix(owner.id);
    if (!owner.builtin && !hasPrefix(key, prefix)) {
      const suggestion = `${prefix}${key.charAt(0).toUpperCase()}${key.slice(1)}`;
      throw new NovumError(
        'PLUGIN_KEY_PREFIX',
        `plugin "${owner.id}" cannot register "${key}": its container keys must start with "${prefix}", e.g. "${suggestion}"`,
        { details: { plugin: owner.id, key } },
      );
    }
    const existing = this.ownerOf(key);
    if (existing !== undefined) {
      const by = existing === 'core' ? 'the core' : `plugin "${existing}"`;
      throw new NovumError(
        'PLUGIN_KEY_COLLISION',
        `plugin "${owner.id}" cannot register "${key}": already registered by ${by}`,
        { details: { plugin: owner.id, key, owner: existing } },
      );
    }
  }
}
