/**
 * Bulk updates: the same change applied to many tickets, each ticket exactly like a single
 * PATCH (its `ticket.beforeUpdate` taps, timeline events and `ticket.updated` domain event).
 * Each ticket runs in a savepoint, so one refused ticket (vetoed, gone) is reported in its
 * result and the others still change. Up to `BULK_INLINE_LIMIT` tickets run in the request; more
 * become a `ticket_bulk_job` processed in chunks by the `tickets.bulk-update` job, with progress.
 */
import type { AwilixContainer } from 'awilix';
import { v7 as uuidv7 } from 'uuid';
import type { Actor, RequestCradle } from '../kernel/contract.js';
import { errors, isNovumError } from '../kernel/errors.js';
import { sqlFor, textArray, type Row, type Sql } from '../identity/db.js';
import { iso, isoOrNull } from '../members/context.js';
import { hookContext } from './compose.js';
import type { TicketChangeSet } from './hooks.js';
import { applyTicketChanges } from './update.js';
import { json, textList } from './views.js';

export const BULK_INLINE_LIMIT = 100;
export const BULK_MAX_TICKETS = 10_000;
export const BULK_CHUNK = 100;
export const BULK_JOB_NAME = 'bulk-update';
export const BULK_JOB = `tickets.${BULK_JOB_NAME}`;
/** Per-ticket errors kept on a job. */
const MAX_ERRORS = 1000;

export interface BulkItemResult {
  ticketId: string;
  status: 'updated' | 'unchanged' | 'failed';
  error?: { code: string; message: string };
}

export interface BulkView {
  id: string;
  status: 'queued' | 'running' | 'completed';
  total: number;
  done: number;
  updated: number;
  errors: { ticketId: string; code: string; message: string }[];
  /** Per-ticket results (inline bulk updates only). */
  results?: BulkItemResult[];
  createdAt: string;
  finishedAt: string | null;
}

export interface BulkJobData {
  workspaceId: string;
  bulkId: string;
}

/** One ticket's change in a savepoint; a NovumError (veto, not found) is that ticket's result. */
export async function applyBulkItem(
  scope: AwilixContainer<RequestCradle>,
  workspaceId: string,
  ticketId: string,
  changes: TicketChangeSet,
  actor: Actor | null,
): Promise<BulkItemResult> {
  const { em, hooks, clock, events, requestId } = scope.cradle;
  const sql = sqlFor(em);
  await sql('savepoint bulk_item');
  try {
    const draft = await hooks['ticket.beforeUpdate'].promise(
      { ticketId, changes: { ...changes } },
      { ...hookContext(scope, actor), workspaceId },
    );
    const changed = await applyTicketChanges(
      sql,
      workspaceId,
      ticketId,
      draft.changes,
      actor,
      clock.now(),
    );
    await sql('release savepoint bulk_item');
    if (changed.length === 0) return { ticketId, status: 'unchanged' };
    events.record(em, 'ticket.updated', { ticketId }, { workspaceId, actor, requestId });
    return { ticketId, status: 'updated' };
  } catch (error) {
    // PGlite 0.3.16 takes the command tag of ROLLBACK TO SAVEPOINT ("ROLLBACK") for the end of
    // the transaction (`isInTransaction()` turns false), and the embedded bridge would then let
    // other connections into the one session mid-transaction. A BEGIN in the same round trip (on
    // PostgreSQL only a warning inside a transaction) puts its flag back.
    await sql('rollback to savepoint bulk_item; begin');
    if (!isNovumError(error)) throw error;
    return { ticketId, status: 'failed', error: { code: error.code, message: error.message } };
  }
}

const actorOf = (row: Row, workspaceId: string): Actor | null => {
  const stored = json<{ kind: Actor['kind']; id: string } | null>(row.actor);
  return stored ? { ...stored, workspaceId } : null;
};

function bulkView(row: Row): BulkView {
  return {
    id: row.id,
    status: row.status,
    total: Number(row.total),
    done: Number(row.done),
    updated: Number(row.updated),
    errors: json<BulkView['errors']>(row.errors) ?? [],
    createdAt: iso(row.created_at),
    finishedAt: isoOrNull(row.finished_at),
  };
}

export async function createBulkJob(
  sql: Sql,
  workspaceId: string,
  ticketIds: string[],
  changes: TicketChangeSet,
  actor: Actor | null,
  now: Date,
): Promise<BulkView> {
  const id = uuidv7();
  const rows = await sql(
    `insert into ticket_bulk_job (id, workspace_id, actor, ticket_ids, changes, status, total,
                                  created_at, updated_at)
     values (?, ?, ?::jsonb, ?::uuid[], ?::jsonb, 'queued', ?, ?, ?) returning *`,
    [
      id,
      workspaceId,
      actor ? JSON.stringify({ kind: actor.kind, id: actor.id }) : null,
      textArray(ticketIds),
      JSON.stringify(changes),
      ticketIds.length,
      now,
      now,
    ],
  );
  return bulkView(rows[0]!);
}

export async function getBulkJob(sql: Sql, workspaceId: string, id: string): Promise<BulkView> {
  const rows = await sql(`select * from ticket_bulk_job where workspace_id = ? and id = ?`, [
    workspaceId,
    id,
  ]);
  if (!rows[0]) throw errors.notFound('Bulk update');
  return bulkView(rows[0]);
}

/** One run of the job: the next chunk, in the job scope's workspace transaction. */
export async function runBulkChunk(
  data: BulkJobData,
  scope: AwilixContainer<RequestCradle>,
): Promise<void> {
  const { em, clock, jobs, events } = scope.cradle;
  const sql = sqlFor(em);
  const [row] = await sql(
    `select * from ticket_bulk_job where workspace_id = ? and id = ? for update`,
    [data.workspaceId, data.bulkId],
  );
  if (!row || row.status === 'completed') return;
  const ids = textList(row.ticket_ids);
  const changes = json<TicketChangeSet>(row.changes);
  const actor = actorOf(row, data.workspaceId);
  const errorsSoFar = json<BulkView['errors']>(row.errors) ?? [];
  let done = Number(row.done);
  let updated = Number(row.updated);
  const end = Math.min(ids.length, done + BULK_CHUNK);
  for (; done < end; done++) {
    const result = await applyBulkItem(scope, data.workspaceId, ids[done]!, changes, actor);
    if (result.status === 'updated') updated++;
    if (result.error && errorsSoFar.length < MAX_ERRORS) {
      errorsSoFar.push({ ticketId: result.ticketId, ...result.error });
    }
  }
  const finished = done >= ids.length;
  const now = clock.now();
  await sql(
    `update ticket_bulk_job set status = ?, done = ?, updated = ?, errors = ?::jsonb,
            updated_at = ?, finished_at = ? where workspace_id = ? and id = ?`,
    [
      finished ? 'completed' : 'running',
      done,
      updated,
      JSON.stringify(errorsSoFar),
      now,
      finished ? now : null,
      data.workspaceId,
      data.bulkId,
    ],
  );
  if (finished) {
    events.record(
      em,
      'ticket.bulk_updated',
      { bulkId: data.bulkId, ticketCount: updated },
      { workspaceId: data.workspaceId, actor },
    );
  } else {
    await jobs.send(BULK_JOB, data, { em });
  }
}
