/**
 * The interceptors the registry installs on every hook (PLUGIN-CONTRACT §2). A `register`
 * interceptor wraps each tap as it is added, because tapable's `tap`/`call` interceptors see
 * neither a tap's duration nor its outcome. The wrapper:
 *  - times the tap and keeps per-tap statistics for the diagnostics listing;
 *  - names the plugin and hook in the log when a tap is slow or fails (tapable errors say neither);
 *  - on notify hooks, swallows the tap's error after logging it, so one plugin cannot break the
 *    other subscribers of an event that has already been committed. Waterfall, bail and veto
 *    errors propagate: they are part of the business operation.
 * The same interceptor is where the freeze is enforced, so that tapping a hook directly (not
 * through `PluginHooks`) after assembly also fails.
 */
import { performance } from 'node:perf_hooks';
import type { HookMap } from 'tapable';
import type { Logger } from '../logger.js';
import { isNovumError } from '../errors.js';
import type { HookKind, TapableHook } from './descriptor.js';

/** Per-tap counters, shown by `HookRegistryHost.describe()`. */
export interface TapStats {
  /** The tap name, which for plugin taps is the plugin id. */
  plugin: string;
  stage: number;
  /** For HookMap hooks: the key the tap was added under. */
  key?: string;
  calls: number;
  errors: number;
  totalMs: number;
  maxMs: number;
}

export interface InstrumentOptions {
  hookName: string;
  kind: HookKind;
  logger: Logger;
  slowTapMs: number;
  /** Receives one record per registered tap. */
  stats: TapStats[];
  /** Runs before a tap is added; throws to refuse it (the registry is frozen). */
  beforeTap(tapName: string, key: string | undefined): void;
}

type TapFunction = (...args: unknown[]) => unknown;
type NodeCallback = (error?: unknown, result?: unknown) => void;

interface RegisteredTap {
  name: string;
  type: 'sync' | 'async' | 'promise';
  fn: TapFunction;
  stage?: number;
}

interface TapScope {
  record: TapStats;
  options: InstrumentOptions;
  /** Notify hooks log and count errors instead of failing the call. */
  isolateErrors: boolean;
}

export function instrumentHook(hook: TapableHook, options: InstrumentOptions, key?: string): void {
  hook.intercept({
    name: 'novumdesk:instrument',
    register: (tap: RegisteredTap): RegisteredTap => {
      options.beforeTap(tap.name, key);
      const record: TapStats = {
        plugin: tap.name,
        stage: tap.stage ?? 0,
        ...(key === undefined ? {} : { key }),
        calls: 0,
        errors: 0,
        totalMs: 0,
        maxMs: 0,
      };
      options.stats.push(record);
      const scope: TapScope = { record, options, isolateErrors: options.kind === 'notify' };
      return { ...tap, fn: wrapTap(tap, scope) };
    },
  });
}

export function instrumentHookMap(map: HookMap<TapableHook>, options: InstrumentOptions): void {
  map.intercept({
    factory: (key: unknown, hook: TapableHook) => {
      instrumentHook(hook, options, String(key));
      return hook;
    },
  });
  // Hooks a factory created before interception (a map handed over pre-filled) get it too.
  const existing = (map as unknown as { _map?: Map<unknown, TapableHook> })._map;
  existing?.forEach((hook, key) => instrumentHook(hook, options, String(key)));
}

function wrapTap(tap: RegisteredTap, scope: TapScope): TapFunction {
  const original = tap.fn;
  switch (tap.type) {
    case 'promise':
      return async (...args: unknown[]) => {
        const startedAt = performance.now();
        try {
          const result = await original(...args);
          settle(scope, startedAt);
          return result;
        } catch (error) {
          settle(scope, startedAt, { error });
          if (scope.isolateErrors) return undefined;
          throw error;
        }
      };
    case 'async':
      return (...args: unknown[]) => {
        const callback = args.pop() as NodeCallback;
        const startedAt = performance.now();
        let settled = false;
        const done: NodeCallback = (error, result) => {
          if (settled) return;
          settled = true;
          if (error) {
            settle(scope, startedAt, { error });
            return scope.isolateErrors ? callback() : callback(error);
          }
          settle(scope, startedAt);
          return callback(null, result);
        };
        try {
          original(...args, done);
        } catch (error) {
          if (!scope.isolateErrors || settled) throw error;
          done(error);
        }
      };
    case 'sync':
      return (...args: unknown[]) => {
        const startedAt = performance.now();
        try {
          const result = original(...args);
          settle(scope, startedAt);
          return result;
        } catch (error) {
          settle(scope, startedAt, { error });
          if (scope.isolateErrors) return undefined;
          throw error;
        }
      };
  }
}

function settle(scope: TapScope, startedAt: number, failure?: { error: unknown }): void {
  const durationMs = performance.now() - startedAt;
  const { record, options } = scope;
  record.calls += 1;
  record.totalMs += durationMs;
  record.maxMs = Math.max(record.maxMs, durationMs);
  const where = record.key === undefined ? options.hookName : `${options.hookName}[${record.key}]`;
  const fields = {
    hook: options.hookName,
    ...(record.key === undefined ? {} : { key: record.key }),
    plugin: record.plugin,
    durationMs: Math.round(durationMs * 10) / 10,
  };
  if (failure) {
    record.errors += 1;
    reportFailure(scope, where, fields, failure.error);
  } else if (durationMs > options.slowTapMs) {
    options.logger.warn(
      fields,
      `slow hook tap: plugin "${record.plugin}" took ${fields.durationMs} ms in "${where}" (limit ${options.slowTapMs} ms)`,
    );
  }
}

function reportFailure(scope: TapScope, where: string, fields: object, error: unknown): void {
  const { logger } = scope.options;
  const plugin = scope.record.plugin;
  if (scope.isolateErrors) {
    logger.error(
      { ...fields, err: error },
      `plugin "${plugin}" failed in notify hook "${where}"; the other taps were not affected`,
    );
    return;
  }
  // A deliberate refusal (a 4xx NovumError) is the hook doing its job, not a fault to alert on.
  if (isNovumError(error) && error.status < 500) {
    logger.debug(
      { ...fields, code: error.code },
      `plugin "${plugin}" refused in hook "${where}": ${error.code}`,
    );
    return;
  }
  logger.warn(
    { ...fields, err: error },
    `plugin "${plugin}" threw in hook "${where}"; the error propagates to the caller`,
  );
}
