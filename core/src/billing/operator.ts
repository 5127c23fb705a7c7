/**
 * The operator's view across workspaces: subscriptions by status (keyset pages) and monthly
 * recurring revenue. Runs through `asBillingOperator` (read-only, the operator policy).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { errors } from '../kernel/errors.js';
import type { SubscriptionStatus } from './contract.js';
import { asBillingOperator } from './operator-context.js';
import type { BillingProviderRegistry } from './registry.js';
import { subscriptionView } from './store.js';
import { iso } from '../members/context.js';

function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      !Number.isNaN(Date.parse(String(v[0]))) &&
      /^[0-9a-f-]{36}$/i.test(String(v[1]))
    )
      return [String(v[0]), String(v[1])];
  } catch {
    /* below */
  }
  throw errors.badRequest('invalid_cursor', 'The cursor is not valid; start again without one');
}

export async function listSubscriptionsAcrossWorkspaces(
  em: EntityManager,
  query: { status?: SubscriptionStatus | undefined; limit: number; cursor?: string | undefined },
) {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  return asBillingOperator(em, async (sql) => {
    const rows = await sql(
      `select s.*, w.name as workspace_name from billing_subscription s
         left join workspace w on w.id = s.workspace_id
        where true ${query.status ? 'and s.status = ?' : ''}
          ${after ? 'and (s.created_at, s.id) > (?::timestamptz, ?::uuid)' : ''}
        order by s.created_at, s.id limit ?`,
      [...(query.status ? [query.status] : []), ...(after ?? []), query.limit + 1],
    );
    const page = rows.slice(0, query.limit);
    const data = page.map((r) => ({
      ...subscriptionView(r),
      workspaceId: r.workspace_id as string,
      workspaceName: (r.workspace_name as string | null) ?? null,
    }));
    const last = page[page.length - 1];
    return {
      data: data.map(({ workspaceId, workspaceName, ...rest }) => ({
        ...rest,
        workspaceId,
        workspaceName,
      })),
      nextCursor:
        rows.length > query.limit && last ? encodeCursor(iso(last.created_at), last.id) : null,
    };
  });
}

/** Counts by status and MRR: paying subscriptions (active, past_due) × seats × monthly price. */
export async function operatorSummary(em: EntityManager, registry: BillingProviderRegistry) {
  const rows = await asBillingOperator(em, (sql) =>
    sql(
      `select status, plan_id, count(*) as n, sum(seats) as seats
         from billing_subscription group by status, plan_id`,
    ),
  );
  const byStatus: Record<string, number> = {};
  const mrr = new Map<string, number>();
  let unknownPlans = 0;
  for (const row of rows) {
    byStatus[row.status] = (byStatus[row.status] ?? 0) + Number(row.n);
    if (row.status !== 'active' && row.status !== 'past_due') continue;
    const plan = registry.plan(row.plan_id);
    if (!plan) {
      unknownPlans += Number(row.n);
      continue;
    }
    const perSeat = plan.interval === 'year' ? Math.round(plan.unitAmount / 12) : plan.unitAmount;
    mrr.set(plan.currency, (mrr.get(plan.currency) ?? 0) + perSeat * Number(row.seats));
  }
  return {
    byStatus,
    mrr: [...mrr.entries()]
      .map(([currency, amount]) => ({ currency, amount }))
      .sort((a, b) => a.currency.localeCompare(b.currency)),
    unknownPlans,
  };
}
