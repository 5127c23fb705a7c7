/** Retention settings per target, dry runs with counts, a run on demand, and the run history. */
import { z } from 'zod';
import { defineRoute, errors, type RouteDefinition } from '@novumdesk/core';
import { iso, sqlOf } from '../db.js';
import { findTarget, policies, runTarget } from '../retention.js';
import { PRIVACY_PERMISSIONS, workspaceOf } from './common.js';

export const RETENTION_JOB = 'privacy.retention';

const PolicySchema = z
  .object({
    type: z.string(),
    description: z.string(),
    action: z.enum(['delete', 'anonymize']),
    defaultDays: z.number().int().nullable(),
    days: z.number().int().nullable(),
    custom: z.boolean(),
  })
  .meta({ id: 'PrivacyRetentionPolicy' });

const ReportSchema = z
  .object({
    target: z.string(),
    dryRun: z.boolean(),
    cutoff: z.iso.datetime(),
    processed: z.number().int(),
    skippedHold: z.number().int(),
    more: z.boolean(),
  })
  .meta({ id: 'PrivacyRetentionReport' });

const TargetParams = z.object({
  target: z.string().regex(/^[a-z][a-zA-Z0-9-]*(\.[a-zA-Z0-9-]+)+$/),
});

export function retentionRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/retention',
      operationId: 'privacyListRetention',
      summary: "Retention policies of every target (the workspace's days, or the default)",
      access: { permission: PRIVACY_PERMISSIONS.read },
      responses: {
        200: { description: 'Policies', schema: z.object({ data: z.array(PolicySchema) }) },
      },
      async handler({ scope }) {
        const workspaceId = await workspaceOf(scope);
        return { data: await policies(scope, workspaceId) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/retention/:target',
      operationId: 'privacySetRetention',
      summary:
        'Set how many days a target is kept (null: keep for ever); `reset` restores the default',
      access: { permission: PRIVACY_PERMISSIONS.manage },
      request: {
        params: TargetParams,
        body: z.object({
          days: z.number().int().min(0).max(36500).nullable().optional(),
          reset: z.boolean().optional(),
        }),
      },
      responses: {
        200: { description: 'The policy', schema: PolicySchema },
        404: { description: 'No such target' },
      },
      async handler({ params, body, scope }) {
        const workspaceId = await workspaceOf(scope);
        if (!findTarget(scope, params.target)) throw errors.notFound('Retention target', params);
        const sql = sqlOf(scope);
        if (body.reset) {
          await sql(`delete from privacy_retention_policy where workspace_id = ? and target = ?`, [
            workspaceId,
            params.target,
          ]);
        } else {
          if (body.days === undefined) {
            throw errors.badRequest('validation_failed', 'Give `days` or `reset`', {
              fields: [{ path: 'body.days', message: 'required unless reset' }],
            });
          }
          await sql(
            `insert into privacy_retention_policy (workspace_id, target, days, updated_at) values (?, ?, ?, ?)
             on conflict (workspace_id, target) do update set days = excluded.days, updated_at = excluded.updated_at`,
            [workspaceId, params.target, body.days, scope.cradle.clock.now()],
          );
        }
        const all = await policies(scope, workspaceId);
        return all.find((p) => p.type === params.target)!;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/retention/:target/dry-run',
      operationId: 'privacyDryRunRetention',
      summary: 'Count what a run would process now, changing nothing',
      access: { permission: PRIVACY_PERMISSIONS.read },
      request: { params: TargetParams },
      responses: {
        200: { description: 'The counts', schema: ReportSchema },
        404: { description: 'No such target' },
        409: { description: '`retention_off`: the target keeps data for ever' },
      },
      async handler({ params, scope }) {
        const workspaceId = await workspaceOf(scope);
        const target = findTarget(scope, params.target);
        if (!target) throw errors.notFound('Retention target', params);
        const policy = (await policies(scope, workspaceId)).find((p) => p.type === target.type)!;
        if (policy.days === null)
          throw errors.conflict('retention_off', 'No retention set for this target');
        return runTarget(scope, workspaceId, target, policy.days, { dryRun: true });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/retention/run',
      operationId: 'privacyRunRetention',
      summary: 'Queue a retention run of every target with a policy (the same job as the schedule)',
      access: { permission: PRIVACY_PERMISSIONS.manage },
      responses: { 202: { description: 'Queued', schema: z.object({ queued: z.boolean() }) } },
      async handler({ scope }) {
        const workspaceId = await workspaceOf(scope);
        await scope.cradle.jobs.send(RETENTION_JOB, { workspaceId }, { em: scope.cradle.em });
        return { queued: true };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/retention/runs',
      operationId: 'privacyListRetentionRuns',
      summary: 'Recent retention runs and dry runs, newest first',
      access: { permission: PRIVACY_PERMISSIONS.read },
      responses: {
        200: {
          description: 'Runs',
          schema: z.object({
            data: z.array(
              ReportSchema.omit({ more: true }).extend({
                id: z.uuid(),
                startedAt: z.iso.datetime(),
                finishedAt: z.iso.datetime(),
              }),
            ),
          }),
        },
      },
      async handler({ scope }) {
        const workspaceId = await workspaceOf(scope);
        const rows = await sqlOf(scope)(
          `select * from privacy_retention_run where workspace_id = ? order by started_at desc, id desc limit 100`,
          [workspaceId],
        );
        return {
          data: rows.map((r) => ({
            id: r.id as string,
            target: r.target as string,
            dryRun: r.dry_run === true,
            cutoff: iso(r.cutoff)!,
            processed: Number(r.processed),
            skippedHold: Number(r.skipped_hold),
            startedAt: iso(r.started_at)!,
            finishedAt: iso(r.finished_at)!,
          })),
        };
      },
    }),
  ];
}
