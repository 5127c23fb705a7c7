/**
 * The database half of tenant isolation, per transaction: `withWorkspace` runs a callback in a
 * transaction that has switched to the non-superuser application role and set the workspace the
 * RLS policies compare with. Both are transaction-local (`SET LOCAL`, `set_config(…, true)`):
 * in embedded mode every connection shares one PGlite session, and server-mode connections
 * return to a pool, so nothing session-level may carry over to the next user of either.
 *
 * The rule that follows (docs/security.md, "Tenant isolation"): code running inside a workspace
 * transaction must not await work on another database connection — the job queue's own pool,
 * the kernel pool, `orm.em` or another scope's `em`. In embedded mode the open transaction holds
 * the single PGlite session, so that other connection waits for it to end, and it never will:
 * a deadlock. Send jobs with `jobs.send(name, data, { em })` (same transaction) or record a
 * domain event; read and write through the scope's `em` only.
 */
import { asValue, type AwilixContainer } from 'awilix';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestCradle } from '../kernel/contract.js';
import { NovumError } from '../kernel/errors.js';
import { APP_ROLE, WORKSPACE_SETTING, assertWorkspaceId } from './names.js';
import { setWorkspaceFilter } from './filter.js';

/**
 * Runs `fn` inside `em.transactional` as the application role, with `workspaceId` set for the
 * RLS policies and for the ORM filter of the transaction's EntityManager (passed to `fn`).
 * A throw from `fn` rolls everything back; the role and the setting end with the transaction.
 *
 * Called on an EntityManager already in a transaction, it nests (a savepoint) in the same
 * workspace, and refuses another one: a released savepoint keeps `SET LOCAL` values, so the
 * rest of the outer transaction would silently run in the other workspace's rows. From a
 * transaction without a workspace (sign-up creating one) it proceeds, and the rest of that
 * transaction then runs in the new workspace.
 */
export async function withWorkspace<T>(
  em: EntityManager,
  workspaceId: string,
  fn: (tx: EntityManager) => Promise<T>,
): Promise<T> {
  assertWorkspaceId(workspaceId);
  if (em.getTransactionContext()) {
    const [row] = await em.execute<{ workspace: string | null }[]>(
      'select current_setting(?, true) as workspace',
      [WORKSPACE_SETTING],
    );
    if (row?.workspace && row.workspace !== workspaceId) {
      throw new NovumError(
        'TENANCY_WORKSPACE_SWITCH',
        'cannot enter another workspace inside a workspace transaction',
      );
    }
  }
  return em.transactional(async (tx) => {
    // With `disableTransactions` there is no transaction, and SET LOCAL outside one is a no-op:
    // the callback would run unisolated as the login role. Refuse instead.
    if (!tx.getTransactionContext()) {
      throw new NovumError(
        'TENANCY_NO_TRANSACTION',
        'withWorkspace needs a real transaction (is disableTransactions set?)',
      );
    }
    // One round trip: `set_config('role', …, true)` is `SET LOCAL ROLE`.
    await tx.execute(
      `select set_config('role', ?, true), set_config(?, ?, true)`,
      [APP_ROLE, WORKSPACE_SETTING, workspaceId],
      'get',
    );
    setWorkspaceFilter(tx, workspaceId);
    return fn(tx);
  });
}

/**
 * Runs `fn` in a workspace transaction with the scope's `em` replaced by the transaction's for
 * the duration, so everything resolved from the scope inside `fn` (services, hooks, plugin code)
 * works in that transaction without being handed it. The original `em` comes back afterwards.
 *
 * Scoped services resolved *before* the call keep the `em` they were built with: resolve them
 * inside `fn`.
 */
export async function inWorkspaceScope<T>(
  scope: AwilixContainer<RequestCradle>,
  workspaceId: string,
  fn: () => Promise<T>,
): Promise<T> {
  const outer = scope.cradle.em;
  return withWorkspace(outer, workspaceId, async (tx) => {
    scope.register({ em: asValue(tx) });
    try {
      return await fn();
    } finally {
      scope.register({ em: asValue(outer) });
    }
  });
}

/**
 * The workspace a job runs for: the event envelope's `workspaceId`, or a plain job payload's
 * own `workspaceId` field. Anything else (absent, null) means a job without a workspace; a value
 * that is there but not a UUID fails the job in `withWorkspace` rather than running unisolated.
 */
export function jobWorkspaceId(data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return null;
  const value = (data as { workspaceId?: unknown }).workspaceId;
  if (value === undefined || value === null) return null;
  return value as string;
}
