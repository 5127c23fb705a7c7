import type { HookInfo } from './descriptor.js';
import type { HookRegistry } from './registry.js';

/** A hook definition as data: enough to create the hook and to document it. */
export interface HookDefinition<K extends keyof HookRegistry = keyof HookRegistry> {
  name: K;
  create: () => HookRegistry[K];
  info: HookInfo;
}

/**
 * Ties the factory's type to the hook's declared type, so that a definition cannot create a
 * different hook than the one `HookRegistry` promises to tappers.
 */
export function defineHook<K extends keyof HookRegistry>(
  name: K,
  create: () => HookRegistry[K],
  info: HookInfo,
): HookDefinition {
  return { name, create, info } as HookDefinition;
}
