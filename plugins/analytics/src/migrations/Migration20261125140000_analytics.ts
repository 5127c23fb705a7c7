import { Migration } from '@mikro-orm/migrations';
import { tenantTableSql } from '@novumdesk/core';

/**
 * The analytics plugin's tables. Every table is a tenant table (`tenantTableSql`).
 *
 * Reports (derived from the tickets module's rows by event subscribers, rebuildable):
 * - `analytics_ticket_fact`: one row per ticket, its current dimensions and milestones.
 * - `analytics_ticket_activity`: what each ticket contributed to the metrics (created, first
 *   response, reply, reopened, solved), with the dimensions it is counted under.
 * - `analytics_rollup_hour`: the activities summed per UTC hour and dimension cell, so that a
 *   90-day report reads thousands of rows, not millions. Cells are unique with NULLS NOT
 *   DISTINCT (PostgreSQL 15+) so an upsert can add to a cell whose agent or team is null.
 * - `analytics_rollup_day`: the activities summed per local day (in the plugin's `timeZone`) for
 *   one dimension at a time (`all`, agent, team, inbox, channel, priority, tag; `value` '' for
 *   none): a 90-day report grouped by day and agent reads a few thousand rows, from the index
 *   alone (`include (count)`) once the table is vacuumed. For first responses and solves, `hist`
 *   is a fixed log-scale histogram of the durations (rollups/histogram.ts): percentiles over
 *   months come from it.
 * - `analytics_rebuild`: progress of a rebuild from scratch.
 *
 * Usage analytics (first party, consent-based):
 * - `analytics_usage_event`: raw page views and actions, kept `rawRetentionDays` (default 90);
 *   the IP is stored truncated (/24, /48) only.
 * - `analytics_usage_daily`: per day and event name, counts without identifiers (kept).
 * - `analytics_objection`: subjects who objected to analytics; nothing is recorded for them.
 */
export const ANALYTICS_TABLE_SQL = [
  `create table analytics_ticket_fact (
     workspace_id uuid not null references workspace (id) on delete cascade,
     ticket_id uuid not null,
     number integer not null,
     created_at timestamptz not null,
     status text not null,
     priority text not null,
     channel text not null,
     inbox_id uuid null,
     assignee_id uuid null,
     team_id uuid null,
     tags text[] not null default '{}',
     first_response_at timestamptz null,
     solved_at timestamptz null,
     reopens integer not null default 0,
     agent_replies integer not null default 0,
     merged_into uuid null,
     primary key (workspace_id, ticket_id)
   )`,
  `create index analytics_ticket_fact_backlog on analytics_ticket_fact (workspace_id, status)
     where merged_into is null`,
  `create table analytics_ticket_activity (
     workspace_id uuid not null references workspace (id) on delete cascade,
     ticket_id uuid not null,
     seq integer not null,
     kind text not null
       check (kind in ('created', 'first_response', 'reply', 'reopened', 'solved')),
     at timestamptz not null,
     agent_id uuid null,
     team_id uuid null,
     inbox_id uuid null,
     channel text not null,
     priority text not null,
     tags text[] not null default '{}',
     seconds bigint null,
     replies integer null,
     primary key (workspace_id, ticket_id, seq)
   )`,
  // Covering: the times and drill-down queries read the index alone (once vacuumed).
  `create index analytics_ticket_activity_at on analytics_ticket_activity (workspace_id, kind, at, ticket_id)
     include (agent_id, team_id, inbox_id, channel, priority, seconds, replies)`,
  `create table analytics_rollup_hour (
     workspace_id uuid not null references workspace (id) on delete cascade,
     hour timestamptz not null,
     kind text not null,
     agent_id uuid null,
     team_id uuid null,
     inbox_id uuid null,
     channel text not null,
     priority text not null,
     count integer not null,
     sum_seconds bigint not null default 0,
     sum_replies bigint not null default 0,
     constraint analytics_rollup_hour_cell unique nulls not distinct
       (workspace_id, kind, hour, agent_id, team_id, inbox_id, channel, priority)
   )`,
  `create table analytics_rollup_day (
     workspace_id uuid not null references workspace (id) on delete cascade,
     dim text not null check (dim in ('all', 'agent', 'team', 'inbox', 'channel', 'priority', 'tag')),
     kind text not null,
     day date not null,
     value text not null,
     count integer not null,
     sum_seconds bigint not null default 0,
     sum_replies bigint not null default 0,
     hist integer[] null,
     primary key (workspace_id, dim, kind, day, value) include (count)
   )`,
  `create table analytics_rebuild (
     workspace_id uuid primary key references workspace (id) on delete cascade,
     run_id uuid not null,
     status text not null check (status in ('running', 'done', 'failed')),
     total integer not null,
     done integer not null,
     started_at timestamptz not null,
     finished_at timestamptz null,
     error text null,
     cursor uuid null
   )`,
  `create table analytics_usage_event (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     subject_kind text not null check (subject_kind in ('user', 'contact')),
     subject_id uuid not null,
     type text not null check (type in ('page_view', 'action')),
     name text not null,
     feature text not null,
     occurred_at timestamptz not null,
     received_at timestamptz not null,
     ip_prefix text null,
     country text null,
     browser text null,
     os text null
   )`,
  `create index analytics_usage_event_time on analytics_usage_event (workspace_id, occurred_at)`,
  `create index analytics_usage_event_subject on analytics_usage_event (workspace_id, subject_kind, subject_id)`,
  `create table analytics_usage_daily (
     workspace_id uuid not null references workspace (id) on delete cascade,
     day date not null,
     type text not null,
     name text not null,
     feature text not null,
     events integer not null,
     subjects integer not null,
     primary key (workspace_id, day, type, name)
   )`,
  `create table analytics_objection (
     workspace_id uuid not null references workspace (id) on delete cascade,
     subject_kind text not null check (subject_kind in ('user', 'contact')),
     subject_id uuid not null,
     objected_at timestamptz not null,
     primary key (workspace_id, subject_kind, subject_id)
   )`,
];

