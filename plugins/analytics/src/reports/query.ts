/**
 * The report queries. They read the analytics tables only, never the ticket table:
 * - counts (created, solved, reopened, replies) from the hourly rollup, grouped by local period
 *   in the requested time zone — exact whenever the zone's offset is whole hours over the range;
 *   otherwise (half-hour zones) and for tags (a ticket has several) from the activity table;
 * - times (first response, full resolution: median and p90) and replies per solved ticket from
 *   the activity table (exact percentiles, `percentile_cont`);
 * - the backlog (tickets now in an open category) from the per-ticket facts.
 */
import type { Row, Sql } from '../db.js';
import { periodsOf, wholeHourOffsets, type Interval } from './periods.js';
import { addHistograms, emptyHistogram, percentile } from '../rollups/histogram.js';

export const GROUPS = ['none', 'agent', 'team', 'inbox', 'channel', 'tag', 'priority'] as const;
export type GroupBy = (typeof GROUPS)[number];
export const VOLUME_METRICS = ['created', 'solved', 'reopened', 'replies'] as const;
export type VolumeMetric = (typeof VOLUME_METRICS)[number];
const KIND_OF: Record<VolumeMetric, string> = {
  created: 'created',
  solved: 'solved',
  reopened: 'reopened',
  replies: 'reply',
};

/** `none` stands for "no agent / team / inbox" (unassigned). */
export interface ReportFilters {
  agentId?: string | undefined;
  teamId?: string | undefined;
  inboxId?: string | undefined;
  channel?: string | undefined;
  priority?: string | undefined;
  tag?: string | undefined;
}

export interface ReportRange {
  from: string;
  to: string;
  timeZone: string;
}

export interface ReportQuery extends ReportRange {
  interval: Interval;
  groupBy: GroupBy;
  filters: ReportFilters;
}

type Source = 'daily' | 'rollup' | 'activity';

interface Where {
  sql: string;
  params: unknown[];
}

/** Column names of the dimensions in the rollup/activity tables (`agent`) or the facts (`assignee`). */
function filterSql(filters: ReportFilters, agentColumn: string, withTags: boolean): Where {
  const parts: string[] = [];
  const params: unknown[] = [];
  const idFilter = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    if (value === 'none') parts.push(`${column} is null`);
    else {
      parts.push(`${column} = ?::uuid`);
      params.push(value);
    }
  };
  idFilter(agentColumn, filters.agentId);
  idFilter('team_id', filters.teamId);
  idFilter('inbox_id', filters.inboxId);
  if (filters.channel !== undefined) {
    parts.push('channel = ?');
    params.push(filters.channel);
  }
  if (filters.priority !== undefined) {
    parts.push('priority = ?');
    params.push(filters.priority);
  }
  if (filters.tag !== undefined && withTags) {
    parts.push('? = any(tags)');
    params.push(filters.tag);
  }
  return { sql: parts.map((p) => ` and ${p}`).join(''), params };
}

function groupSql(groupBy: GroupBy, agentColumn: string): { select: string; from: string } {
  switch (groupBy) {
    case 'none':
      return { select: 'null::text', from: '' };
    case 'agent':
      return { select: `${agentColumn}::text`, from: '' };
    case 'team':
      return { select: 'team_id::text', from: '' };
    case 'inbox':
      return { select: 'inbox_id::text', from: '' };
    case 'channel':
      return { select: 'channel', from: '' };
    case 'priority':
      return { select: 'priority', from: '' };
    case 'tag':
      // A ticket counts once under each of its tags; a ticket without tags under null.
      return {
        select: 'tag',
        from: ` cross join lateral unnest(case when cardinality(tags) = 0 then array[null]::text[] else tags end) as tag`,
      };
  }
}

const FILTER_DIMS: [keyof ReportFilters, GroupBy][] = [
  ['agentId', 'agent'],
  ['teamId', 'team'],
  ['inboxId', 'inbox'],
  ['channel', 'channel'],
  ['priority', 'priority'],
  ['tag', 'tag'],
];

/**
 * The per-day, one-dimension rollup answers when the report is in its time zone and filters on
 * at most the dimension it groups by (or, ungrouped, on one dimension).
 */
