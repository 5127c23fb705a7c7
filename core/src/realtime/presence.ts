/**
 * Collision hints: who is viewing or replying to a ticket. A row lives until `expires_at`
 * (refreshed by each POST); `left` deletes it. Plain SQL in the caller's workspace transaction.
 */
import { errors } from '../kernel/errors.js';
import type { Row, Sql } from '../identity/db.js';
import { iso } from '../members/context.js';
import type { PresenceViewer } from './messages.js';

export type PresenceState = 'viewing' | 'replying' | 'left';

function viewer(row: Row): PresenceViewer {
  return {
    userId: row.user_id,
    name: row.name,
    state: row.state,
    updatedAt: iso(row.updated_at),
    expiresAt: iso(row.expires_at),
  };
}

async function assertTicket(sql: Sql, workspaceId: string, ticketId: string): Promise<void> {
  const rows = await sql(`select 1 from ticket where workspace_id = ? and id = ?`, [
    workspaceId,
    ticketId,
  ]);
  if (!rows[0]) throw errors.notFound('Ticket');
}

/** The ticket's current viewers (all of them; callers filter themselves out). */
export async function listViewers(
  sql: Sql,
  workspaceId: string,
  ticketId: string,
  now: Date,
): Promise<PresenceViewer[]> {
  await assertTicket(sql, workspaceId, ticketId);
  const rows = await sql(
    `select p.user_id, coalesce(nullif(u.display_name, ''), u.email) as name, p.state,
            p.updated_at, p.expires_at
       from ticket_presence p join user_account u on u.id = p.user_id
      where p.workspace_id = ? and p.ticket_id = ? and p.expires_at > ?
      order by p.updated_at, p.user_id`,
    [workspaceId, ticketId, now],
  );
  return rows.map(viewer);
}

/**
 * Records (or, for `left`, removes) the user's presence on the ticket and sweeps expired rows of
 * that ticket. `changed` is false for a plain refresh (same state, not expired): nobody needs to
 * hear about it.
 */
export async function setPresence(
  sql: Sql,
  input: {
    workspaceId: string;
    ticketId: string;
    userId: string;
    state: PresenceState;
    now: Date;
    ttlMs: number;
  },
): Promise<{ viewers: PresenceViewer[]; changed: boolean }> {
  const { workspaceId, ticketId, userId, state, now } = input;
  await assertTicket(sql, workspaceId, ticketId);
  const swept = await sql(
    `delete from ticket_presence
      where workspace_id = ? and ticket_id = ? and (expires_at <= ? or user_id = ?)
      returning user_id, state, expires_at`,
    [workspaceId, ticketId, now, userId],
  );
  const mine = swept.find((row) => row.user_id === userId);
  const wasLive = mine !== undefined && new Date(mine.expires_at) > now;
  const othersExpired = swept.some((row) => row.user_id !== userId);
  if (state !== 'left') {
    await sql(
      `insert into ticket_presence (workspace_id, ticket_id, user_id, state, updated_at, expires_at)
       values (?, ?, ?, ?, ?, ?)`,
      [workspaceId, ticketId, userId, state, now, new Date(now.getTime() + input.ttlMs)],
    );
  }
  const changed = othersExpired || (state === 'left' ? wasLive : !wasLive || mine?.state !== state);
  return { viewers: await listViewers(sql, workspaceId, ticketId, now), changed };
}
