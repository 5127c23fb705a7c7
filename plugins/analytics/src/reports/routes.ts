/**
 * Report routes, mounted under `/api/p/analytics`: volume, times, backlog (JSON and CSV),
 * drill-down to the tickets a cell counts, and the rebuild of the report tables. Every route
 * reads the caller's workspace only (workspace transaction + row-level security).
 */
import type { z } from 'zod';
import { defineRoute, errors, type Actor, type RouteDefinition } from '@novumdesk/core';
import { sqlFor } from '../db.js';
import { rebuildState, startRebuild } from '../rollups/rebuild.js';
import { toCsv } from './csv.js';
import { previousRange } from './periods.js';
import {
  backlogReport,
  drillDown,
  timesReport,
  volumeReport,
  type ReportFilters,
  type ReportQuery,
} from './query.js';
import {
  BacklogQuery,
  BacklogReportSchema,
  DrillPageSchema,
  DrillQuery,
  RebuildStateSchema,
  SeriesQuery,
  TimesReportSchema,
  VolumeReportSchema,
} from './schemas.js';

export const REPORTS_READ = 'reports:read';
export const ANALYTICS_MANAGE = 'analytics:manage';
export const REBUILD_JOB = 'analytics.rebuild';
const TAGS = ['Analytics'];

export function workspaceOf(actor: Actor | null): string {
  if (!actor?.workspaceId) throw errors.forbidden('no_workspace', 'This route needs a workspace');
  return actor.workspaceId;
}

const filtersOf = (q: ReportFilters): ReportFilters => ({
  agentId: q.agentId,
  teamId: q.teamId,
  inboxId: q.inboxId,
  channel: q.channel,
  priority: q.priority,
  tag: q.tag,
});

type Series = z.output<typeof SeriesQuery>;
const reportQuery = (q: Series, range?: { from: string; to: string }): ReportQuery => ({
  from: range?.from ?? q.from,
  to: range?.to ?? q.to,
  timeZone: q.timeZone,
  interval: q.interval,
  groupBy: q.groupBy,
  filters: filtersOf(q),
});

const header = (q: Series) => ({
  from: q.from,
  to: q.to,
  timeZone: q.timeZone,
  interval: q.interval,
  groupBy: q.groupBy,
});

const seconds = (v: number | null) => (v == null ? '' : v);

function encodeCursor(c: { at: string; ticketId: string; seq: number }): string {
  return Buffer.from(JSON.stringify([c.at, c.ticketId, c.seq])).toString('base64url');
}
function decodeCursor(cursor: string): { at: string; ticketId: string; seq: number } {
  try {
    const [at, ticketId, seq] = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    ) as unknown[];
    if (
      typeof at === 'string' &&
      !Number.isNaN(Date.parse(at)) &&
      typeof ticketId === 'string' &&
      /^[0-9a-f-]{36}$/i.test(ticketId) &&
      Number.isInteger(seq)
    ) {
      return { at, ticketId, seq: seq as number };
    }
  } catch {
    // reported below
  }
  throw errors.badRequest('invalid_cursor', 'The cursor is not valid; start again without one');
}

const csvReply = (
  koa: { set(k: string, v: string): void; type: string; body: unknown },
  name: string,
  rows: unknown[][],
) => {
  koa.set('content-disposition', `attachment; filename="${name}.csv"`);
  koa.type = 'text/csv; charset=utf-8';
  koa.body = toCsv(rows);
  return undefined;
};