function dailyPlan(
  q: ReportQuery,
  dayZone: string | undefined,
): { dim: string; value?: string } | null {
  if (dayZone === undefined || q.timeZone !== dayZone) return null;
  const set = FILTER_DIMS.filter(([key]) => q.filters[key] !== undefined);
  if (set.length > 1) return null;
  const [filter] = set;
  if (q.groupBy !== 'none' && filter && filter[1] !== q.groupBy) return null;
  const dim = q.groupBy !== 'none' ? q.groupBy : (filter?.[1] ?? 'all');
  if (!filter) return { dim };
  const value = q.filters[filter[0]]!;
  return { dim, value: value === 'none' ? '' : value };
}

function sourceFor(query: ReportQuery): Source {
  if (query.groupBy === 'tag' || query.filters.tag !== undefined) return 'activity';
  return wholeHourOffsets(query.timeZone, query.from, query.to) ? 'rollup' : 'activity';
}

const periodSql = (column: string) =>
  `to_char(date_trunc(?, ${column} at time zone ?), 'YYYY-MM-DD')`;

export interface VolumeRow {
  period: string;
  group: string | null;
  created: number;
  solved: number;
  reopened: number;
  replies: number;
}

export interface VolumeReport {
  source: Source;
  rows: VolumeRow[];
  totals: Omit<VolumeRow, 'period' | 'group'>;
}

async function dailyRows(
  sql: Sql,
  workspaceId: string,
  q: ReportQuery,
  plan: { dim: string; value?: string },
) {
  return sql(
    `select to_char(date_trunc(?, day::timestamp), 'YYYY-MM-DD') as period,
            ${q.groupBy === 'none' ? 'null::text' : `nullif(value, '')`} as grp, kind,
            sum(count)::bigint as n
       from analytics_rollup_day
      where workspace_id = ? and dim = ? and kind = any(?::text[])
        and day >= ?::date and day <= ?::date ${plan.value !== undefined ? 'and value = ?' : ''}
      group by 1, 2, 3`,
    [
      q.interval,
      workspaceId,
      plan.dim,
      `{${Object.values(KIND_OF).join(',')}}`,
      q.from,
      q.to,
      ...(plan.value !== undefined ? [plan.value] : []),
    ],
  );
}

export async function volumeReport(
  sql: Sql,
  workspaceId: string,
  q: ReportQuery,
  dayZone?: string,
): Promise<VolumeReport> {
  const plan = dailyPlan(q, dayZone);
  const source: Source = plan ? 'daily' : sourceFor(q);
  const table = source === 'rollup' ? 'analytics_rollup_hour' : 'analytics_ticket_activity';
  const time = source === 'rollup' ? 'hour' : 'at';
  const count = source === 'rollup' ? 'sum(count)' : 'count(*)';
  const group = groupSql(q.groupBy, 'agent_id');
  const filter = filterSql(q.filters, 'agent_id', source === 'activity');
  const rows = plan
    ? await dailyRows(sql, workspaceId, q, plan)
    : await sql(
        `select ${periodSql(time)} as period, ${group.select} as grp, kind, ${count}::bigint as n
       from ${table}${group.from}
      where workspace_id = ? and kind = any(?::text[])
        and ${time} >= (?::date)::timestamp at time zone ?
        and ${time} < ((?::date + 1)::timestamp at time zone ?)
        ${filter.sql}
      group by 1, 2, 3`,
        [
          q.interval,
          q.timeZone,
          workspaceId,
          `{${Object.values(KIND_OF).join(',')}}`,
          q.from,
          q.timeZone,
          q.to,
          q.timeZone,
          ...filter.params,
        ],
      );
  const cells = new Map<string, VolumeRow>();
  const totals = { created: 0, solved: 0, reopened: 0, replies: 0 };
  const cell = (period: string, grp: string | null) => {
    const key = `${period}|${grp ?? ''}`;
    let row = cells.get(key);
    if (!row) {
      row = { period, group: grp, created: 0, solved: 0, reopened: 0, replies: 0 };
      cells.set(key, row);
    }
    return row;
  };
  if (q.groupBy === 'none') for (const p of periodsOf(q.from, q.to, q.interval)) cell(p, null);
  for (const row of rows) {
    const metric = (Object.keys(KIND_OF) as VolumeMetric[]).find((m) => KIND_OF[m] === row.kind)!;
    const n = Number(row.n);
    cell(row.period as string, (row.grp as string | null) ?? null)[metric] += n;
    totals[metric] += n;
  }
  if (q.groupBy === 'tag') {
    // A ticket with two tags is in two groups; the totals count it once.
    const flat = await volumeReport(sql, workspaceId, { ...q, groupBy: 'none' }, dayZone);
    Object.assign(totals, flat.totals);
  }
  return { source, rows: sortRows(onlyFilteredTag(q, [...cells.values()])), totals };
}

