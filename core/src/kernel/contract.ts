/**
 * The plugin contract: what a plugin (or a core module, which uses the same contract) declares
 * and what it receives. Everything here is types only; behaviour lives in the loader
 * (`plugins/`), the hook registry (`hooks/`) and `helpdesk.ts`.
 *
 * Extension by declaration merging:
 *  - `HookRegistry` (hooks/registry.ts) — add hook areas: `declare module '@novumdesk/core' { interface HookRegistry { 'myplugin:thing': AsyncParallelHook<...> } }`
 *  - `CoreCradle` / `RequestCradle` — add container keys a plugin registers.
 *  - `EventMap` — add domain event names and their payloads.
 */
import type { AwilixContainer, Resolver } from 'awilix';
import type { EntityManager, EntitySchema, MikroORM } from '@mikro-orm/postgresql';
import type { MigrationObject } from '@mikro-orm/core';
import type { ZodType } from 'zod';
import type { Logger } from './logger.js';
import type { ResolvedConfig } from './config/schema.js';
import type { HookDiagnostics, HookRegistry, PluginHooks } from './hooks/registry.js';
import type { RouteDefinition } from '../http/route.js';
import type { PageMount } from '../http/pages.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { EventBus, EventEnvelope, EventMap } from '../events/event-bus.js';
import type { Clock } from './clock.js';
import type { PermissionCatalog } from './plugins/permission-catalog.js';
import type { StorageProvider } from '../storage/storage.js';
import type {
  ChannelInbound,
  ChannelProvider,
  ChannelProviderDeclaration,
  DeliveryEvents,
} from './channel-contract.js';
import type {
  PersonalDataDeclaration,
  PersonalDataHandlers,
  SubProcessorDeclaration,
} from './personal-data-contract.js';

// The channel and personal-data parts of the contract live in their own files; everything is
// still importable from here.
export type * from './channel-contract.js';
export type * from './personal-data-contract.js';

/** Who is acting: filled by the auth layer (identity issue); `null` for anonymous requests. */
export interface Actor {
  kind: 'user' | 'apiKey' | 'system';
  id: string;
  workspaceId?: string;
  permissions?: readonly string[];
}

/** Singletons in the root container. Plugins augment this interface for the keys they add. */
export interface CoreCradle {
  config: ResolvedConfig;
  logger: Logger;
  orm: MikroORM;
  hooks: Readonly<HookRegistry>;
  jobs: JobQueue;
  events: EventBus;
  clock: Clock;
  /** Loaded plugins and core modules with their status (computed on each resolve). */
  plugins: LoadedPluginInfo[];
  /** Hooks, their taps and per-tap timing, for the diagnostics route. */
  hookDiagnostics: () => HookDiagnostics[];
  /** Every permission the core modules and loaded plugins declare (`permissions` manifests). */
  permissionCatalog: PermissionCatalog;
  /** Uploaded files (avatars, …): `LocalDiskStorage` under `<dataDir>/files` by default. */
  storage: StorageProvider;
  /** Channel providers by type, as plugins added them with `ctx.channels.add()` in register(). */
  channelProviders: ReadonlyMap<string, ChannelProviderDeclaration>;
  /** Inbound messages of channel providers into tickets (the inboxes module). */
  channelInbound: ChannelInbound;
  /** The delivery history of outbound messages (the inboxes module). */
  deliveryEvents: DeliveryEvents;
  /** Every loaded plugin's and core module's personal-data handlers and sub-processors. */
  personalDataRegistry: readonly PersonalDataDeclaration[];
}

/** What a request or job scope adds to the root cradle. */
export interface RequestCradle extends CoreCradle {
  em: EntityManager;
  requestId: string;
  actor: Actor | null;
  workspaceId: string | null;
}

/** Context handed to every hook call: `(payload, ctx)`. */
export interface HookContext {
  em: EntityManager;
  scope: AwilixContainer<RequestCradle>;
  actor: Actor | null;
  workspaceId: string | null;
  requestId: string;
  signal?: AbortSignal;
}

/**
 * One migration of one package, as MikroORM's migrator takes it: `name` is
 * `<pluginId>/Migration<timestamp>_<slug>`, `class` extends `Migration` from `@mikro-orm/migrations`.
 */
export type MigrationDefinition = MigrationObject;

export interface EventSubscriberOptions {
  /** Unique per plugin; the queue name becomes `event.<pluginId>.<name>`. */
  name: string;
  retryLimit?: number;
}

