/**
 * `createHelpdesk(options)`: assembles the kernel (ARCHITECTURE §3) and returns
 * `{ app, container, hooks, migrate(), start(), stop() }`.
 *
 * Assembly order: config → logger → hooks → plugins resolved and registered (declarations only)
 * → hooks frozen → database → ORM (merged entities and migrations) → job queue and outbox relay
 * → HTTP app. `start()` checks migrations, starts the queue, boots plugins, then listens;
 * `stop()` undoes it in reverse.
 */
import path from 'node:path';
import type Koa from 'koa';
import { asFunction, asValue, type AwilixContainer } from 'awilix';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { CoreCradle, LoadedPluginInfo, RequestCradle } from './contract.js';
import { loadConfig } from './config/load.js';
import type { NovumConfigInput, ResolvedConfig } from './config/schema.js';
import { createLogger, type Logger } from './logger.js';
import { systemClock, type Clock } from './clock.js';
import { NovumError } from './errors.js';
import { createRootContainer, createScope } from './container.js';
import { createHookRegistry, kernelHookDefinitions, type HookRegistry } from './hooks/index.js';
import {
  PluginHost,
  createPermissionCatalog,
  resolvePlugins,
  type PluginEntry,
  type ResolvedPlugin,
} from './plugins/index.js';
import { openDatabase, type Database } from '../data/connection.js';
import { createOrm } from '../data/orm.js';
import { applyMigrations, collectMigrations, pendingMigrations } from '../data/migrations.js';
import { EventBus, type EventEnvelope } from '../events/event-bus.js';
import { OutboxRelay } from '../events/outbox-relay.js';
import { OutboxPokeSubscriber } from '../events/orm-subscriber.js';
import { JobQueue } from '../jobs/job-queue.js';
import { createHttpApp, API_PREFIX, pluginPrefix } from '../http/app.js';
import type { Authenticate } from '../http/scope.js';
import type { RouteGroup } from '../http/route.js';
import { healthRoutes, type ReadinessChecks } from '../http/health.routes.js';
import { createHttpServer, listen, close, type HttpServer } from '../http/server.js';
import { coreModule } from '../system/core.module.js';
import { adminAssetDirs, adminExtensionRoutes } from '../system/admin-extensions.js';
import { adminUiMiddleware } from '../admin-host/index.js';
import { inWorkspaceScope, jobWorkspaceId, runInActorWorkspace } from '../tenancy/index.js';
import { CORE_VERSION } from '../version.js';
import { LocalDiskStorage } from '../storage/storage.js';

export interface CreateHelpdeskOptions {
  /** Configuration in code (embedding, tests). Without it, `novumdesk.config.*` in `cwd` is read. */
  config?: NovumConfigInput;
  configFile?: string;
  cwd?: string;
  /** Environment variables applied over the config. The CLI passes `process.env`; embedders choose. */
  env?: Record<string, string | undefined>;
  /** Added after `config.plugins`. */
  plugins?: readonly PluginEntry[];
  /** Core modules beyond the kernel's own (the CLI passes the domain modules). */
  modules?: readonly PluginEntry[];
  logger?: Logger;
  /** Maps a request to an actor: the identity layer, or an embedding host's session bridge. */
  authenticate?: Authenticate;
  clock?: Clock;
  /** Embedded mode only: keep the database in memory (tests). */
  inMemory?: boolean;
  /** Serve the admin UI at /admin (default). `redirectRoot: false` leaves `/` to an embedding host. */
  adminUi?: false | { redirectRoot?: boolean };
}

export interface StartOptions {
  /** Open the HTTP port (default). Embedders mount `app` themselves and pass false. */
  listen?: boolean;
  /** Run job workers in this process; default `config.jobs.inProcessWorkers` (`novumdesk worker` forces it on). */
  workers?: boolean;
}

