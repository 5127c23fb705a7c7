/**
 * Keeps the report tables in step with the tickets: `refreshTickets` re-derives the given
 * tickets from their rows and history, compares with what is stored, and applies only the
 * difference — old activities subtracted from the hourly rollup cells, new ones added. The
 * same function serves the event subscribers (one ticket) and the rebuild (a chunk), so an
 * at-least-once redelivery, a concurrent rebuild, a merge, a reopening or a deletion all end in
 * the state a rebuild from scratch would produce.
 *
 * Runs in the caller's workspace transaction. A workspace-wide advisory lock (held to the end of
 * the transaction) serializes refreshes of one workspace, so two jobs never subtract the same
 * old activity twice.
 */
import {
  activityKey,
  deriveTicket,
  type Activity,
  type TicketFact,
  type TicketHistory,
} from './derive.js';
import { iso, pgArray, textList, type Row, type Sql } from '../db.js';
import { bucketOf, emptyHistogram } from './histogram.js';

const HOUR_MS = 3_600_000;

/** Takes the workspace's analytics lock until the end of the current transaction. */
export async function lockWorkspace(sql: Sql, workspaceId: string): Promise<void> {
  await sql(`select pg_advisory_xact_lock(hashtextextended(?, 20261125))`, [
    `analytics:${workspaceId}`,
  ]);
}

async function loadHistories(
  sql: Sql,
  workspaceId: string,
  ids: readonly string[],
): Promise<Map<string, TicketHistory>> {
  const list = pgArray(ids);
  const tickets = await sql(
    `select id, number, created_at, status, priority, via, assignee_id, team_id, tags, solved_at,
              merged_into_id
       from ticket where workspace_id = ? and id = any(?::uuid[])`,
    [workspaceId, list],
  );
  const histories = new Map<string, TicketHistory>();
  for (const row of tickets) {
    const via = (typeof row.via === 'string' ? JSON.parse(row.via) : row.via) ?? {};
    histories.set(row.id as string, {
      id: row.id as string,
      number: Number(row.number),
      createdAt: new Date(row.created_at as string),
      status: row.status as string,
      priority: row.priority as string,
      channel: typeof via.channel === 'string' ? via.channel : 'unknown',
      inboxId: typeof via.inboxId === 'string' ? via.inboxId : null,
      assigneeId: (row.assignee_id as string | null) ?? null,
      teamId: (row.team_id as string | null) ?? null,
      tags: textList(row.tags),
      solvedAt: row.solved_at ? new Date(row.solved_at as string) : null,
      statusChanges: [],
      agentReplies: [],
      mergedInto: (row.merged_into_id as string | null) ?? null,
    });
  }
  if (histories.size === 0) return histories;
  const events = await sql(
    `select ticket_id, data, created_at from ticket_event
      where workspace_id = ? and ticket_id = any(?::uuid[]) and type = 'status_changed'
      order by ticket_id, created_at, id`,
    [workspaceId, list],
  );
  for (const row of events) {
    const history = histories.get(row.ticket_id as string);
    if (!history) continue;
    const data = (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) ?? {};
    history.statusChanges.push({
      at: new Date(row.created_at as string),
      from: String(data.from),
      to: String(data.to),
    });
  }
  const replies = await sql(
    `select ticket_id, author_user_id, created_at from ticket_message
      where workspace_id = ? and ticket_id = any(?::uuid[])
        and kind = 'reply' and direction = 'outbound' and author_user_id is not null
      order by ticket_id, created_at, id`,
    [workspaceId, list],
  );
  for (const row of replies) {
    histories.get(row.ticket_id as string)?.agentReplies.push({
      at: new Date(row.created_at as string),
      agentId: row.author_user_id as string,
    });
  }
  return histories;
}

function activityFromRow(row: Row): Activity {
  return {
    seq: Number(row.seq),
    kind: row.kind as Activity['kind'],
    at: new Date(row.at as string),
    agentId: (row.agent_id as string | null) ?? null,
    teamId: (row.team_id as string | null) ?? null,
    inboxId: (row.inbox_id as string | null) ?? null,
    channel: row.channel as string,
    priority: row.priority as string,
    tags: textList(row.tags),
    seconds: row.seconds == null ? null : Number(row.seconds),
    replies: row.replies == null ? null : Number(row.replies),
  };
}

