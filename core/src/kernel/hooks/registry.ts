/**
 * The typed hook table and the registry that owns it (ARCHITECTURE §3, PLUGIN-CONTRACT §2).
 *
 * `HookRegistry` is open for declaration merging, so a hook that nobody declared is a compile
 * error, and plugins add their own areas from their `./contract`:
 *
 *   declare module '@novumdesk/core' {
 *     interface HookRegistry { 'channel-email:threadMatched': AsyncSeriesBailHook<[Msg, HookContext], Thread | undefined> }
 *   }
 *
 * Core modules augment this file (`declare module '../kernel/hooks/registry.js'`) instead:
 * TypeScript can fork an interface that one program augments both directly and through a
 * re-export (microsoft/TypeScript#46617), and the package entry is only a re-export.
 */
import type {
  AsyncParallelHook,
  AsyncSeriesHook,
  AsyncSeriesWaterfallHook,
  HookMap,
} from 'tapable';
import type { Logger } from '../logger.js';
import { NovumError } from '../errors.js';
import type { HookDefinition } from './define-hook.js';
import {
  assertKindMatchesClass,
  describeTapableClass,
  isHookMap,
  type HookDescriptor,
  type HookInfo,
  type HookKind,
  type TapableHook,
} from './descriptor.js';
import { instrumentHook, instrumentHookMap, type TapStats } from './instrument.js';
import {
  kernelHookDefinitions,
  type AppReadyInfo,
  type AppShutdownInfo,
  type OpenApiDocument,
  type OpenApiHookInfo,
} from './kernel-hooks.js';
import { assertHookNameAllowed, KERNEL_OWNER, type HookOwner } from './names.js';

/** Every hook, by name. Core domain modules and plugins extend it by declaration merging. */
export interface HookRegistry {
  'app.ready': AsyncParallelHook<[AppReadyInfo]>;
  'app.shutdown': AsyncSeriesHook<[AppShutdownInfo]>;
  'http.openapi': AsyncSeriesWaterfallHook<[OpenApiDocument, OpenApiHookInfo], OpenApiDocument>;
}

/** Hooks that are a `HookMap` (dispatch per key): tapped with `tapFor`. */
export type KeyedHookName = {
  [K in keyof HookRegistry]: HookRegistry[K] extends HookMap<infer _Hook> ? K : never;
}[keyof HookRegistry];

/** Hooks tapped directly with `tap`. */
export type DirectHookName = Exclude<keyof HookRegistry, KeyedHookName>;

/** The hook class inside a keyed hook. */
export type HookInMap<K extends KeyedHookName> =
  HookRegistry[K] extends HookMap<infer H> ? H : never;

/**
 * The function a tap supplies, derived from what the hook's `promise()` takes and returns:
 * waterfall taps return the value (or undefined to pass it on unchanged), bail taps return an
 * answer or undefined, parallel and series taps return nothing.
 */
export type TapFn<H> = H extends { promise(...args: infer A): Promise<infer R> }
  ? (...args: A) => R | undefined | Promise<R | undefined>
  : never;

export interface TapOptions {
  /** Lower runs earlier; default 0. */
  stage?: number;
  /** Plugin ids whose taps this one must run before; each must be a known plugin. */
  before?: string | string[];
}

/** What a plugin's `ctx.hooks` offers. The tap name is always the plugin id. */
export interface PluginHooks {
  tap<K extends DirectHookName>(hook: K, fn: TapFn<HookRegistry[K]>, options?: TapOptions): void;
  tapFor<K extends KeyedHookName>(
    hook: K,
    key: string,
    fn: TapFn<HookInMap<K>>,
    options?: TapOptions,
  ): void;
  /** Adds a hook named `<pluginId>:<name>` (core modules: `<domain>.<name>`). */
  define<K extends keyof HookRegistry>(
    hook: K,
    create: () => HookRegistry[K],
    info: HookInfo,
  ): HookRegistry[K];
}

/** One row of the diagnostics listing (`GET /admin/api/diagnostics/hooks`); taps in call order. */
export interface HookDiagnostics {
  hook: string;
  kind: HookKind;
  description: string;
  definedBy: string;
  tapable: string;
  taps: TapStats[];
}

export interface CreateHookRegistryOptions {
  logger: Logger;
  /** A tap slower than this is logged at warn; default 100 ms. */
  slowTapMs?: number;
  /** Hooks of core domain modules; the kernel's own (`kernelHookDefinitions`) are always defined. */
  definitions?: readonly HookDefinition[];
}

