/**
 * Runs the plugin lifecycle (PLUGIN-CONTRACT §1, steps 4, 6 and 8) over resolved plugins:
 * `register()` in dependency order, `boot()` in the same order, then `prepareShutdown()` and
 * `shutdown()` in reverse. Assembly between register and boot (freezing hooks, the ORM,
 * migrations) belongs to the caller, which owns the container; the host only registers into it.
 *
 * Each phase runs once: `register()` twice throws, the async phases return the promise of their
 * first run. A failure in register or boot stops the phase and throws `PLUGIN_FAILED` naming
 * the plugin; failures in the stop phases are logged and the remaining plugins still stop,
 * because a stuck shutdown is worse than a noisy one.
 */
import type { AwilixContainer } from 'awilix';
import type { CoreCradle, LoadedPluginInfo, NovumPlugin } from '../contract.js';
import type { Logger } from '../logger.js';
import { NovumError } from '../errors.js';
import { createPluginHooks } from '../hooks/plugin-hooks.js';
import type { HookRegistryHost } from '../hooks/registry.js';
import { ContainerKeyLedger } from './container-keys.js';
import { DeclarationCollector, type PluginDeclarations } from './declarations.js';
import { createRegisterContext, createRuntimeContext } from './plugin-context.js';
import { oneLine } from './problems.js';
import type { ResolvedPlugin } from './resolve.js';

export interface PluginHostOptions {
  /** In load order, as `resolvePlugins` returns them. */
  plugins: readonly ResolvedPlugin[];
  /** The root container (`createContainer({ injectionMode: 'PROXY', strict: true })`). */
  container: AwilixContainer<CoreCradle>;
  hooks: HookRegistryHost;
  logger: Logger;
  /** Per plugin, for prepareShutdown and shutdown each; default 10 s. */
  stopTimeoutMs?: number;
}

type PluginStatus = LoadedPluginInfo['status'];
type LifecyclePhase = 'register' | 'boot' | 'prepareShutdown' | 'shutdown';
type StopPhase = 'prepareShutdown' | 'shutdown';

export class PluginHost {
  private readonly statuses = new Map<string, PluginStatus>();
  private readonly loggers = new Map<string, Logger>();
  private readonly collector = new DeclarationCollector();
  private readonly ledger: ContainerKeyLedger;
  /** Booted plugins in boot order: each gets both stop phases, even if the first one fails. */
  private readonly booted: ResolvedPlugin[] = [];
  private registerState: 'not started' | 'failed' | 'done' = 'not started';
  private stopping = false;
  private bootRun: Promise<void> | undefined;
  private prepareRun: Promise<void> | undefined;
  private shutdownRun: Promise<void> | undefined;

  constructor(private readonly options: PluginHostOptions) {
    this.ledger = new ContainerKeyLedger(options.container);
  }

  /** Routes, event subscribers and jobs the plugins declared, in load order. */
  get declarations(): PluginDeclarations {
    return this.collector;
  }

  get plugins(): readonly ResolvedPlugin[] {
    return this.options.plugins;
  }

  /** Synchronous: `register()` only declares. Freeze the hooks after it, before `boot()`. */
  register(): void {
    if (this.registerState !== 'not started') {
      throw new NovumError(
        'PLUGIN_LIFECYCLE',
        'plugins are already registered; register() runs once',
      );
    }
    this.registerState = 'failed';
    const loadedPlugins = new Set(this.options.plugins.map((resolved) => resolved.id));
    for (const resolved of this.options.plugins) {
      const logger = this.loggerFor(resolved.id);
      const hooks = createPluginHooks(this.options.hooks, {
        pluginId: resolved.id,
        builtin: resolved.builtin,
        dependencies: new Set(resolved.declaredDependencies),
        loadedPlugins,
        logger,
      });
      const { context, close } = createRegisterContext(resolved, {
        ledger: this.ledger,
        declarations: this.collector,
        hooks,
        logger,
      });
      try {
        const returned: unknown = resolved.plugin.register?.(context);
        if (returned instanceof Promise) {
          returned.catch(() => undefined); // reported below; never an unhandled rejection
          throw new Error(
            'register() returned a promise; it must be synchronous (declarations only), do I/O in boot()',
          );
        }
      } catch (error) {
        this.statuses.set(resolved.id, 'failed');
        throw this.failure(resolved.id, 'register', error);
      } finally {
        close();
      }
      this.statuses.set(resolved.id, 'registered');
    }
    this.registerState = 'done';
  }