/** What `register()` may do: declarations only, no I/O. */
export interface PluginContext<O = unknown> {
  readonly id: string;
  readonly options: Readonly<O>;
  readonly logger: Logger;
  readonly hooks: PluginHooks;
  /** Adds singletons to the root container; keys must start with the plugin's camelCase prefix. */
  register(resolvers: Record<string, Resolver<unknown>>): void;
  /** Adds an HTTP route; plugin routes are mounted under `/api/p/<pluginId>`. */
  route(definition: RouteDefinition): void;
  /**
   * Serves public, anonymous pages outside `/api` (HTML, sitemap.xml, …) at the mount's paths
   * and, optionally, on host names it claims; see `http/pages.ts` and docs/plugins.md.
   */
  page(mount: PageMount): void;
  /** Runs `handler` once per domain event `name`, after commit, through the job queue. */
  on<K extends keyof EventMap>(
    event: K,
    options: EventSubscriberOptions,
    handler: (
      event: EventEnvelope<EventMap[K]>,
      scope: AwilixContainer<RequestCradle>,
    ) => Promise<void>,
  ): void;
  /** A named background job (queue `<pluginId>.<name>`), optionally on a cron schedule. */
  job<T extends object = object>(
    name: string,
    handler: (data: T, scope: AwilixContainer<RequestCradle>) => Promise<void>,
    options?: { cron?: string; retryLimit?: number; retryDelaySeconds?: number },
  ): void;
  /** Channel types this plugin provides; a second provider of the same type fails assembly. */
  readonly channels: {
    add<S>(provider: ChannelProvider<S>): void;
  };
}

/** What `boot()` / `shutdown()` get: the assembled container. */
export interface PluginRuntimeContext<O = unknown> {
  readonly id: string;
  readonly options: Readonly<O>;
  readonly logger: Logger;
  readonly container: AwilixContainer<CoreCradle>;
  resolve<K extends keyof CoreCradle>(key: K): CoreCradle[K];
}

export interface NovumPlugin<O = unknown> {
  /** kebab-case, unique: `channel-email`, `hello`. */
  id: string;
  version: string;
  /** semver range of @novumdesk/core this plugin works with. */
  core: string;
  description?: string;
  dependsOn?: Record<string, string>;
  optionalDependsOn?: Record<string, string>;
  /** Parsed (defaults applied) before `register()`. Also the settings form in the admin UI. */
  options?: ZodType<O>;
  entities?: EntitySchema<any, any>[];
  migrations?: MigrationDefinition[];
  permissions?: readonly string[];
  /** Required when `entities` hold personal data: the kernel refuses to start without handlers. */
  personalData?: PersonalDataHandlers;
  /** Panels for the admin UI; the kernel fails start-up if a declared entry file is missing. */
  admin?: AdminContribution;
  /** Set on plugins whose entities hold no personal data, so the omission is a decision. */
  noPersonalData?: true;
  /** Subcommands this plugin adds to the `novumdesk` CLI (`novumdesk <name> [args…]`). */
  commands?: readonly PluginCommand[];
  /** Services off the host this plugin sends personal data to (listed by the privacy plugin). */
  subProcessors?: readonly SubProcessorDeclaration[];
  register?(ctx: PluginContext<O>): void;
  boot?(ctx: PluginRuntimeContext<O>): Promise<void>;
  prepareShutdown?(ctx: PluginRuntimeContext<O>): Promise<void>;
  shutdown?(ctx: PluginRuntimeContext<O>): Promise<void>;
}

/** A panel a plugin contributes to the admin UI, mounted at run time into a named slot. */
export interface AdminPanelDeclaration {
  /** Unique within the plugin. */
  id: string;
  /** `dashboard.widgets`, `ticket.details.sidebar`, `nav.main`, … (admin-ui/src/sdk/slots.ts). */
  slot: string;
  title: string;
  /** The built ES module, relative to `admin.assetsDir`. */
  entry: string;
  /** The module export holding the component; `default` when absent. */
  exportName?: string;
  order?: number;
  /** Permissions the user needs to see the panel. */
  requires?: readonly string[];
}

export interface AdminContribution {
  /** Absolute path of the directory with the plugin's built admin bundle (Vite library mode). */
  assetsDir: string;
  panels: readonly AdminPanelDeclaration[];
}

/** A plugin with the operator's raw options: what goes into `config.plugins`. */
export interface PluginInstance<O = unknown> {
  plugin: NovumPlugin<O>;
  rawOptions: unknown;
}

export interface LoadedPluginInfo {
  id: string;
  version: string;
  description?: string;
  status: 'registered' | 'booted' | 'stopped' | 'failed';
  dependsOn: string[];
  /** true for the core's own modules, which use the same contract. */
  builtin: boolean;
}

export type { EntityManager, MikroORM };

/**
 * A subcommand a plugin adds to the `novumdesk` command line: `novumdesk <name> [args…]`, found
 * in the plugins the configuration enables. It gets the arguments after its name and the
 * configuration file `novumdesk --config` named (if any), opens whatever it needs itself (e.g.
 * `createHelpdesk({ configFile, env: process.env, modules: defaultModules })`), and returns the
 * process exit code. Names of the core's commands, and a name two plugins claim, are refused.
 */
export interface PluginCommand {
  /** kebab-case, e.g. `email`, `analytics`. */
  name: string;
  /** One line, shown by `novumdesk plugins`. */
  description: string;
  run(args: string[], context: { configFile?: string }): Promise<number>;
}