export interface Helpdesk {
  app: Koa;
  container: AwilixContainer<CoreCradle>;
  hooks: Readonly<HookRegistry>;
  config: ResolvedConfig;
  orm: MikroORM;
  logger: Logger;
  /** `http://host:port` once listening. */
  readonly url: string | null;
  plugins(): LoadedPluginInfo[];
  pendingMigrations(): Promise<string[]>;
  migrate(
    onProgress?: (p: { name: string; index: number; total: number }) => void,
  ): Promise<string[]>;
  start(options?: StartOptions): Promise<void>;
  stop(reason?: string): Promise<void>;
  /** A scope like a request's, for scripts and tests: dispose it when done. */
  createScope(requestId?: string): AwilixContainer<RequestCradle>;
}

export async function createHelpdesk(options: CreateHelpdeskOptions = {}): Promise<Helpdesk> {
  const config = await loadConfig({
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.configFile ? { file: options.configFile } : {}),
    ...(options.config ? { config: options.config } : {}),
    env: options.env ?? {},
  });
  const logger = options.logger ?? createLogger(config.log);
  const clock = options.clock ?? systemClock;
  const hookHost = createHookRegistry({ logger, definitions: kernelHookDefinitions });
  const resolved = resolvePlugins([...config.plugins, ...(options.plugins ?? [])], {
    coreVersion: CORE_VERSION,
    builtin: [coreModule, ...(options.modules ?? [])],
  });

  const pluginAssets = adminAssetDirs(resolved.map((p) => p.plugin));
  const container = createRootContainer();
  const bus = new EventBus(clock);
  const host = new PluginHost({ plugins: resolved, container, hooks: hookHost, logger });
  container.register({
    config: asValue(config),
    logger: asValue(logger),
    clock: asValue(clock),
    hooks: asValue(hookHost.hooks),
    events: asValue(bus),
    plugins: asFunction(() => host.info()),
    hookDiagnostics: asValue(() => hookHost.describe()),
    permissionCatalog: asValue(createPermissionCatalog(resolved)),
    storage: asValue(new LocalDiskStorage(path.join(config.dataDir, 'files'))),
    channelProviders: asValue(host.declarations.channels),
    personalDataRegistry: asValue(
      resolved.map((p) => ({
        pluginId: p.id,
        handlers: p.plugin.personalData ?? null,
        subProcessors: p.plugin.subProcessors ?? [],
      })),
    ),
  });
  host.register();
  hookHost.freeze();

  const database = await connect(config, options.inMemory ?? false, logger);
  let relay: OutboxRelay | null = null;
  let orm: MikroORM;
  try {
    orm = await createOrm({
      connection: database.connection,
      entities: resolved.map((p) => ({ owner: p.id, entities: p.plugin.entities ?? [] })),
      migrations: collectMigrations(
        resolved.map((p) => ({ owner: p.id, migrations: p.plugin.migrations ?? [] })),
      ),
      poolSize: config.database.poolSize,
      logger,
      subscribers: [new OutboxPokeSubscriber(() => relay?.poke())],
    });
  } catch (error) {
    await database.close();
    throw error;
  }
  const jobs = new JobQueue({
    connection: database.connection,
    logger,
    pollIntervalSeconds: config.jobs.pollIntervalSeconds,
  });
  container.register({ orm: asValue(orm), jobs: asValue(jobs) });
  relay = new OutboxRelay({ pool: database.pool, bus, jobs, logger });
  wireDeclarations(host, jobs, bus, container);

  const app = createHttpApp({
    logger,
    beforeScope:
      options.adminUi === false
        ? []
        : [
            adminUiMiddleware({
              logger,
              pluginAssets,
              redirectRoot: options.adminUi?.redirectRoot ?? true,
            }),
          ],
    createScope: (_ctx, init) => createScope(container, init),
    pages: host.declarations.pages,
    ...authenticatorOption(options.authenticate, container),
    routeGroups: routeGroups(host, resolved, () => readiness(database, orm)),
    bodyLimit: config.http.bodyLimit,
    trustProxy: config.trustProxy,
    openapi: {
      title: 'NovumDesk API',
      version: CORE_VERSION,
      sessionCookieName: '__Host-novumdesk_session',
      // The hook types the document structurally (the kernel does not depend on zod-openapi).
      transform: async (document) =>
        (await hookHost.hooks['http.openapi'].promise(
          document as unknown as Record<string, unknown>,
          {
            basePath: API_PREFIX,
          },
        )) as unknown as typeof document,
    },
    // Handlers for an actor with a workspace run in that workspace's transaction (tenancy).
    runHandler: runInActorWorkspace,
  }) as unknown as Koa;

  let server: HttpServer | null = null;
  let url: string | null = null;
  let started: Promise<void> | null = null;
  let stopped: Promise<void> | null = null;

  const helpdesk: Helpdesk = {
    app,
    container,
    hooks: hookHost.hooks,
    config,
    orm,
    logger,
    get url() {
      return url;
    },
    plugins: () => host.info(),
    pendingMigrations: () => pendingMigrations(orm),
    migrate: (onProgress) => applyMigrations(orm, onProgress),
    createScope: (requestId = `script:${Date.now()}`) => createScope(container, { requestId }),
    start(startOptions = {}) {
      started ??= (async () => {
        await ensureMigrated(config, orm, logger);
        await jobs.start({ workers: startOptions.workers ?? config.jobs.inProcessWorkers });
        relay!.start();
        await host.boot();
        await hookHost.hooks['app.ready'].promise({ plugins: host.info() });
        if (startOptions.listen ?? true) {
          server = createHttpServer(app.callback(), config.tls ? { tls: config.tls } : {});
          const address = await listen(server, config.port, config.host);
          const scheme = config.tls ? 'https' : 'http';
          const shownHost = address.address.includes(':')
            ? `[${address.address}]`
            : address.address;
          url = `${scheme}://${shownHost}:${address.port}`;
        }
      })();
      return started;
    },
    stop(reason = 'stop() called') {
      stopped ??= (async () => {
        await started?.catch(() => undefined);
        if (server) await close(server);
        await relay!.stop();
        await host.prepareShutdown();
        await jobs.stop();
        let shutdownError: unknown;
        await hookHost.hooks['app.shutdown'].promise({ reason }).catch((e) => (shutdownError = e));
        await host.shutdown();
        await container.dispose();
        await orm.close();
        await database.close();
        url = null;
        if (shutdownError) throw shutdownError;
      })();
      return stopped;
    },
  };
  return helpdesk;
}

