/**
 * Operator-facing routes of the kernel: what runs (plugins, hooks) and the job queue's state,
 * including dead letters and their retry. Mounted under /api/v1 like every core route.
 */
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { CORE_VERSION } from '../version.js';

export const SYSTEM_READ = 'system:read';
export const SYSTEM_MANAGE = 'system:manage';

const MetaSchema = z.object({ name: z.string(), version: z.string() }).meta({ id: 'Meta' });

const PluginInfoSchema = z
  .object({
    id: z.string(),
    version: z.string(),
    description: z.string().optional(),
    status: z.enum(['registered', 'booted', 'stopped', 'failed']),
    dependsOn: z.array(z.string()),
    builtin: z.boolean(),
  })
  .meta({ id: 'PluginInfo' });

const QueueSummarySchema = z
  .object({
    name: z.string(),
    owner: z.string(),
    queued: z.number().int(),
    active: z.number().int(),
    deadLetters: z.number().int(),
    cron: z.string().optional(),
  })
  .meta({ id: 'QueueSummary' });

const DeadLetterSchema = z
  .object({
    id: z.string(),
    queue: z.string(),
    data: z.unknown(),
    createdOn: z.string(),
    output: z.unknown(),
  })
  .meta({ id: 'DeadLetter' });

const QueueParams = z.object({ name: z.string().min(1).max(200) });

const HookDiagnosticsSchema = z
  .object({
    hook: z.string(),
    kind: z.string(),
    description: z.string(),
    taps: z.array(
      z.object({
        plugin: z.string(),
        stage: z.number(),
        calls: z.number(),
        errors: z.number(),
        totalMs: z.number(),
      }),
    ),
  })
  .meta({ id: 'HookDiagnostics' });

// Operator routes look across workspaces and at the job queue, whose queries use pg-boss's own
// connection: inside a workspace transaction that would deadlock embedded mode, so they opt out.
export function systemRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/meta',
      operationId: 'getMeta',
      summary: 'Product name and core version',
      tags: ['system'],
      access: 'public',
      responses: { 200: { description: 'About this server', schema: MetaSchema } },
      handler: () => ({ name: 'NovumDesk', version: CORE_VERSION }),
    }),
    defineRoute({
      method: 'get',
      path: '/system/plugins',
      operationId: 'listPlugins',
      summary: 'Plugins and core modules this server runs, with versions and status',
      tags: ['system'],
      access: { permission: SYSTEM_READ },
      tenancy: 'none',
      responses: { 200: { description: 'Loaded plugins', schema: z.array(PluginInfoSchema) } },
      handler: ({ scope }) => scope.cradle.plugins,
    }),
    defineRoute({
      method: 'get',
      path: '/system/hooks',
      operationId: 'listHooks',
      summary: 'Hooks with their taps and per-tap timing (diagnostics)',
      tags: ['system'],
      access: { permission: SYSTEM_MANAGE },
      tenancy: 'none',
      responses: { 200: { description: 'Hooks', schema: z.array(HookDiagnosticsSchema) } },
      handler: ({ scope }) => scope.cradle.hookDiagnostics(),
    }),
    defineRoute({
      method: 'get',
      path: '/system/jobs',
      operationId: 'listJobQueues',
      summary: 'Job queues with queued, active and dead-lettered counts',
      tags: ['system'],
      access: { permission: SYSTEM_MANAGE },
      tenancy: 'none',
      responses: { 200: { description: 'Queues', schema: z.array(QueueSummarySchema) } },
      handler: ({ scope }) => scope.cradle.jobs.summary(),
    }),
    defineRoute({
      method: 'get',
      path: '/system/jobs/:name/dead-letters',
      operationId: 'listDeadLetters',
      summary: 'Jobs of a queue that exhausted their retries',
      tags: ['system'],
      access: { permission: SYSTEM_MANAGE },
      tenancy: 'none',
      request: { params: QueueParams },
      responses: {
        200: { description: 'Dead letters', schema: z.array(DeadLetterSchema) },
        404: { description: 'No such queue' },
      },
      handler: async ({ scope, params }) =>
        (await scope.cradle.jobs.deadLetters(params.name)).map((d) => ({
          ...d,
          createdOn: new Date(d.createdOn).toISOString(),
        })),
    }),
    defineRoute({
      method: 'post',
      path: '/system/jobs/:name/dead-letters/retry',
      operationId: 'retryDeadLetters',
      summary: 'Move dead-lettered jobs back to their queue',
      tags: ['system'],
      access: { permission: SYSTEM_MANAGE },
      tenancy: 'none',
      request: {
        params: QueueParams,
        body: z.object({ ids: z.array(z.uuid()).max(1000).optional() }),
      },
      responses: {
        200: {
          description: 'How many were moved',
          schema: z.object({ retried: z.number().int() }),
        },
        404: { description: 'No such queue' },
      },
      handler: async ({ scope, params, body }) => ({
        retried: await scope.cradle.jobs.retryDeadLetters(params.name, body.ids),
      }),
    }),
  ];
}
