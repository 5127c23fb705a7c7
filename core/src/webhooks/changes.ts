/**
 * The incremental change feed: a workspace's domain events, in commit-safe order.
 *
 * Why not simply `position > cursor`: `position` is drawn from a sequence when a row is
 * inserted, but transactions commit in any order. With T1 holding position 10 uncommitted while
 * T2's position 11 commits, a reader would return 11, move its cursor past 10, and miss 10
 * forever once T1 commits. `dispatched_at is not null` does not help (the relay, too, only sees
 * committed rows, so it may dispatch 11 before 10 exists for it), nor does a time window (a
 * transaction may stay open longer than any window).
 *
 * What does: every row carries its writer's transaction id (`txid xid8`, defaulted to
 * `pg_current_xact_id()`; added by this module's migration), and the feed
 *  1. returns only rows whose transaction is older than the oldest transaction still running
 *     (`txid < pg_snapshot_xmin(pg_current_snapshot())`): those transactions are all finished,
 *     so no more rows with such a txid can ever appear, and
 *  2. orders by `(txid, position)` with the cursor on that pair: any row committed later comes
 *     from a transaction that was running (or not yet started) at the earlier read, so its
 *     txid is ≥ that read's xmin > every txid already returned — it sorts after the cursor.
 * Hence every event appears exactly once across pages. The cost: a long-running transaction
 * anywhere in the database holds the feed back (not other workspaces' data, only freshness).
 *
 * `domain_event` has no RLS policy (kernel table): the workspace is filtered here explicitly.
 */
import { errors } from '../kernel/errors.js';
import { iso } from '../members/context.js';
import { textArray, type Sql } from '../identity/db.js';

export interface Change {
  position: string;
  id: string;
  name: string;
  occurredAt: string;
  payload: Record<string, unknown>;
}

interface FeedCursor {
  txid: string;
  position: string;
}

const DIGITS = /^\d{1,20}$/;

export function encodeFeedCursor(c: FeedCursor): string {
  return Buffer.from(`${c.txid}:${c.position}`).toString('base64url');
}

export function decodeFeedCursor(cursor: string): FeedCursor {
  const [txid, position, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  if (extra !== undefined || !txid || !position || !DIGITS.test(txid) || !DIGITS.test(position))
    throw errors.badRequest('invalid_cursor', 'The cursor is not valid; start again without one');
  return { txid, position };
}

export async function listChanges(
  sql: Sql,
  workspaceId: string,
  query: { cursor?: string | undefined; limit: number; types?: string | undefined },
): Promise<{ data: Change[]; nextCursor: string | null; hasMore: boolean }> {
  const after = query.cursor ? decodeFeedCursor(query.cursor) : { txid: '0', position: '0' };
  const types = query.types
    ? query.types
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean)
    : [];
  const rows = await sql(
    `select position::text as pos, txid::text as tx, id, name, occurred_at, payload
       from domain_event
      where workspace_id = ?
        and txid < pg_snapshot_xmin(pg_current_snapshot())
        and (txid > ?::xid8 or (txid = ?::xid8 and position > ?::bigint))
        ${types.length ? 'and name = any(?::text[])' : ''}
      order by domain_event.txid, domain_event.position
      limit ?`,
    [
      workspaceId,
      after.txid,
      after.txid,
      after.position,
      ...(types.length ? [textArray(types)] : []),
      query.limit + 1,
    ],
  );
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const data = page.map((r) => ({
    position: String(r.pos),
    id: r.id as string,
    name: r.name as string,
    occurredAt: iso(r.occurred_at),
    payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<
      string,
      unknown
    >,
  }));
  return {
    data,
    // Always resumable: at the end, the cursor to poll with for what comes next.
    nextCursor: last
      ? encodeFeedCursor({ txid: String(last.tx), position: String(last.pos) })
      : (query.cursor ?? null),
    hasMore: rows.length > query.limit,
  };
}