export interface HookRegistryHost {
  /** The hook table: what the container exposes as `hooks`. Frozen by `freeze()`. */
  readonly hooks: Readonly<HookRegistry>;
  readonly frozen: boolean;
  define<K extends keyof HookRegistry>(
    name: K,
    create: () => HookRegistry[K],
    info: HookInfo,
    owner?: HookOwner,
  ): HookRegistry[K];
  /** The hook or HookMap named `name`, for code that only has the name as a string. */
  find(name: string): TapableHook | HookMap<TapableHook> | undefined;
  descriptor(name: string): HookDescriptor | undefined;
  /** All defined hooks, sorted by name. */
  descriptors(): HookDescriptor[];
  /** Ends assembly: defining or tapping afterwards throws `HOOKS_FROZEN`. */
  freeze(): void;
  describe(): HookDiagnostics[];
}

export const DEFAULT_SLOW_TAP_MS = 100;

export function createHookRegistry(options: CreateHookRegistryOptions): HookRegistryHost {
  const slowTapMs = options.slowTapMs ?? DEFAULT_SLOW_TAP_MS;
  const table: Record<string, TapableHook | HookMap<TapableHook>> = {};
  const descriptors = new Map<string, HookDescriptor>();
  const statsByHook = new Map<string, TapStats[]>();
  let frozen = false;

  const refuseWhenFrozen = (hookName: string) => (tapName: string, key: string | undefined) => {
    if (!frozen) return;
    const where = key === undefined ? hookName : `${hookName}[${key}]`;
    throw new NovumError(
      'HOOKS_FROZEN',
      `"${tapName}" cannot tap "${where}": hooks are frozen once the helpdesk is assembled; tap hooks in register()`,
      { details: { hook: hookName, tap: tapName } },
    );
  };

  function define<K extends keyof HookRegistry>(
    name: K,
    create: () => HookRegistry[K],
    info: HookInfo,
    owner: HookOwner = KERNEL_OWNER,
  ): HookRegistry[K] {
    if (frozen) {
      throw new NovumError(
        'HOOKS_FROZEN',
        `"${owner.id}" cannot define "${name}": hooks are frozen once the helpdesk is assembled; define hooks in register()`,
      );
    }
    assertHookNameAllowed(name, owner);
    const existing = descriptors.get(name);
    if (existing) {
      throw new NovumError(
        'HOOK_ALREADY_DEFINED',
        `"${owner.id}" cannot define "${name}": already defined by "${existing.definedBy}"`,
      );
    }
    const hook: unknown = create();
    assertKindMatchesClass(name, info, hook);
    const stats: TapStats[] = [];
    const instrumentation = {
      hookName: name,
      kind: info.kind,
      logger: options.logger,
      slowTapMs,
      stats,
      beforeTap: refuseWhenFrozen(name),
    };
    if (isHookMap(hook)) instrumentHookMap(hook, instrumentation);
    else instrumentHook(hook as TapableHook, instrumentation);

    table[name] = hook as TapableHook;
    statsByHook.set(name, stats);
    descriptors.set(name, { ...info, name, definedBy: owner.id, ...describeTapableClass(hook) });
    return hook as HookRegistry[K];
  }

  // A Set, so a caller that also lists `kernelHookDefinitions` does not define them twice.
  for (const definition of new Set([...kernelHookDefinitions, ...(options.definitions ?? [])])) {
    define(definition.name, definition.create, definition.info);
  }

  const sortedDescriptors = () =>
    [...descriptors.values()].sort((a, b) => a.name.localeCompare(b.name));

  return {
    hooks: table as unknown as Readonly<HookRegistry>,
    get frozen() {
      return frozen;
    },
    define,
    find: (name) => table[name],
    descriptor: (name) => descriptors.get(name),
    descriptors: sortedDescriptors,
    freeze() {
      frozen = true;
      Object.freeze(table);
    },
    describe: () =>
      sortedDescriptors().map((descriptor) => ({
        hook: descriptor.name,
        kind: descriptor.kind,
        description: descriptor.description,
        definedBy: descriptor.definedBy,
        tapable: descriptor.tapable,
        taps: inCallOrder(statsByHook.get(descriptor.name) ?? []).map((tap) => ({
          ...tap,
          totalMs: roundMs(tap.totalMs),
          maxMs: roundMs(tap.maxMs),
        })),
      })),
  };
}

const roundMs = (ms: number) => Math.round(ms * 1000) / 1000;

/** tapable runs taps by stage, then registration order (a stable sort keeps the latter). */
const inCallOrder = (stats: readonly TapStats[]) =>
  [...stats].sort((a, b) => (a.key ?? '').localeCompare(b.key ?? '') || a.stage - b.stage);