/**
 * The raw-event retention sweep works across workspaces: these policies admit exactly the rows
 * older than the cutoff a transaction names in `novumdesk.analytics_retention_cutoff`, for
 * reading (which a DELETE with a WHERE needs) and deleting; never for writing. Only the sweep
 * job sets that setting (usage/sweep.ts). PostgreSQL ORs them with the tenant policy.
 */
const CUTOFF = `nullif(current_setting('novumdesk.analytics_retention_cutoff', true), '')::timestamptz`;
/**
 * The operators' feature-usage report (`GET /operator/feature-usage`, `system:read`) reads the
 * usage tables of every workspace in a transaction that sets `novumdesk.analytics_operator` to
 * `on` — only that route does — and returns counts per workspace, never rows.
 */
const OPERATOR = `current_setting('novumdesk.analytics_operator', true) = 'on'`;
const SWEEP_POLICIES = [
  `create policy analytics_operator_read on analytics_usage_daily for select using (${OPERATOR})`,
  `create policy analytics_operator_read on analytics_usage_event for select using (${OPERATOR})`,
  `create policy analytics_retention_read on analytics_usage_event for select using (occurred_at < ${CUTOFF})`,
  `create policy analytics_retention_delete on analytics_usage_event for delete using (occurred_at < ${CUTOFF})`,
];

export const ANALYTICS_TABLES = [
  'analytics_ticket_fact',
  'analytics_ticket_activity',
  'analytics_rollup_hour',
  'analytics_rollup_day',
  'analytics_rebuild',
  'analytics_usage_event',
  'analytics_usage_daily',
  'analytics_objection',
];

export class Migration20261125140000_analytics extends Migration {
  override up(): void {
    for (const sql of ANALYTICS_TABLE_SQL) this.addSql(sql);
    for (const table of ANALYTICS_TABLES) for (const sql of tenantTableSql(table)) this.addSql(sql);
    for (const sql of SWEEP_POLICIES) this.addSql(sql);
  }

  override down(): void {
    this.addSql(`drop table if exists ${ANALYTICS_TABLES.join(', ')}`);
  }
}
