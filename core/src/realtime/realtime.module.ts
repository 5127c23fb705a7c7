/**
 * The realtime module: server-sent events per workspace (`GET /api/v1/realtime`) fed by the
 * outbox (NOTIFY across web nodes in server mode, in-process in embedded mode), and collision
 * hints (`/api/v1/tickets/{id}/presence`). docs/realtime.md describes the protocol.
 */
import { asFunction } from 'awilix';
import { z } from 'zod';
import { definePlugin } from '../kernel/plugins/define-plugin.js';
import { CORE_VERSION } from '../version.js';
import { realtimeEntities } from './entities.js';
import { RealtimeHub } from './hub.js';
import { realtimeMigrations } from './migrations/index.js';
import { realtimePersonalData } from './personal-data.js';
import { realtimeRoutes } from './realtime.routes.js';

declare module '../kernel/contract.js' {
  interface CoreCradle {
    /** Registered by the realtime module: this node's event streams and their transport. */
    realtimeHub: RealtimeHub;
  }
}

export const realtimeOptionsSchema = z
  .object({
    /** Seconds between heartbeat comments on idle streams (keep under proxies' idle timeouts). */
    heartbeatSeconds: z.number().positive().max(300).default(25),
    /** Seconds a presence lasts without a refresh. */
    presenceTtlSeconds: z.number().positive().max(600).default(30),
  })
  .default({ heartbeatSeconds: 25, presenceTtlSeconds: 30 });

export type RealtimeOptions = z.output<typeof realtimeOptionsSchema>;
export type RealtimeOptionsInput = z.input<typeof realtimeOptionsSchema>;

export const realtimeModule = definePlugin<RealtimeOptions, RealtimeOptionsInput | undefined>({
  id: 'realtime',
  version: CORE_VERSION,
  core: `^${CORE_VERSION}`,
  description: 'Server-sent events per workspace (LISTEN/NOTIFY across nodes) and collision hints',
  dependsOn: { tickets: `^${CORE_VERSION}` },
  options: realtimeOptionsSchema,
  entities: realtimeEntities,
  migrations: realtimeMigrations,
  personalData: realtimePersonalData,
  register(ctx) {
    const { heartbeatSeconds, presenceTtlSeconds } = ctx.options;
    ctx.register({
      realtimeHub: asFunction(
        ({ orm, logger, config }) =>
          new RealtimeHub({
            orm,
            logger,
            databaseUrl: config.database.url ?? null,
            heartbeatMs: heartbeatSeconds * 1000,
          }),
      ).singleton(),
    });
    for (const route of realtimeRoutes(presenceTtlSeconds * 1000)) ctx.route(route);
  },
  // Streams end before the job queue and database go away; clients reconnect (Last-Event-ID).
  async prepareShutdown(ctx) {
    ctx.resolve('realtimeHub').closeAll();
  },
  async shutdown(ctx) {
    await ctx.resolve('realtimeHub').stop();
  },
});