/** Grouped by tag and filtered on a tag: only that tag's group (its tickets' other tags go). */
function onlyFilteredTag<T extends { group: string | null }>(
  q: { groupBy: GroupBy; filters: ReportFilters },
  rows: T[],
): T[] {
  return q.groupBy === 'tag' && q.filters.tag !== undefined
    ? rows.filter((r) => r.group === q.filters.tag)
    : rows;
}

function sortRows<T extends { period: string; group: string | null }>(rows: T[]): T[] {
  return rows.sort((a, b) =>
    a.period === b.period
      ? (a.group ?? '').localeCompare(b.group ?? '')
      : a.period.localeCompare(b.period),
  );
}

export interface Percentiles {
  count: number;
  /** Seconds; null when count is 0. */
  median: number | null;
  p90: number | null;
}

export interface TimesRow {
  period: string;
  group: string | null;
  firstResponse: Percentiles;
  resolution: Percentiles;
  /** Agents' replies per solved ticket (mean); null when nothing was solved. */
  repliesPerSolved: number | null;
}

export interface TimesReport {
  /** From the daily histograms (within ±10 %), or exact from the activities. */
  approximate: boolean;
  rows: TimesRow[];
  totals: Omit<TimesRow, 'period' | 'group'>;
}

const EMPTY: Percentiles = { count: 0, median: null, p90: null };
const round = (v: unknown) => (v == null ? null : Math.round(Number(v) * 100) / 100);

interface HistCell {
  period: string;
  group: string | null;
  kind: string;
  count: number;
  replies: number;
  hist: number[];
}

/** Times from the daily rollup's histograms (the report is in the rollup's time zone). */
async function dailyTimes(
  sql: Sql,
  workspaceId: string,
  q: ReportQuery,
  plan: { dim: string; value?: string },
  dayZone: string,
): Promise<TimesReport> {
  const rows = await sql(
    `select to_char(date_trunc(?, day::timestamp), 'YYYY-MM-DD') as period,
            ${q.groupBy === 'none' ? 'null::text' : `nullif(value, '')`} as grp, kind, count,
            sum_replies, hist
       from analytics_rollup_day
      where workspace_id = ? and dim = ? and kind in ('first_response', 'solved')
        and day >= ?::date and day <= ?::date ${plan.value !== undefined ? 'and value = ?' : ''}`,
    [
      q.interval,
      workspaceId,
      plan.dim,
      q.from,
      q.to,
      ...(plan.value !== undefined ? [plan.value] : []),
    ],
  );
  const cells = new Map<string, HistCell>();
  const total = new Map<string, HistCell>();
  const add = (
    map: Map<string, HistCell>,
    key: string,
    period: string,
    group: string | null,
    r: Row,
  ) => {
    let cell = map.get(key);
    if (!cell) {
      cell = {
        period,
        group,
        kind: r.kind as string,
        count: 0,
        replies: 0,
        hist: emptyHistogram(),
      };
      map.set(key, cell);
    }
    cell.count += Number(r.count);
    cell.replies += Number(r.sum_replies);
    addHistograms(cell.hist, (r.hist as number[] | null) ?? []);
  };
  for (const r of rows) {
    const grp = (r.grp as string | null) ?? null;
    add(
      cells,
      `${r.period as string}|${grp ?? ''}|${r.kind as string}`,
      r.period as string,
      grp,
      r,
    );
    add(total, r.kind as string, '', null, r);
  }
  const toRow = (period: string, group: string | null): TimesRow => ({
    period,
    group,
    firstResponse: { ...EMPTY },
    resolution: { ...EMPTY },
    repliesPerSolved: null,
  });
  const fill = (row: TimesRow, c: HistCell) => {
    const p: Percentiles = {
      count: c.count,
      median: percentile(c.hist, 0.5),
      p90: percentile(c.hist, 0.9),
    };
    if (c.kind === 'first_response') row.firstResponse = p;
    else {
      row.resolution = p;
      row.repliesPerSolved = c.count > 0 ? round(c.replies / c.count) : null;
    }
  };
  const out = new Map<string, TimesRow>();
  if (q.groupBy === 'none')
    for (const p of periodsOf(q.from, q.to, q.interval)) out.set(`${p}|`, toRow(p, null));
  for (const c of cells.values()) {
    const key = `${c.period}|${c.group ?? ''}`;
    let row = out.get(key);
    if (!row) out.set(key, (row = toRow(c.period, c.group)));
    fill(row, c);
  }
  const totalsRow = toRow('', null);
  for (const c of total.values()) fill(totalsRow, c);
  const { period: _p, group: _g, ...totals } = totalsRow;
  if (q.groupBy === 'tag') {
    const flat = await timesReport(sql, workspaceId, { ...q, groupBy: 'none' }, dayZone);
    Object.assign(totals, flat.totals);
  }
  return { approximate: true, rows: sortRows(onlyFilteredTag(q, [...out.values()])), totals };
}

