/**
 * The billing module's background work:
 * - `sync-seats` (per workspace, after agents joined or left, and from the sweep): pushes the
 *   agent count to a `sync`-mode provider (which prorates) and stores it;
 * - `sweep` (cron): queues a seat sync for every subscription of a sync-mode provider (catching
 *   changes whose job was lost) and the trial-ending notices that are due.
 */
import type { AwilixContainer } from 'awilix';
import type { RequestCradle } from '../kernel/contract.js';
import { sqlFor } from '../identity/db.js';
import type { BillingOptions } from './options.js';
import { asBillingOperator } from './operator-context.js';
import { SEAT_SYNC_JOB } from './seats.js';
import { iso } from '../members/context.js';
import { seatUsage } from './store.js';

type Scope = AwilixContainer<RequestCradle>;

export const NOTICE_JOB = 'billing.trial-notice';

export async function syncSeats(data: { workspaceId: string }, scope: Scope): Promise<void> {
  const { billingService, billingProviders, clock, em } = scope.cradle;
  const subscription = await billingService.subscription(scope, data.workspaceId);
  if (!subscription || subscription.status === 'canceled') return;
  const provider = billingProviders.get(subscription.providerId);
  if (!provider || provider.seatMode !== 'sync') return;
  const usage = await seatUsage(sqlFor(em), data.workspaceId, clock.now());
  const seats = Math.max(1, usage.members);
  if (seats === subscription.seats) return;
  await provider.syncSeats?.({ subscription, seats }, { scope });
  await billingService.apply(scope, data.workspaceId, provider.id, {
    planId: subscription.planId,
    status: subscription.status,
    seats,
    currentPeriodStart: dateOrNull(subscription.currentPeriodStart),
    currentPeriodEnd: dateOrNull(subscription.currentPeriodEnd),
    trialEnd: dateOrNull(subscription.trialEnd),
    cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
    canceledAt: dateOrNull(subscription.canceledAt),
  });
}

export async function trialNotice(
  data: { workspaceId: string; trialEnd: string },
  scope: Scope,
): Promise<void> {
  const subscription = await scope.cradle.billingService.subscription(scope, data.workspaceId);
  if (subscription?.status !== 'trialing' || subscription.trialEnd !== data.trialEnd) return;
  await scope.cradle.billingService.notify(scope, data.workspaceId, 'trial_ending', data.trialEnd, {
    date: data.trialEnd.slice(0, 10),
  });
}

export async function sweep(scope: Scope, options: BillingOptions): Promise<void> {
  const { billingProviders, jobs, clock, em } = scope.cradle;
  const syncProviders = billingProviders
    .list()
    .filter((p) => p.seatMode === 'sync')
    .map((p) => p.id);
  const soon = new Date(clock.now().getTime() + options.trialNoticeDays * 24 * 3600 * 1000);
  const rows = await asBillingOperator(em, (sql) =>
    sql(
      `select workspace_id, provider_id, status, trial_end from billing_subscription
        where status in ('trialing', 'active', 'past_due')`,
    ),
  );
  for (const row of rows) {
    if (syncProviders.includes(row.provider_id)) {
      await jobs.send(
        SEAT_SYNC_JOB,
        { workspaceId: row.workspace_id },
        { singletonKey: row.workspace_id },
      );
    }
    if (row.status === 'trialing' && row.trial_end && new Date(row.trial_end) <= soon) {
      await jobs.send(NOTICE_JOB, { workspaceId: row.workspace_id, trialEnd: iso(row.trial_end) });
    }
  }
}

const dateOrNull = (value: string | null) => (value ? new Date(value) : null);
