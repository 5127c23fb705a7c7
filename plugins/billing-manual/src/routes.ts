/**
 * The operator assigns a workspace's plan, seats and period by hand (`system:manage`): for
 * desks invoiced offline. A plan (or seat count) below what the workspace uses is refused, like
 * a checkout: the workspace removes agents first, so nobody loses access by surprise.
 */
import { z } from 'zod';
import {
  assertPlanFits,
  defineRoute,
  errors,
  inWorkspaceScope,
  NovumError,
  SUBSCRIPTION_STATUSES,
  inboxCount,
  seatUsage,
  type RouteDefinition,
} from '@novumdesk/core';

export const MANUAL_PROVIDER_ID = 'manual';

const WorkspaceParams = z.object({ workspaceId: z.uuid() });

const AssignBody = z
  .strictObject({
    planId: z.string().min(1).max(64),
    seats: z.number().int().min(1).max(100_000),
    status: z.enum(SUBSCRIPTION_STATUSES).default('active'),
    currentPeriodStart: z.iso.datetime({ offset: true }).optional(),
    currentPeriodEnd: z.iso.datetime({ offset: true }).optional(),
  })
  .meta({ id: 'BillingManualAssignment' });

const AssignmentOut = z
  .object({
    workspaceId: z.string(),
    planId: z.string(),
    seats: z.number().int(),
    status: z.enum(SUBSCRIPTION_STATUSES),
    currentPeriodStart: z.string().nullable(),
    currentPeriodEnd: z.string().nullable(),
  })
  .meta({ id: 'BillingManualSubscription' });

const access = { permission: 'system:manage' };

export function manualRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'put',
      path: '/workspaces/:workspaceId/subscription',
      operationId: 'billingManualAssign',
      summary: 'Operator: assign a plan, seats and period to a workspace (manual invoicing)',
      tags: ['billing'],
      access,
      tenancy: 'none',
      request: { params: WorkspaceParams, body: AssignBody },
      responses: {
        200: { description: 'The subscription', schema: AssignmentOut },
        404: { description: 'No such workspace' },
        409: { description: 'Below current usage (`downgrade_below_usage`)' },
        422: { description: 'No such plan of this provider (`unknown_plan`)' },
      },
      async handler({ params, body, scope }) {
        const { billingProviders } = scope.cradle;
        const plan = billingProviders
          .get(MANUAL_PROVIDER_ID)
          ?.plans.find((p) => p.id === body.planId);
        if (!plan) {
          throw new NovumError('unknown_plan', 'No such plan', {
            status: 422,
            details: { planId: body.planId },
          });
        }
        return inWorkspaceScope(scope, params.workspaceId, async () => {
          await assertWorkspace(scope, params.workspaceId);
          const { clock } = scope.cradle;
          const usage = await usageOf(scope, params.workspaceId, clock.now());
          const planSeats = plan.limits.seats ?? null;
          assertPlanFits(
            {
              ...plan,
              limits: {
                ...plan.limits,
                seats: planSeats === null ? body.seats : Math.min(planSeats, body.seats),
              },
            },
            usage,
          );
          const { current } = await scope.cradle.billingService.apply(
            scope,
            params.workspaceId,
            MANUAL_PROVIDER_ID,
            {
              planId: plan.id,
              status: body.status,
              seats: body.seats,
              currentPeriodStart: body.currentPeriodStart
                ? new Date(body.currentPeriodStart)
                : null,
              currentPeriodEnd: body.currentPeriodEnd ? new Date(body.currentPeriodEnd) : null,
              canceledAt: body.status === 'canceled' ? clock.now() : null,
            },
          );
          return {
            workspaceId: params.workspaceId,
            planId: current.planId,
            seats: current.seats,
            status: current.status,
            currentPeriodStart: current.currentPeriodStart,
            currentPeriodEnd: current.currentPeriodEnd,
          };
        });
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/workspaces/:workspaceId/subscription',
      operationId: 'billingManualRemove',
      summary: "Operator: remove a workspace's assigned plan (it falls back to the default plan)",
      tags: ['billing'],
      access,
      tenancy: 'none',
      request: { params: WorkspaceParams },
      responses: { 204: { description: 'Removed' }, 404: { description: 'No assigned plan' } },
      async handler({ params, scope }) {
        await inWorkspaceScope(scope, params.workspaceId, async () => {
          const removed = await scope.cradle.billingService.remove(scope, params.workspaceId);
          if (!removed) throw errors.notFound('Subscription');
        });
        return undefined;
      },
    }),
  ];
}

type Scope = Parameters<RouteDefinition['handler']>[0]['scope'];

async function assertWorkspace(scope: Scope, workspaceId: string): Promise<void> {
  const rows = await scope.cradle.em.execute('select 1 from workspace where id = ?', [workspaceId]);
  if (rows.length === 0) throw errors.notFound('Workspace');
}

async function usageOf(scope: Scope, workspaceId: string, now: Date) {
  const { em } = scope.cradle;
  const sql = (text: string, params: readonly unknown[] = []) => em.execute(text, [...params]);
  const seats = await seatUsage(sql, workspaceId, now);
  return { seats: seats.members + seats.pending, inboxes: await inboxCount(sql, workspaceId) };
}
