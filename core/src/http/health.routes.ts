/**
 * Probes for orchestrators and load balancers, mounted at the root (prefix `''`).
 * Liveness says only "the process serves HTTP" (restarting it would not fix a database outage);
 * readiness says "send me traffic": database reachable and no pending migrations. The checks
 * themselves belong to the data layer and are passed in.
 */
import { z } from 'zod';
import type { Logger } from '../kernel/logger.js';
import { defineRoute, reply, type RouteDefinition } from './route.js';

export const LivenessSchema = z
  .object({ status: z.literal('ok'), version: z.string(), uptimeSeconds: z.number() })
  .meta({ id: 'Liveness' });

export const ReadinessChecksSchema = z.object({
  database: z.object({
    ok: z.boolean(),
    latencyMs: z.number().optional(),
    /** Short and free of connection details: the probe is public. */
    error: z.string().optional(),
  }),
  migrations: z.object({ ok: z.boolean(), pending: z.array(z.string()) }),
});

export const ReadinessSchema = z
  .object({ status: z.enum(['ready', 'not_ready']), checks: ReadinessChecksSchema })
  .meta({ id: 'Readiness' });

export type ReadinessChecks = z.infer<typeof ReadinessChecksSchema>;
export type Readiness = z.infer<typeof ReadinessSchema>;

export interface HealthRoutesOptions {
  version: string;
  readiness(): Promise<ReadinessChecks>;
  /** A hung database must not hang the probe; default 3000 ms. */
  readinessTimeoutMs?: number;
  logger?: Logger;
}

const NO_STORE = { 'Cache-Control': 'no-store' };

export function healthRoutes(options: HealthRoutesOptions): RouteDefinition[] {
  const startedAt = performance.now();
  const timeoutMs = options.readinessTimeoutMs ?? 3000;
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      operationId: 'getLiveness',
      summary: 'Liveness probe',
      tags: ['health'],
      access: 'public',
      responses: { 200: { description: 'The process is up', schema: LivenessSchema } },
      handler: () =>
        reply(
          200,
          {
            status: 'ok',
            version: options.version,
            uptimeSeconds: Math.floor((performance.now() - startedAt) / 1000),
          },
          NO_STORE,
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      operationId: 'getReadiness',
      summary: 'Readiness probe',
      tags: ['health'],
      access: 'public',
      responses: {
        200: { description: 'Ready for traffic', schema: ReadinessSchema },
        503: { description: 'Not ready; `checks` says why', schema: ReadinessSchema },
      },
      handler: async () => {
        const checks = await runChecks(options, timeoutMs);
        const ready = checks.database.ok && checks.migrations.ok;
        const body: Readiness = { status: ready ? 'ready' : 'not_ready', checks };
        return reply(ready ? 200 : 503, body, NO_STORE);
      },
    }),
  ];
}

async function runChecks(
  options: HealthRoutesOptions,
  timeoutMs: number,
): Promise<ReadinessChecks> {
  const timedOut = new Error(`readiness checks timed out after ${timeoutMs} ms`);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut), timeoutMs);
  });
  try {
    return await Promise.race([options.readiness(), timeout]);
  } catch (err) {
    options.logger?.warn({ err }, 'readiness checks failed');
    const error = err === timedOut ? 'timeout' : 'check_failed';
    return { database: { ok: false, error }, migrations: { ok: false, pending: [] } };
  } finally {
    clearTimeout(timer);
  }
}
