/**
 * The operator's cross-workspace reads of `billing_subscription` (subscriptions by status, MRR,
 * the trial-ending sweep). The table is a tenant table under FORCE row-level security; its extra
 * `billing_operator_read` policy admits SELECTs in a transaction that sets this setting, and
 * nothing else. Only operator routes (`system:read`) and the module's own jobs set it.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { APP_ROLE } from '../tenancy/index.js';
import { sqlFor, type Sql } from '../identity/db.js';

export const BILLING_OPERATOR_SETTING = 'novumdesk.billing_operator';

/** A read-only transaction as the application role that sees every workspace's subscription. */
export async function asBillingOperator<T>(
  em: EntityManager,
  fn: (sql: Sql) => Promise<T>,
): Promise<T> {
  return em.fork().transactional(async (tx) => {
    const sql = sqlFor(tx);
    await sql('set transaction read only');
    await sql(`select set_config('role', ?, true), set_config(?, 'on', true)`, [
      APP_ROLE,
      BILLING_OPERATOR_SETTING,
    ]);
    return fn(sql);
  });
}