interface CellDelta {
  hour: string;
  kind: string;
  agent_id: string | null;
  team_id: string | null;
  inbox_id: string | null;
  channel: string;
  priority: string;
  count: number;
  sum_seconds: number;
  sum_replies: number;
}

function addToCells(cells: Map<string, CellDelta>, a: Activity, sign: 1 | -1): void {
  const hour = new Date(Math.floor(a.at.getTime() / HOUR_MS) * HOUR_MS).toISOString();
  const key = [hour, a.kind, a.agentId, a.teamId, a.inboxId, a.channel, a.priority].join('|');
  let cell = cells.get(key);
  if (!cell) {
    cell = {
      hour,
      kind: a.kind,
      agent_id: a.agentId,
      team_id: a.teamId,
      inbox_id: a.inboxId,
      channel: a.channel,
      priority: a.priority,
      count: 0,
      sum_seconds: 0,
      sum_replies: 0,
    };
    cells.set(key, cell);
  }
  cell.count += sign;
  cell.sum_seconds += sign * (a.seconds ?? 0);
  cell.sum_replies += sign * (a.replies ?? 0);
}

const factJson = (f: TicketFact) => ({
  ticket_id: f.ticketId,
  number: f.number,
  created_at: f.createdAt.toISOString(),
  status: f.status,
  priority: f.priority,
  channel: f.channel,
  inbox_id: f.inboxId,
  assignee_id: f.assigneeId,
  team_id: f.teamId,
  tags: f.tags,
  first_response_at: iso(f.firstResponseAt),
  solved_at: iso(f.solvedAt),
  reopens: f.reopens,
  agent_replies: f.agentReplies,
  merged_into: f.mergedInto,
});

const activityJson = (ticketId: string, a: Activity) => ({
  ticket_id: ticketId,
  seq: a.seq,
  kind: a.kind,
  at: a.at.toISOString(),
  agent_id: a.agentId,
  team_id: a.teamId,
  inbox_id: a.inboxId,
  channel: a.channel,
  priority: a.priority,
  tags: a.tags,
  seconds: a.seconds,
  replies: a.replies,
});

interface DayDelta {
  dim: string;
  kind: string;
  day: string;
  value: string;
  count: number;
  sum_seconds: number;
  sum_replies: number;
  hist: number[] | null;
}

const TIMED: ReadonlySet<string> = new Set(['first_response', 'solved']);

/** Element-wise sum of two histograms in SQL (an ON CONFLICT update; also used by erasure). */
export const HIST_SUM = (a: string, b: string) =>
  `case when ${a} is null then ${b} when ${b} is null then ${a} else
     (select array_agg(x.v + y.v order by x.i) from unnest(${a}) with ordinality as x(v, i)
        join unnest(${b}) with ordinality as y(v, i) on x.i = y.i) end`;

const dayFormats = new Map<string, Intl.DateTimeFormat>();
/** The local date (YYYY-MM-DD) of `at` in `timeZone`. */
export function localDay(at: Date, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dayFormats.set(timeZone, format);
  }
  return format.format(at);
}

/** One activity counts once per dimension (once per tag), under `value` ('' = none). */
function addToDays(
  cells: Map<string, DayDelta>,
  a: Activity,
  sign: 1 | -1,
  timeZone: string,
): void {
  const day = localDay(a.at, timeZone);
  const values: [string, string][] = [
    ['all', ''],
    ['agent', a.agentId ?? ''],
    ['team', a.teamId ?? ''],
    ['inbox', a.inboxId ?? ''],
    ['channel', a.channel],
    ['priority', a.priority],
    ...(a.tags.length > 0
      ? a.tags.map((t): [string, string] => ['tag', t])
      : [['tag', ''] as [string, string]]),
  ];
  for (const [dim, value] of values) {
    const key = `${dim}|${a.kind}|${day}|${value}`;
    let cell = cells.get(key);
    if (!cell) {
      const hist = TIMED.has(a.kind) ? emptyHistogram() : null;
      cell = { dim, kind: a.kind, day, value, count: 0, sum_seconds: 0, sum_replies: 0, hist };
      cells.set(key, cell);
    }
    if (cell.hist && a.seconds !== null) cell.hist[bucketOf(a.seconds)]! += sign;
    cell.count += sign;
    cell.sum_seconds += sign * (a.seconds ?? 0);
    cell.sum_replies += sign * (a.replies ?? 0);
  }
}

