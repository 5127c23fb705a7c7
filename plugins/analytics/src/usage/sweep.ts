/**
 * Raw usage events older than the retention are deleted in every workspace by a daily job. The
 * table is FORCE-RLS, so a cross-workspace delete sees nothing by itself; the migration adds
 * policies that admit exactly the rows older than the cutoff named in
 * `novumdesk.analytics_retention_cutoff`, which only this function sets, as the application role.
 * The per-day counts (`analytics_usage_daily`) hold no identifiers and stay.
 */
import type { EntityManager } from '@mikro-orm/core';
import { APP_ROLE } from '@novumdesk/core';
import { sqlFor } from '../db.js';
import { SWEEP_SETTING } from './store.js';

export async function sweepRawEvents(em: EntityManager, cutoff: Date): Promise<number> {
  return em.fork().transactional(async (tx) => {
    const sql = sqlFor(tx);
    await sql(`select set_config('role', ?, true), set_config(?, ?, true)`, [
      APP_ROLE,
      SWEEP_SETTING,
      cutoff.toISOString(),
    ]);
    const [row] = await sql(
      `with gone as (delete from analytics_usage_event where occurred_at < ? returning 1)
       select count(*)::int as n from gone`,
      [cutoff],
    );
    return Number(row?.n ?? 0);
  });
}