export function reportRoutes(options: { timeZone: string }): RouteDefinition[] {
  const read = { permission: REPORTS_READ };
  const dayZone = options.timeZone;
  return [
    defineRoute({
      method: 'get',
      path: '/reports/volume',
      operationId: 'analyticsVolumeReport',
      summary: 'Tickets created, solved, reopened and agent replies per period and group',
      tags: TAGS,
      access: read,
      request: { query: SeriesQuery },
      responses: { 200: { description: 'The report', schema: VolumeReportSchema } },
      async handler({ query, scope, actor }) {
        const sql = sqlFor(scope.cradle.em);
        const workspaceId = workspaceOf(actor);
        const report = await volumeReport(sql, workspaceId, reportQuery(query), dayZone);
        const result: z.input<typeof VolumeReportSchema> = { ...header(query), ...report };
        if (query.compare === 'previous') {
          const range = previousRange(query.from, query.to);
          result.previous = {
            ...range,
            ...(await volumeReport(sql, workspaceId, reportQuery(query, range), dayZone)),
          };
        }
        return result;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/reports/volume.csv',
      operationId: 'analyticsVolumeReportCsv',
      summary: 'The volume report as CSV',
      tags: TAGS,
      access: read,
      request: { query: SeriesQuery },
      responses: {
        200: { description: 'CSV, one row per period and group', contentType: 'text/csv' },
      },
      async handler({ query, scope, actor, koa }) {
        const report = await volumeReport(
          sqlFor(scope.cradle.em),
          workspaceOf(actor),
          reportQuery(query),
        );
        return csvReply(koa, 'volume', [
          ['period', query.groupBy, 'created', 'solved', 'reopened', 'replies'],
          ...report.rows.map((r) => [
            r.period,
            r.group ?? '',
            r.created,
            r.solved,
            r.reopened,
            r.replies,
          ]),
        ]);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/reports/times',
      operationId: 'analyticsTimesReport',
      summary:
        'First response and full resolution times (median, p90, seconds) and replies per solved ticket',
      tags: TAGS,
      access: read,
      request: { query: SeriesQuery },
      responses: { 200: { description: 'The report', schema: TimesReportSchema } },
      async handler({ query, scope, actor }) {
        const sql = sqlFor(scope.cradle.em);
        const workspaceId = workspaceOf(actor);
        const report = await timesReport(sql, workspaceId, reportQuery(query), dayZone);
        const result: z.input<typeof TimesReportSchema> = { ...header(query), ...report };
        if (query.compare === 'previous') {
          const range = previousRange(query.from, query.to);
          result.previous = {
            ...range,
            ...(await timesReport(sql, workspaceId, reportQuery(query, range), dayZone)),
          };
        }
        return result;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/reports/times.csv',
      operationId: 'analyticsTimesReportCsv',
      summary: 'The times report as CSV',
      tags: TAGS,
      access: read,
      request: { query: SeriesQuery },
      responses: {
        200: { description: 'CSV, one row per period and group', contentType: 'text/csv' },
      },
      async handler({ query, scope, actor, koa }) {
        const report = await timesReport(
          sqlFor(scope.cradle.em),
          workspaceOf(actor),
          reportQuery(query),
        );
        return csvReply(koa, 'times', [
          [
            'period',
            query.groupBy,
            'first_response_count',
            'first_response_median_s',
            'first_response_p90_s',
            'solved_count',
            'resolution_median_s',
            'resolution_p90_s',
            'replies_per_solved',
          ],
          ...report.rows.map((r) => [
            r.period,
            r.group ?? '',
            r.firstResponse.count,
            seconds(r.firstResponse.median),
            seconds(r.firstResponse.p90),
            r.resolution.count,
            seconds(r.resolution.median),
            seconds(r.resolution.p90),
            r.repliesPerSolved ?? '',
          ]),
        ]);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/reports/backlog',
      operationId: 'analyticsBacklogReport',
      summary: 'Tickets now open, by status category (new, open, pending, on hold) and group',
      tags: TAGS,
      access: read,
      request: { query: BacklogQuery },
      responses: { 200: { description: 'The backlog', schema: BacklogReportSchema } },
      async handler({ query, scope, actor }) {
        return backlogReport(
          sqlFor(scope.cradle.em),
          workspaceOf(actor),
          query.groupBy,
          filtersOf(query),
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/reports/backlog.csv',
      operationId: 'analyticsBacklogReportCsv',
      summary: 'The backlog as CSV',
      tags: TAGS,
      access: read,
      request: { query: BacklogQuery },
      responses: { 200: { description: 'CSV, one row per group', contentType: 'text/csv' } },
      async handler({ query, scope, actor, koa }) {
        const report = await backlogReport(
          sqlFor(scope.cradle.em),
          workspaceOf(actor),
          query.groupBy,
          filtersOf(query),
        );
        return csvReply(koa, 'backlog', [
          [query.groupBy, 'new', 'open', 'pending', 'on_hold', 'total'],
          ...report.rows.map((r) => [r.group ?? '', r.new, r.open, r.pending, r.on_hold, r.total]),
        ]);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/reports/tickets',
      operationId: 'analyticsDrillDown',
      summary: 'The tickets a report cell counts (drill-down), newest first',
      description:
        "Pass the cell as a range (`from`/`to`: the bar's period), the metric, and the group as a filter (`agentId=…`, `tag=…`; `none` for unassigned).",
      tags: TAGS,
      access: read,
      request: { query: DrillQuery },
      responses: { 200: { description: 'A page of tickets', schema: DrillPageSchema } },
      async handler({ query, scope, actor }) {
        const page = await drillDown(
          sqlFor(scope.cradle.em),
          workspaceOf(actor),
          { from: query.from, to: query.to, timeZone: query.timeZone },
          query.metric,
          filtersOf(query),
          query.limit,
          query.cursor ? decodeCursor(query.cursor) : null,
        );
        return { data: page.data, nextCursor: page.next ? encodeCursor(page.next) : null };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/reports/rebuild',
      operationId: 'analyticsStartRebuild',
      summary: 'Rebuild the report tables of this workspace from the tickets, as a background job',
      tags: TAGS,
      access: { permission: ANALYTICS_MANAGE },
      responses: {
        202: {
          description: 'Started; follow it at GET /reports/rebuild',
          schema: RebuildStateSchema,
        },
      },
      async handler({ scope, actor }) {
        const workspaceId = workspaceOf(actor);
        const { em, jobs, clock } = scope.cradle;
        const sql = sqlFor(em);
        const runId = await startRebuild(sql, workspaceId, clock.now());
        await jobs.send(REBUILD_JOB, { workspaceId, runId }, { em });
        const { cursor: _c, ...state } = (await rebuildState(sql, workspaceId))!;
        return state;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/reports/rebuild',
      operationId: 'analyticsRebuildState',
      summary: 'Progress of the last rebuild of the report tables',
      tags: TAGS,
      access: read,
      responses: {
        200: { description: 'The last rebuild', schema: RebuildStateSchema },
        404: { description: 'Never rebuilt' },
      },
      async handler({ scope, actor }) {
        const state = await rebuildState(sqlFor(scope.cradle.em), workspaceOf(actor));
        if (!state) throw errors.notFound('Rebuild');
        const { cursor: _c, ...rest } = state;
        return rest;
      },
    }),
  ];
}