export async function timesReport(
  sql: Sql,
  workspaceId: string,
  q: ReportQuery,
  dayZone?: string,
): Promise<TimesReport> {
  const plan = dailyPlan(q, dayZone);
  if (plan && dayZone !== undefined) return dailyTimes(sql, workspaceId, q, plan, dayZone);
  const group = groupSql(q.groupBy, 'agent_id');
  const filter = filterSql(q.filters, 'agent_id', true);
  const select = (grouped: boolean) =>
    sql(
      `select ${grouped ? `${periodSql('at')} as period, ${group.select} as grp,` : ''} kind,
              count(*)::bigint as n,
              percentile_cont(0.5) within group (order by seconds) as median,
              percentile_cont(0.9) within group (order by seconds) as p90,
              sum(replies)::bigint as replies
         from analytics_ticket_activity${grouped ? group.from : ''}
        where workspace_id = ? and kind in ('first_response', 'solved')
          and at >= (?::date)::timestamp at time zone ?
          and at < ((?::date + 1)::timestamp at time zone ?)
          ${filter.sql}
        group by ${grouped ? '1, 2, 3' : '1'}`,
      [
        ...(grouped ? [q.interval, q.timeZone] : []),
        workspaceId,
        q.from,
        q.timeZone,
        q.to,
        q.timeZone,
        ...filter.params,
      ],
    );
  const toRow = (period: string, grp: string | null): TimesRow => ({
    period,
    group: grp,
    firstResponse: { ...EMPTY },
    resolution: { ...EMPTY },
    repliesPerSolved: null,
  });
  const fill = (row: Omit<TimesRow, 'period' | 'group'>, r: Record<string, unknown>) => {
    const p: Percentiles = { count: Number(r.n), median: round(r.median), p90: round(r.p90) };
    if (r.kind === 'first_response') row.firstResponse = p;
    else {
      row.resolution = p;
      row.repliesPerSolved = p.count > 0 ? round(Number(r.replies) / p.count) : null;
    }
  };
  const cells = new Map<string, TimesRow>();
  if (q.groupBy === 'none') {
    for (const p of periodsOf(q.from, q.to, q.interval)) cells.set(`${p}|`, toRow(p, null));
  }
  for (const r of await select(true)) {
    const key = `${r.period as string}|${(r.grp as string | null) ?? ''}`;
    let row = cells.get(key);
    if (!row) cells.set(key, (row = toRow(r.period as string, (r.grp as string | null) ?? null)));
    fill(row, r);
  }
  const totals = toRow('', null);
  for (const r of await select(false)) fill(totals, r);
  const { period: _p, group: _g, ...totalValues } = totals;
  return {
    approximate: false,
    rows: sortRows(onlyFilteredTag(q, [...cells.values()])),
    totals: totalValues,
  };
}

export const BACKLOG_STATUSES = ['new', 'open', 'pending', 'on_hold'] as const;

export interface BacklogRow {
  group: string | null;
  new: number;
  open: number;
  pending: number;
  on_hold: number;
  total: number;
}