export interface RefreshResult {
  /** Tickets whose contribution changed (including removed ones). */
  changed: number;
}

/**
 * Re-derives `ticketIds` and stores the difference. Tickets that no longer exist (deleted) lose
 * their facts and activities. Call inside a workspace transaction.
 */
export async function refreshTickets(
  sql: Sql,
  workspaceId: string,
  ticketIds: readonly string[],
  options: { locked?: boolean; timeZone?: string } = {},
): Promise<RefreshResult> {
  const timeZone = options.timeZone ?? 'UTC';
  const ids = [...new Set(ticketIds)];
  if (ids.length === 0) return { changed: 0 };
  if (!options.locked) await lockWorkspace(sql, workspaceId);
  const histories = await loadHistories(sql, workspaceId, ids);
  const storedRows = await sql(
    `select * from analytics_ticket_activity where workspace_id = ? and ticket_id = any(?::uuid[])
      order by ticket_id, seq`,
    [workspaceId, pgArray(ids)],
  );
  const stored = new Map<string, Activity[]>();
  for (const row of storedRows) {
    const list = stored.get(row.ticket_id as string) ?? [];
    list.push(activityFromRow(row));
    stored.set(row.ticket_id as string, list);
  }
  const factRows = await sql(
    `select ticket_id from analytics_ticket_fact where workspace_id = ? and ticket_id = any(?::uuid[])`,
    [workspaceId, pgArray(ids)],
  );
  const hasFact = new Set(factRows.map((r) => r.ticket_id as string));

  const cells = new Map<string, CellDelta>();
  const days = new Map<string, DayDelta>();
  const replaceActivities: string[] = [];
  const newActivities: ReturnType<typeof activityJson>[] = [];
  const facts: ReturnType<typeof factJson>[] = [];
  const removedFacts: string[] = [];
  for (const id of ids) {
    const before = stored.get(id) ?? [];
    const history = histories.get(id);
    const derived = history ? deriveTicket(history) : null;
    const after = derived?.activities ?? [];
    if (derived) facts.push(factJson(derived.fact));
    else if (hasFact.has(id)) removedFacts.push(id);
    const same =
      before.length === after.length &&
      before.every((a, i) => activityKey(a) === activityKey(after[i]!));
    if (same) continue;
    replaceActivities.push(id);
    for (const a of before) {
      addToCells(cells, a, -1);
      addToDays(days, a, -1, timeZone);
    }
    for (const a of after) {
      addToCells(cells, a, 1);
      addToDays(days, a, 1, timeZone);
      newActivities.push(activityJson(id, a));
    }
  }

  if (facts.length > 0) {
    await sql(
      `insert into analytics_ticket_fact (workspace_id, ticket_id, number, created_at, status,
         priority, channel, inbox_id, assignee_id, team_id, tags, first_response_at, solved_at,
         reopens, agent_replies, merged_into)
       select ?, r.ticket_id, r.number, r.created_at, r.status, r.priority, r.channel, r.inbox_id,
              r.assignee_id, r.team_id, array(select jsonb_array_elements_text(r.tags)),
              r.first_response_at, r.solved_at, r.reopens, r.agent_replies, r.merged_into
         from jsonb_to_recordset(?::jsonb) as r(ticket_id uuid, number int, created_at timestamptz,
              status text, priority text, channel text, inbox_id uuid, assignee_id uuid,
              team_id uuid, tags jsonb, first_response_at timestamptz, solved_at timestamptz,
              reopens int, agent_replies int, merged_into uuid)
       on conflict (workspace_id, ticket_id) do update set
         number = excluded.number, created_at = excluded.created_at, status = excluded.status,
         priority = excluded.priority, channel = excluded.channel, inbox_id = excluded.inbox_id,
         assignee_id = excluded.assignee_id, team_id = excluded.team_id, tags = excluded.tags,
         first_response_at = excluded.first_response_at, solved_at = excluded.solved_at,
         reopens = excluded.reopens, agent_replies = excluded.agent_replies,
         merged_into = excluded.merged_into`,
      [workspaceId, JSON.stringify(facts)],
    );
  }
  if (removedFacts.length > 0) {
    await sql(
      `delete from analytics_ticket_fact where workspace_id = ? and ticket_id = any(?::uuid[])`,
      [workspaceId, pgArray(removedFacts)],
    );
  }
  if (replaceActivities.length === 0) return { changed: 0 };

  await sql(
    `delete from analytics_ticket_activity where workspace_id = ? and ticket_id = any(?::uuid[])`,
    [workspaceId, pgArray(replaceActivities)],
  );
  if (newActivities.length > 0) {
    await sql(
      `insert into analytics_ticket_activity (workspace_id, ticket_id, seq, kind, at, agent_id,
         team_id, inbox_id, channel, priority, tags, seconds, replies)
       select ?, r.ticket_id, r.seq, r.kind, r.at, r.agent_id, r.team_id, r.inbox_id, r.channel,
              r.priority, array(select jsonb_array_elements_text(r.tags)), r.seconds, r.replies
         from jsonb_to_recordset(?::jsonb) as r(ticket_id uuid, seq int, kind text,
              at timestamptz, agent_id uuid, team_id uuid, inbox_id uuid, channel text,
              priority text, tags jsonb, seconds bigint, replies int)`,
      [workspaceId, JSON.stringify(newActivities)],
    );
  }
  const deltas = [...cells.values()].filter(
    (c) => c.count !== 0 || c.sum_seconds !== 0 || c.sum_replies !== 0,
  );
  if (deltas.length > 0) {
    await sql(
      `insert into analytics_rollup_hour as t (workspace_id, hour, kind, agent_id, team_id,
         inbox_id, channel, priority, count, sum_seconds, sum_replies)
       select ?, r.hour, r.kind, r.agent_id, r.team_id, r.inbox_id, r.channel, r.priority,
              r.count, r.sum_seconds, r.sum_replies
         from jsonb_to_recordset(?::jsonb) as r(hour timestamptz, kind text, agent_id uuid,
              team_id uuid, inbox_id uuid, channel text, priority text, count int,
              sum_seconds bigint, sum_replies bigint)
       on conflict on constraint analytics_rollup_hour_cell do update set
         count = t.count + excluded.count,
         sum_seconds = t.sum_seconds + excluded.sum_seconds,
         sum_replies = t.sum_replies + excluded.sum_replies`,
      [workspaceId, JSON.stringify(deltas)],
    );
    const hours = [...new Set(deltas.map((d) => d.hour))];
    await sql(
      `delete from analytics_rollup_hour
        where workspace_id = ? and hour = any(?::timestamptz[]) and count = 0`,
      [workspaceId, pgArray(hours)],
    );
  }
  const dayDeltas = [...days.values()].filter(
    (c) => c.count !== 0 || c.sum_seconds !== 0 || c.sum_replies !== 0,
  );
  if (dayDeltas.length > 0) {
    await sql(
      `insert into analytics_rollup_day as t (workspace_id, dim, kind, day, value, count,
         sum_seconds, sum_replies, hist)
       select ?, r.dim, r.kind, r.day, r.value, r.count, r.sum_seconds, r.sum_replies,
              case when r.hist is null then null else
                (select array_agg(e::int order by i)
                   from jsonb_array_elements_text(r.hist) with ordinality as h(e, i)) end
         from jsonb_to_recordset(?::jsonb) as r(dim text, kind text, day date, value text,
              count int, sum_seconds bigint, sum_replies bigint, hist jsonb)
       on conflict (workspace_id, dim, kind, day, value) do update set
         count = t.count + excluded.count,
         sum_seconds = t.sum_seconds + excluded.sum_seconds,
         sum_replies = t.sum_replies + excluded.sum_replies,
         hist = ${HIST_SUM('t.hist', 'excluded.hist')}`,
      [workspaceId, JSON.stringify(dayDeltas)],
    );
    await sql(
      `delete from analytics_rollup_day
        where workspace_id = ? and day = any(?::date[]) and count = 0`,
      [workspaceId, pgArray([...new Set(dayDeltas.map((d) => d.day))])],
    );
  }
  return { changed: replaceActivities.length };
}
