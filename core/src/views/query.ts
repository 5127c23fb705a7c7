/**
 * A view's filters and sort as one SQL query over `ticket`, keyset-paginated over
 * `(updated_at|created_at, id)` in the view's direction. Every filter maps onto an index that
 * leads with `workspace_id` (see the tickets migrations); `viewsQuery.spec.ts` checks the plans.
 */
import type { Actor } from '../kernel/contract.js';
import { textArray, type Sql } from '../identity/db.js';
import { decodeCursor, encodeCursor } from '../contacts/contacts.js';
import { ticketView, TICKET_COLUMNS, type TicketView } from '../tickets/views.js';
import type { ViewFilters, ViewSort } from './schemas.js';
import { getView } from './views.js';

/** Counts stop here: a view's badge says "1000+" rather than scanning a million rows. */
export const COUNT_CAP = 1000;
export const DEFAULT_SORT: ViewSort = { by: 'updatedAt', dir: 'desc' };
const NOBODY = '00000000-0000-0000-0000-000000000000';

export interface ViewQueryOptions {
  filters: ViewFilters;
  sort: ViewSort;
  /** Who looks at the view (`assignee: "me"`). */
  actor: Actor | null;
  cursor?: string | undefined;
  limit: number;
}

function whereOf(workspaceId: string, filters: ViewFilters, actor: Actor | null) {
  const where = ['t.workspace_id = ?'];
  const params: unknown[] = [workspaceId];
  const add = (clause: string, ...values: unknown[]) => {
    where.push(clause);
    params.push(...values);
  };
  if (filters.status) add('t.status = any(?::text[])', textArray(filters.status));
  if (filters.statusId) add('t.status_id = any(?::uuid[])', textArray(filters.statusId));
  if (filters.assignee === 'unassigned') where.push('t.assignee_id is null');
  else if (filters.assignee === 'me') {
    add('t.assignee_id = ?', actor?.kind === 'user' ? actor.id : NOBODY);
  } else if (filters.assignee) add('t.assignee_id = ?', filters.assignee);
  if (filters.teamId) add('t.team_id = ?', filters.teamId);
  if (filters.tags) add('t.tags @> ?::text[]', textArray(filters.tags));
  if (filters.priority) add('t.priority = any(?::text[])', textArray(filters.priority));
  if (filters.inboxId) add(`(t.via ->> 'inboxId') = ?`, filters.inboxId);
  if (filters.requesterId) add('t.requester_id = ?', filters.requesterId);
  if (filters.createdAfter) add('t.created_at >= ?::timestamptz', filters.createdAfter);
  if (filters.createdBefore) add('t.created_at < ?::timestamptz', filters.createdBefore);
  if (filters.updatedAfter) add('t.updated_at >= ?::timestamptz', filters.updatedAfter);
  if (filters.updatedBefore) add('t.updated_at < ?::timestamptz', filters.updatedBefore);
  if (filters.q) {
    add(`to_tsvector('simple', t.subject) @@ websearch_to_tsquery('simple', ?)`, filters.q);
  }
  return { where, params };
}

/** The page query (exported for the EXPLAIN test). */
export function viewTicketsQuery(
  workspaceId: string,
  options: ViewQueryOptions,
): { text: string; params: unknown[] } {
  const { where, params } = whereOf(workspaceId, options.filters, options.actor);
  const column = options.sort.by === 'createdAt' ? 't.created_at' : 't.updated_at';
  const dir = options.sort.dir === 'asc' ? 'asc' : 'desc';
  if (options.cursor) {
    const [at, id] = decodeCursor(options.cursor);
    where.push(`(${column}, t.id) ${dir === 'asc' ? '>' : '<'} (?::timestamptz, ?::uuid)`);
    params.push(at, id);
  }
  // The cursor follows the sort column.
  const columns = TICKET_COLUMNS.replace(
    't.updated_at::text as cursor_at',
    `${column}::text as cursor_at`,
  );
  return {
    text: `select ${columns} from ticket t where ${where.join(' and ')}
            order by ${column} ${dir}, t.id ${dir} limit ?`,
    params: [...params, options.limit + 1],
  };
}

export async function viewTickets(
  sql: Sql,
  workspaceId: string,
  options: ViewQueryOptions,
): Promise<{ data: TicketView[]; nextCursor: string | null }> {
  const query = viewTicketsQuery(workspaceId, options);
  const rows = await sql(query.text, query.params);
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  return {
    data: page.map(ticketView),
    nextCursor: rows.length > options.limit && last ? encodeCursor(last) : null,
  };
}

/** The count query, capped (exported for the EXPLAIN test). */
export function viewCountQuery(
  workspaceId: string,
  filters: ViewFilters,
  actor: Actor | null,
): { text: string; params: unknown[] } {
  const { where, params } = whereOf(workspaceId, filters, actor);
  return {
    text: `select count(*)::int as n from (select 1 from ticket t where ${where.join(' and ')}
             limit ?) capped`,
    params: [...params, COUNT_CAP + 1],
  };
}

export async function viewCount(
  sql: Sql,
  workspaceId: string,
  filters: ViewFilters,
  actor: Actor | null,
): Promise<{ count: number; capped: boolean }> {
  const query = viewCountQuery(workspaceId, filters, actor);
  const [row] = await sql(query.text, query.params);
  const n = Number(row?.n ?? 0);
  return { count: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP };
}

/** Ids of a view's tickets (for bulk updates), at most `limit`, in the view's order. */
export async function viewTicketIds(
  sql: Sql,
  workspaceId: string,
  viewId: string,
  actor: Actor | null,
  limit: number,
): Promise<string[]> {
  const view = await getView(sql, workspaceId, viewId, actor, 'body.viewId');
  const query = viewTicketsQuery(workspaceId, {
    filters: view.filters,
    sort: view.sort,
    actor,
    limit: limit - 1,
  });
  const rows = await sql(query.text, query.params);
  return rows.map((r) => r.id as string);
}
