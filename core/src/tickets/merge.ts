/**
 * Merging a ticket into another of the same workspace: the source's messages and notes (with
 * their attachments), followers and CCs move to the target; the source is closed with
 * `merged_into_id`, and both timelines say so. Reads of the source then redirect (308).
 */
import type { Actor } from '../kernel/contract.js';
import { errors } from '../kernel/errors.js';
import { validationFailed } from '../http/problem.js';
import { textArray, type Row, type Sql } from '../identity/db.js';
import { insertEvent } from './tickets.js';
import { json } from './views.js';

/** Both tickets, locked in id order (two merges in opposite directions cannot deadlock). */
async function lockPair(
  sql: Sql,
  workspaceId: string,
  sourceId: string,
  targetId: string,
): Promise<{ source: Row; target: Row }> {
  const rows = await sql(
    `select * from ticket where workspace_id = ? and id = any(?::uuid[]) order by id for update`,
    [workspaceId, textArray([sourceId, targetId])],
  );
  const source = rows.find((r) => r.id === sourceId);
  const target = rows.find((r) => r.id === targetId);
  if (!source || !target) throw errors.notFound('Ticket');
  return { source, target };
}

/** Checks a merge is possible (404 for either ticket outside the workspace). */
export async function assertMergeable(
  sql: Sql,
  workspaceId: string,
  sourceId: string,
  targetId: string,
): Promise<void> {
  if (sourceId === targetId) {
    throw validationFailed([
      { path: 'body.targetTicketId', message: 'a ticket cannot be merged into itself' },
    ]);
  }
  const { source, target } = await lockPair(sql, workspaceId, sourceId, targetId);
  if (source.merged_into_id) {
    throw errors.conflict('already_merged', 'This ticket was already merged', {
      mergedIntoId: source.merged_into_id,
    });
  }
  if (target.merged_into_id) {
    throw errors.conflict('target_merged', 'The target was itself merged into another ticket', {
      mergedIntoId: target.merged_into_id,
    });
  }
}

export async function mergeTickets(
  sql: Sql,
  workspaceId: string,
  sourceId: string,
  targetId: string,
  actor: Actor | null,
  now: Date,
): Promise<{ movedMessages: number }> {
  const { source, target } = await lockPair(sql, workspaceId, sourceId, targetId);
  const moved = await sql(
    `update ticket_message set ticket_id = ? where workspace_id = ? and ticket_id = ? returning id`,
    [targetId, workspaceId, sourceId],
  );
  await sql(
    `insert into ticket_follower (workspace_id, ticket_id, user_id, created_at)
     select workspace_id, ?, user_id, ? from ticket_follower where workspace_id = ? and ticket_id = ?
     on conflict do nothing`,
    [targetId, now, workspaceId, sourceId],
  );
  await sql(`delete from ticket_follower where workspace_id = ? and ticket_id = ?`, [
    workspaceId,
    sourceId,
  ]);
  const targetCcs = json<{ contactId: string; email: string }[]>(target.ccs) ?? [];
  const sourceCcs = json<{ contactId: string; email: string }[]>(source.ccs) ?? [];
  const ccs = [
    ...targetCcs,
    ...sourceCcs.filter((c) => !targetCcs.some((t) => t.contactId === c.contactId)),
  ].filter((c) => c.contactId !== target.requester_id);
  if (source.requester_id !== target.requester_id) {
    // The source's requester stays in the conversation as a CC of the target.
    const [requester] = await sql(
      `select email from contact_email where workspace_id = ? and contact_id = ?
        order by is_primary desc, created_at limit 1`,
      [workspaceId, source.requester_id],
    );
    if (requester && !ccs.some((c) => c.contactId === source.requester_id)) {
      ccs.push({ contactId: source.requester_id, email: requester.email });
    }
  }
  await sql(
    `update ticket set ccs = ?::jsonb, updated_at = ?,
            first_response_at = least(first_response_at, ?::timestamptz)
      where workspace_id = ? and id = ?`,
    [JSON.stringify(ccs), now, source.first_response_at ?? null, workspaceId, targetId],
  );
  await sql(
    `update ticket set status = 'closed', status_id = null, merged_into_id = ?, updated_at = ?
      where workspace_id = ? and id = ?`,
    [targetId, now, workspaceId, sourceId],
  );
  await insertEvent(
    sql,
    workspaceId,
    sourceId,
    actor,
    'merged_into',
    { targetId, targetNumber: Number(target.number), movedMessages: moved.length },
    now,
  );
  await insertEvent(
    sql,
    workspaceId,
    targetId,
    actor,
    'merged_from',
    { sourceId, sourceNumber: Number(source.number), movedMessages: moved.length },
    now,
  );
  return { movedMessages: moved.length };
}