async function connect(
  config: ResolvedConfig,
  inMemory: boolean,
  logger: Logger,
): Promise<Database> {
  try {
    return await openDatabase(config, {
      inMemory,
      onIdleError: (err) => logger.warn({ err }, 'an idle database connection was lost'),
    });
  } catch (error) {
    const where = config.database.url ? new URL(config.database.url).host : 'the embedded database';
    throw new NovumError(
      'DATABASE_UNREACHABLE',
      `cannot open the database (${where}): ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Server mode refuses an unmigrated database unless autoMigrate; embedded migrates itself. */
async function ensureMigrated(
  config: ResolvedConfig,
  orm: MikroORM,
  logger: Logger,
): Promise<void> {
  const pending = await pendingMigrations(orm);
  if (pending.length === 0) return;
  const autoMigrate = config.database.autoMigrate ?? config.mode === 'embedded';
  if (!autoMigrate) {
    throw new NovumError(
      'MIGRATIONS_PENDING',
      `the database has ${pending.length} pending migration(s) (${pending.join(', ')}): run "novumdesk migrate" first`,
    );
  }
  await applyMigrations(orm, ({ name, index, total }) =>
    logger.info({ migration: name }, `migration ${index}/${total} applied`),
  );
}

/**
 * Each subscriber and job runs in its own scope, like a request, with a forked EntityManager;
 * one for a workspace (the event's, or the payload's `workspaceId`) runs in that workspace's
 * transaction, as a request would, and a throw rolls it back before the retry.
 */
function wireDeclarations(
  host: PluginHost,
  jobs: JobQueue,
  bus: EventBus,
  container: AwilixContainer<CoreCradle>,
): void {
  const inScope = async (
    requestId: string,
    workspaceId: string | null,
    run: (scope: AwilixContainer<RequestCradle>) => Promise<void>,
  ) => {
    const scope = createScope(container, { requestId, workspaceId });
    try {
      await (workspaceId ? inWorkspaceScope(scope, workspaceId, () => run(scope)) : run(scope));
    } finally {
      await scope.dispose();
    }
  };
  const { subscriptions, jobs: declaredJobs } = host.declarations;
  for (const sub of subscriptions) {
    jobs.define<EventEnvelope>({
      name: sub.queue,
      owner: sub.pluginId,
      ...(sub.options.retryLimit !== undefined ? { retryLimit: sub.options.retryLimit } : {}),
      handler: (envelope, job) =>
        inScope(`job:${job.id}`, jobWorkspaceId(envelope), (scope) =>
          sub.handler(envelope as never, scope),
        ),
    });
    bus.subscribe({ event: sub.event as string, queue: sub.queue, owner: sub.pluginId });
  }
  for (const declared of declaredJobs) {
    jobs.define<object>({
      name: declared.queue,
      owner: declared.pluginId,
      ...(declared.options.cron ? { cron: declared.options.cron } : {}),
      ...(declared.options.retryLimit !== undefined
        ? { retryLimit: declared.options.retryLimit }
        : {}),
      ...(declared.options.retryDelaySeconds !== undefined
        ? { retryDelaySeconds: declared.options.retryDelaySeconds }
        : {}),
      handler: (data, job) =>
        inScope(`job:${job.id}`, jobWorkspaceId(data), (scope) => declared.handler(data, scope)),
    });
  }
}

/** Health at the root, core modules under /api/v1, each plugin under /api/p/<id>. */
function routeGroups(
  host: PluginHost,
  resolved: readonly ResolvedPlugin[],
  readinessCheck: () => Promise<ReadinessChecks>,
): RouteGroup[] {
  const builtin = new Set(resolved.filter((p) => p.builtin).map((p) => p.id));
  const groups: RouteGroup[] = [
    {
      prefix: '',
      tag: 'health',
      routes: healthRoutes({ version: CORE_VERSION, readiness: readinessCheck }),
    },
    {
      prefix: API_PREFIX,
      routes: [
        ...host.declarations.routes.filter((r) => builtin.has(r.pluginId)).map((r) => r.route),
        ...adminExtensionRoutes(resolved.map((p) => p.plugin)),
      ],
    },
  ];
  for (const plugin of resolved.filter((p) => !p.builtin)) {
    const routes = host.declarations.routes
      .filter((r) => r.pluginId === plugin.id)
      .map((r) => r.route);
    if (routes.length) groups.push({ prefix: pluginPrefix(plugin.id), tag: plugin.id, routes });
  }
  return groups;
}

async function readiness(database: Database, orm: MikroORM): Promise<ReadinessChecks> {
  const started = performance.now();
  let databaseCheck: ReadinessChecks['database'];
  try {
    await database.pool.query('SELECT 1');
    databaseCheck = { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch {
    databaseCheck = { ok: false, error: 'unreachable' };
  }
  const pending = databaseCheck.ok ? await pendingMigrations(orm).catch(() => ['(unknown)']) : [];
  return {
    database: databaseCheck,
    migrations: { ok: databaseCheck.ok && pending.length === 0, pending },
  };
}

/**
 * The embedder's `authenticate`, else one a core module registered in the container as
 * `authenticate` (the identity module), resolved per request so it sees the finished container.
 */
function authenticatorOption(
  given: Authenticate | undefined,
  container: AwilixContainer<CoreCradle>,
): { authenticate?: Authenticate } {
  if (given) return { authenticate: given };
  if (!container.hasRegistration('authenticate')) return {};
  const resolve = container.resolve.bind(container) as (key: string) => unknown;
  return { authenticate: (ctx) => (resolve('authenticate') as Authenticate)(ctx) };
}
