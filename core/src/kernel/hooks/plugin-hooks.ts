/**
 * `ctx.hooks` for one plugin. It fixes the tap name to the plugin id (so logs, stats and
 * `before` orderings name plugins, not arbitrary strings) and enforces who may tap what:
 * a hook owned by another plugin (`<owner>:<name>`) may only be tapped by a plugin that
 * declares the owner as a dependency, because otherwise load order — and so whether the hook
 * exists yet — would be an accident.
 */
import type { Logger } from '../logger.js';
import { NovumError } from '../errors.js';
import { isHookMap, type HookInfo, type TapableHook } from './descriptor.js';
import { pluginOwnerOf } from './names.js';
import type {
  DirectHookName,
  HookRegistry,
  HookRegistryHost,
  KeyedHookName,
  PluginHooks,
  TapOptions,
} from './registry.js';

export interface PluginHookScope {
  pluginId: string;
  /** Core domain modules: may define `<domain>.<name>` hooks. */
  builtin: boolean;
  /** Ids listed in `dependsOn` and `optionalDependsOn`, loaded or not. */
  dependencies: ReadonlySet<string>;
  /** Ids of every plugin in this helpdesk, in load order. */
  loadedPlugins: ReadonlySet<string>;
  logger: Logger;
}

type AnyTapFn = (...args: unknown[]) => unknown;

export function createPluginHooks(registry: HookRegistryHost, scope: PluginHookScope): PluginHooks {
  const { pluginId } = scope;

  /** The hook, or undefined when its owner is an optional dependency that is not installed. */
  function lookup(name: string): TapableHook | ReturnType<HookRegistryHost['find']> {
    const owner = pluginOwnerOf(name);
    if (owner !== undefined && owner !== pluginId && !scope.dependencies.has(owner)) {
      throw new NovumError(
        'HOOK_OWNER_NOT_DEPENDENCY',
        `plugin "${pluginId}" taps "${name}", which belongs to plugin "${owner}", but does not list "${owner}" in dependsOn or optionalDependsOn`,
        { details: { plugin: pluginId, hook: name, owner } },
      );
    }
    const hook = registry.find(name);
    if (hook !== undefined) return hook;
    if (owner !== undefined && owner !== pluginId && !scope.loadedPlugins.has(owner)) {
      scope.logger.debug(
        { hook: name, owner },
        `skipping tap on "${name}": optional dependency "${owner}" is not installed`,
      );
      return undefined;
    }
    throw new NovumError(
      'HOOK_UNKNOWN',
      `plugin "${pluginId}" taps "${name}", which is not defined${owner ? ` (plugin "${owner}" must define it in register())` : ''}`,
      { details: { plugin: pluginId, hook: name } },
    );
  }

  function assertNotFrozen(where: string): void {
    if (registry.frozen) {
      throw new NovumError(
        'HOOKS_FROZEN',
        `plugin "${pluginId}" cannot tap "${where}": hooks are frozen once the helpdesk is assembled; tap hooks in register()`,
      );
    }
  }

  function tapInto(hook: TapableHook, where: string, fn: AnyTapFn, options: TapOptions = {}): void {
    const before = options.before === undefined ? [] : [options.before].flat();
    for (const target of before) {
      // An absent optional dependency is a legitimate target; an id nobody declared is a typo.
      if (!scope.loadedPlugins.has(target) && !scope.dependencies.has(target)) {
        throw new NovumError(
          'HOOK_TAP_INVALID',
          `plugin "${pluginId}" taps "${where}" before "${target}", which is neither a loaded plugin nor a declared dependency`,
        );
      }
    }
    hook.tapPromise(
      {
        name: pluginId,
        ...(options.stage === undefined ? {} : { stage: options.stage }),
        ...(before.length === 0 ? {} : { before }),
      },
      async (...args: unknown[]) => fn(...args),
    );
  }

  return {
    tap(name: DirectHookName, fn, options) {
      assertNotFrozen(name);
      const hook = lookup(name);
      if (hook === undefined) return;
      if (isHookMap(hook)) {
        throw new NovumError(
          'HOOK_TAP_INVALID',
          `plugin "${pluginId}" taps "${name}" with tap(), but it is keyed: use tapFor("${name}", key, fn)`,
        );
      }
      tapInto(hook, name, fn as AnyTapFn, options);
    },
    tapFor(name: KeyedHookName, key, fn, options) {
      const where = `${name}[${key}]`;
      assertNotFrozen(where);
      const hookMap = lookup(name);
      if (hookMap === undefined) return;
      if (!isHookMap(hookMap)) {
        throw new NovumError(
          'HOOK_TAP_INVALID',
          `plugin "${pluginId}" taps "${name}" with tapFor(), but it is not keyed: use tap("${name}", fn)`,
        );
      }
      tapInto(hookMap.for(key), where, fn as AnyTapFn, options);
    },
    define<K extends keyof HookRegistry>(name: K, create: () => HookRegistry[K], info: HookInfo) {
      return registry.define(name, create, info, { id: pluginId, builtin: scope.builtin });
    },
  };
}