/** Tickets now in an open category (not solved or closed; merged tickets excluded). */
export async function backlogReport(
  sql: Sql,
  workspaceId: string,
  groupBy: GroupBy,
  filters: ReportFilters,
): Promise<{ rows: BacklogRow[]; totals: Omit<BacklogRow, 'group'> }> {
  const group = groupSql(groupBy, 'assignee_id');
  const filter = filterSql(filters, 'assignee_id', true);
  const rows = await sql(
    `select ${group.select} as grp, status, count(*)::bigint as n
       from analytics_ticket_fact${group.from}
      where workspace_id = ? and merged_into is null
        and status in ('new', 'open', 'pending', 'on_hold') ${filter.sql}
      group by 1, 2`,
    [workspaceId, ...filter.params],
  );
  const empty = () => ({ new: 0, open: 0, pending: 0, on_hold: 0, total: 0 });
  const byGroup = new Map<string, BacklogRow>();
  for (const r of rows) {
    const key = (r.grp as string | null) ?? '';
    let row = byGroup.get(key);
    if (!row) byGroup.set(key, (row = { group: (r.grp as string | null) ?? null, ...empty() }));
    const status = r.status as (typeof BACKLOG_STATUSES)[number];
    row[status] += Number(r.n);
    row.total += Number(r.n);
  }
  const totals = empty();
  if (groupBy === 'tag') {
    const flat = await backlogReport(sql, workspaceId, 'none', filters);
    Object.assign(totals, flat.totals);
  } else {
    for (const row of byGroup.values()) {
      for (const s of BACKLOG_STATUSES) totals[s] += row[s];
      totals.total += row.total;
    }
  }
  const list = [...byGroup.values()].sort((a, b) => (a.group ?? '').localeCompare(b.group ?? ''));
  return { rows: list, totals };
}

export const DRILL_METRICS = [
  'created',
  'first_response',
  'replies',
  'reopened',
  'solved',
] as const;
export type DrillMetric = (typeof DRILL_METRICS)[number];

export interface DrillItem {
  ticketId: string;
  number: number;
  at: string;
  agentId: string | null;
  seconds: number | null;
}

/** The tickets a report cell counts, newest first, keyset-paginated on (at, ticket, seq). */
export async function drillDown(
  sql: Sql,
  workspaceId: string,
  range: ReportRange,
  metric: DrillMetric,
  filters: ReportFilters,
  limit: number,
  cursor: { at: string; ticketId: string; seq: number } | null,
): Promise<{ data: DrillItem[]; next: { at: string; ticketId: string; seq: number } | null }> {
  const filter = filterSql(filters, 'a.agent_id', true);
  const kind = metric === 'replies' ? 'reply' : metric;
  const rows = await sql(
    `select a.ticket_id, a.seq, a.at, a.agent_id, a.seconds, f.number
       from analytics_ticket_activity a
       join analytics_ticket_fact f on f.workspace_id = a.workspace_id and f.ticket_id = a.ticket_id
      where a.workspace_id = ? and a.kind = ?
        and a.at >= (?::date)::timestamp at time zone ?
        and a.at < ((?::date + 1)::timestamp at time zone ?)
        ${filter.sql.replace(/\b(team_id|inbox_id|channel|priority|tags)\b/g, 'a.$1')}
        ${cursor ? 'and (a.at, a.ticket_id, a.seq) < (?::timestamptz, ?::uuid, ?::int)' : ''}
      order by a.at desc, a.ticket_id desc, a.seq desc
      limit ?`,
    [
      workspaceId,
      kind,
      range.from,
      range.timeZone,
      range.to,
      range.timeZone,
      ...filter.params,
      ...(cursor ? [cursor.at, cursor.ticketId, cursor.seq] : []),
      limit + 1,
    ],
  );
  const page = rows.slice(0, limit);
  const last = rows.length > limit ? page.at(-1) : undefined;
  return {
    data: page.map((r) => ({
      ticketId: r.ticket_id as string,
      number: Number(r.number),
      at: new Date(r.at as string).toISOString(),
      agentId: (r.agent_id as string | null) ?? null,
      seconds: r.seconds == null ? null : Number(r.seconds),
    })),
    next: last
      ? {
          at: new Date(last.at as string).toISOString(),
          ticketId: last.ticket_id as string,
          seq: Number(last.seq),
        }
      : null,
  };
}
