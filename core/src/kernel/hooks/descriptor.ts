/**
 * What a hook means, kept next to its definition so that `docs/hooks.md` and the diagnostics
 * listing come from the same source as the code. The kind is the hook's *meaning*
 * (PLUGIN-CONTRACT §2); the tapable class must agree with it, which `assertKindMatchesClass`
 * checks at definition time so a mislabelled hook cannot ship.
 */
import { HookMap } from 'tapable';
import { NovumError } from '../errors.js';

/**
 * - `transform`: AsyncSeriesWaterfallHook, `domain.beforeVerb` — taps return the (changed) value.
 * - `resolve`: AsyncSeriesBailHook, `domain.resolveX` — the first tap returning a value wins.
 * - `veto`: AsyncSeriesBailHook, `domain.canVerb` — a tap returns a veto (or throws) to refuse.
 * - `notify`: AsyncParallelHook, `domain.verbed` — after commit; one tap's error never fails the others.
 * - `lifecycle`: AsyncSeriesHook or AsyncParallelHook — `app.ready`, `app.shutdown`.
 */
export type HookKind = 'transform' | 'resolve' | 'veto' | 'notify' | 'lifecycle';

/** What the author of a hook writes down about it. */
export interface HookInfo {
  kind: HookKind;
  /** When the hook is called and what taps are expected to do. */
  description: string;
  /** The arguments as a TypeScript signature: `(draft: TicketDraft, ctx: HookContext)`. */
  payload: string;
  /** What taps return, in words, for transform/resolve/veto hooks. */
  returns?: string;
  /** For a HookMap: what the key selects (`channel type, e.g. "email"`). */
  key?: string;
  /** Version of the defining package in which the hook appeared. */
  since: string;
}

/** A defined hook, as the registry knows it. */
export interface HookDescriptor extends HookInfo {
  name: string;
  /** `core`, a core module id, or the plugin id that defined it. */
  definedBy: string;
  /** The tapable class, e.g. `AsyncSeriesWaterfallHook` or `HookMap<AsyncSeriesBailHook>`. */
  tapable: string;
  keyed: boolean;
}

export const HOOK_KINDS: readonly HookKind[] = [
  'transform',
  'resolve',
  'veto',
  'notify',
  'lifecycle',
];

/** Only async hooks: every tap may do async work, and `PluginHooks.tap` always uses `tapPromise`. */
const CLASSES_BY_KIND: Record<HookKind, readonly string[]> = {
  transform: ['AsyncSeriesWaterfallHook'],
  resolve: ['AsyncSeriesBailHook', 'AsyncParallelBailHook'],
  veto: ['AsyncSeriesBailHook', 'AsyncParallelBailHook'],
  notify: ['AsyncParallelHook'],
  lifecycle: ['AsyncSeriesHook', 'AsyncParallelHook'],
};

/** The minimal shape of a tapable hook that the registry relies on. */
export interface TapableHook {
  taps: { name: string; stage?: number }[];
  intercept(interceptor: object): void;
  tapPromise(options: object, fn: (...args: never[]) => Promise<unknown>): void;
}

export function isHookMap(value: unknown): value is HookMap<TapableHook> {
  return value instanceof HookMap;
}

export function isTapableHook(value: unknown): value is TapableHook {
  const hook = value as Partial<TapableHook> | null;
  return (
    typeof hook === 'object' &&
    hook !== null &&
    Array.isArray(hook.taps) &&
    typeof hook.intercept === 'function'
  );
}

/**
 * tapable's hook "classes" are factory functions that set `hook.constructor` (their prototype
 * is null, so `instanceof` cannot be used); the constructor's name is the reliable class name.
 */
export function tapableClassName(hook: unknown): string {
  const ctor = (hook as { constructor?: { name?: string } } | null)?.constructor;
  return ctor?.name ?? 'unknown';
}

/**
 * HookMap creates its hooks lazily, so its class is learnt by asking its factory once for a
 * throwaway hook; tapable has kept `_factory` stable across v2.
 */
export function innerHookOf(map: HookMap<TapableHook>): unknown {
  const factory = (map as unknown as { _factory?: (key: string) => unknown })._factory;
  return typeof factory === 'function' ? factory('__probe__') : undefined;
}

export function describeTapableClass(hookOrMap: unknown): { tapable: string; keyed: boolean } {
  if (isHookMap(hookOrMap)) {
    return { tapable: `HookMap<${tapableClassName(innerHookOf(hookOrMap))}>`, keyed: true };
  }
  return { tapable: tapableClassName(hookOrMap), keyed: false };
}

export function assertKindMatchesClass(name: string, info: HookInfo, hookOrMap: unknown): void {
  if (!HOOK_KINDS.includes(info.kind)) {
    throw new NovumError('HOOK_DEFINITION_INVALID', `hook "${name}": unknown kind "${info.kind}"`);
  }
  const hook = isHookMap(hookOrMap) ? innerHookOf(hookOrMap) : hookOrMap;
  if (!isTapableHook(hook)) {
    throw new NovumError(
      'HOOK_DEFINITION_INVALID',
      `hook "${name}": the factory must return a tapable hook or HookMap`,
    );
  }
  const className = tapableClassName(hook);
  const allowed = CLASSES_BY_KIND[info.kind];
  if (!allowed.includes(className)) {
    throw new NovumError(
      'HOOK_DEFINITION_INVALID',
      `hook "${name}": a ${info.kind} hook must be ${allowed.join(' or ')}, not ${className}`,
    );
  }
}
