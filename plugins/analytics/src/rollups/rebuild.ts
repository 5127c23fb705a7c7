/**
 * Rebuilding the report tables of a workspace from scratch: `startRebuild` empties them and
 * records the run, `rebuildChunk` re-derives the next tickets in id order (one transaction per
 * chunk, so progress is visible and a crash resumes from the last committed chunk). Event
 * subscribers keep running meanwhile: both sides go through `refreshTickets`, which stores only
 * differences, so the result is the same whichever touches a ticket first.
 */
import { v7 as uuidv7 } from 'uuid';
import { iso, type Sql } from '../db.js';
import { lockWorkspace, refreshTickets } from './store.js';

export interface RebuildState {
  runId: string;
  status: 'running' | 'done' | 'failed';
  total: number;
  done: number;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  /** Last ticket id processed: the next chunk starts after it. */
  cursor: string | null;
}

export async function rebuildState(sql: Sql, workspaceId: string): Promise<RebuildState | null> {
  const rows = await sql(`select * from analytics_rebuild where workspace_id = ?`, [workspaceId]);
  const row = rows[0];
  if (!row) return null;
  return {
    runId: row.run_id as string,
    status: row.status as RebuildState['status'],
    total: Number(row.total),
    done: Number(row.done),
    startedAt: iso(row.started_at)!,
    finishedAt: iso(row.finished_at),
    error: (row.error as string | null) ?? null,
    cursor: (row.cursor as string | null) ?? null,
  };
}

/** Empties the workspace's report tables and starts a run; returns its id. */
export async function startRebuild(sql: Sql, workspaceId: string, now: Date): Promise<string> {
  await lockWorkspace(sql, workspaceId);
  const runId = uuidv7();
  const [count] = await sql(`select count(*)::int as n from ticket where workspace_id = ?`, [
    workspaceId,
  ]);
  for (const table of [
    'analytics_rollup_hour',
    'analytics_rollup_day',
    'analytics_ticket_activity',
    'analytics_ticket_fact',
  ]) {
    await sql(`delete from ${table} where workspace_id = ?`, [workspaceId]);
  }
  await sql(
    `insert into analytics_rebuild (workspace_id, run_id, status, total, done, started_at, cursor)
     values (?, ?, 'running', ?, 0, ?, null)
     on conflict (workspace_id) do update set run_id = excluded.run_id, status = 'running',
       total = excluded.total, done = 0, started_at = excluded.started_at, finished_at = null,
       error = null, cursor = null`,
    [workspaceId, runId, Number(count?.n ?? 0), now],
  );
  return runId;
}

/**
 * Processes the next `chunk` tickets of run `runId`. Returns the state after it, or null when
 * the run is no longer current (another rebuild replaced it): the caller stops.
 */
export async function rebuildChunk(
  sql: Sql,
  workspaceId: string,
  runId: string,
  chunk: number,
  now: Date,
  timeZone = 'UTC',
): Promise<RebuildState | null> {
  await lockWorkspace(sql, workspaceId);
  const state = await rebuildState(sql, workspaceId);
  if (!state || state.runId !== runId || state.status !== 'running') return null;
  const rows = await sql(
    `select id from ticket where workspace_id = ? and (?::uuid is null or id > ?::uuid)
      order by id limit ?`,
    [workspaceId, state.cursor, state.cursor, chunk],
  );
  const ids = rows.map((r) => r.id as string);
  await refreshTickets(sql, workspaceId, ids, { locked: true, timeZone });
  const finished = ids.length < chunk;
  await sql(
    `update analytics_rebuild set done = done + ?, cursor = ?, status = ?, finished_at = ?,
            total = greatest(total, done + ?)
      where workspace_id = ? and run_id = ?`,
    [
      ids.length,
      ids.at(-1) ?? state.cursor,
      finished ? 'done' : 'running',
      finished ? now : null,
      ids.length,
      workspaceId,
      runId,
    ],
  );
  return rebuildState(sql, workspaceId);
}