  boot(): Promise<void> {
    if (this.bootRun) return this.bootRun;
    if (this.registerState !== 'done') {
      return Promise.reject(
        new NovumError('PLUGIN_LIFECYCLE', 'boot() needs a successful register() first'),
      );
    }
    this.bootRun = this.runBoot();
    return this.bootRun;
  }

  /** Stop accepting work (pollers, listeners), in reverse order. */
  prepareShutdown(): Promise<void> {
    this.prepareRun ??= this.runStopPhase('prepareShutdown');
    return this.prepareRun;
  }

  /** Runs `prepareShutdown()` first if the caller has not. Never rejects: failures are logged. */
  shutdown(): Promise<void> {
    this.shutdownRun ??= this.prepareShutdown().then(() => this.runStopPhase('shutdown'));
    return this.shutdownRun;
  }

  info(): LoadedPluginInfo[] {
    return this.options.plugins
      .filter((resolved) => this.statuses.has(resolved.id))
      .map((resolved) => ({
        id: resolved.id,
        version: resolved.plugin.version,
        ...(resolved.plugin.description ? { description: resolved.plugin.description } : {}),
        status: this.statuses.get(resolved.id)!,
        dependsOn: [...resolved.dependencies],
        builtin: resolved.builtin,
      }));
  }

  private async runBoot(): Promise<void> {
    for (const resolved of this.options.plugins) {
      if (this.stopping) {
        throw new NovumError(
          'PLUGIN_LIFECYCLE',
          `boot stopped before plugin "${resolved.id}": shutdown was requested`,
        );
      }
      try {
        await resolved.plugin.boot?.(this.runtimeContext(resolved));
      } catch (error) {
        this.statuses.set(resolved.id, 'failed');
        throw this.failure(resolved.id, 'boot', error);
      }
      this.statuses.set(resolved.id, 'booted');
      this.booted.push(resolved);
    }
    this.options.logger.info(
      {
        plugins: this.options.plugins.map(
          (resolved) => `${resolved.id}@${resolved.plugin.version}`,
        ),
      },
      `booted ${this.options.plugins.length} plugin(s)`,
    );
  }

  private async runStopPhase(phase: StopPhase): Promise<void> {
    this.stopping = true;
    // A boot still in flight finishes its current plugin first, so that plugin is stopped too.
    await this.bootRun?.catch(() => undefined);
    for (const resolved of [...this.booted].reverse()) {
      try {
        await this.withStopTimeout(resolved.id, phase, () =>
          callStop(resolved.plugin, phase, this.runtimeContext(resolved)),
        );
        if (phase === 'shutdown' && this.statuses.get(resolved.id) === 'booted') {
          this.statuses.set(resolved.id, 'stopped');
        }
      } catch (error) {
        this.statuses.set(resolved.id, 'failed');
        this.loggerFor(resolved.id).error(
          { err: error },
          this.failure(resolved.id, phase, error).message,
        );
      }
    }
  }

  private async withStopTimeout(
    id: string,
    phase: StopPhase,
    run: () => Promise<void>,
  ): Promise<void> {
    const limit = this.options.stopTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new NovumError(
              'PLUGIN_STOP_TIMEOUT',
              `plugin "${id}" did not finish ${phase} within ${limit} ms`,
            ),
          ),
        limit,
      );
      timer.unref();
    });
    try {
      await Promise.race([run(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private runtimeContext(resolved: ResolvedPlugin) {
    return createRuntimeContext(resolved, this.options.container, this.loggerFor(resolved.id));
  }

  private loggerFor(id: string): Logger {
    let logger = this.loggers.get(id);
    if (!logger) {
      logger = this.options.logger.child({ plugin: id });
      this.loggers.set(id, logger);
    }
    return logger;
  }

  private failure(id: string, phase: LifecyclePhase, cause: unknown): NovumError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new NovumError(
      'PLUGIN_FAILED',
      `plugin "${id}" failed during ${phase}: ${oneLine(reason)}`,
      {
        cause,
        details: { plugin: id, phase },
      },
    );
  }
}

async function callStop(
  plugin: NovumPlugin,
  phase: StopPhase,
  context: ReturnType<typeof createRuntimeContext>,
): Promise<void> {
  await plugin[phase]?.(context);
}
