/**
 * Where the core's own limits bite, for the modules that own those operations (members,
 * inboxes). Each helper is a no-op when the billing module is not loaded (an embedder's
 * helpdesk without it is unlimited), and runs in the caller's workspace transaction.
 */
import type { AwilixContainer } from 'awilix';
import type { RequestCradle } from '../kernel/contract.js';
// The cradle keys this file resolves (`entitlements`, …) are declared with the module.
import type {} from './billing.module.js';
import { sqlFor } from '../identity/db.js';
import { inboxCount, isSeatRole, seatUsage } from './store.js';

type Scope = AwilixContainer<RequestCradle>;

export const SEAT_SYNC_JOB = 'billing.sync-seats';

function loaded(scope: Scope): boolean {
  return scope.hasRegistration('entitlements');
}

/**
 * Before inviting (or promoting) someone to `roleId`: 402 `PLAN_LIMIT_REACHED` (limit `seats`)
 * when the role takes a seat and the plan has none left, counting pending invitations.
 */
export async function assertSeatAvailable(
  scope: Scope,
  workspaceId: string,
  roleId: string,
): Promise<void> {
  if (!loaded(scope)) return;
  const sql = sqlFor(scope.cradle.em);
  if (!(await isSeatRole(sql, workspaceId, roleId))) {
    await scope.cradle.entitlements.assertWritable(scope, workspaceId);
    return;
  }
  const usage = await seatUsage(sql, workspaceId, scope.cradle.clock.now());
  await scope.cradle.entitlements.assertLimit(
    scope,
    workspaceId,
    'seats',
    usage.members + usage.pending + 1,
  );
}

/** Before creating an inbox: 402 `PLAN_LIMIT_REACHED` (limit `inboxes`) past the plan's. */
export async function assertInboxAvailable(scope: Scope, workspaceId: string): Promise<void> {
  if (!loaded(scope)) return;
  const count = await inboxCount(sqlFor(scope.cradle.em), workspaceId);
  await scope.cradle.entitlements.assertLimit(scope, workspaceId, 'inboxes', count + 1);
}

/**
 * After agents joined or left: queues the seat sync (the provider bills the new count, prorated).
 * Pass the transaction's `em` to enqueue atomically with the change.
 */
export async function seatsChanged(
  scope: Scope,
  workspaceId: string,
  inTransaction = true,
): Promise<void> {
  if (!loaded(scope)) return;
  await scope.cradle.jobs.send(
    SEAT_SYNC_JOB,
    { workspaceId },
    { singletonKey: workspaceId, ...(inTransaction ? { em: scope.cradle.em } : {}) },
  );
}

/**
 * After a role change in the caller's transaction: when it made a free member (read-only) take
 * a seat, 402 `PLAN_LIMIT_REACHED` if that is one seat too many (the throw rolls it back); a
 * change that adds or frees a seat queues the seat sync.
 */
export async function assertSeatsAfterRoleChange(
  scope: Scope,
  workspaceId: string,
  change: { from: string; to: string },
): Promise<void> {
  if (!loaded(scope)) return;
  const sql = sqlFor(scope.cradle.em);
  const [before, after] = [
    await isSeatRole(sql, workspaceId, change.from),
    await isSeatRole(sql, workspaceId, change.to),
  ];
  if (before === after) return;
  if (after) {
    const usage = await seatUsage(sql, workspaceId, scope.cradle.clock.now());
    await scope.cradle.entitlements.assertLimit(
      scope,
      workspaceId,
      'seats',
      usage.members + usage.pending,
    );
  }
  await seatsChanged(scope, workspaceId);
}
