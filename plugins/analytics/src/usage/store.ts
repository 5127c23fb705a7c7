/**
 * Usage events in the operator's own database. `recordBatch` stores a consented subject's events
 * (device data already reduced at the edge) and keeps the per-day counts without identifiers
 * (`analytics_usage_daily`) in the same transaction. `forgetSubject` deletes a subject's raw
 * events (objection, withdrawn consent, erasure); the counts stay, as they name nobody.
 */
import { v7 as uuidv7 } from 'uuid';
import type { EntityManager } from '@mikro-orm/core';
import { pgArray, sqlFor, type Sql } from '../db.js';

export type SubjectKind = 'user' | 'contact';
export interface UsageSubject {
  kind: SubjectKind;
  id: string;
}

export interface UsageEventInput {
  type: 'page_view' | 'action';
  name: string;
  feature: string;
  occurredAt: Date;
}

export interface DeviceContext {
  ipPrefix: string | null;
  country: string | null;
  browser: string | null;
  os: string | null;
}

const utcDay = (d: Date) => d.toISOString().slice(0, 10);

export async function recordBatch(
  sql: Sql,
  workspaceId: string,
  subject: UsageSubject,
  events: readonly UsageEventInput[],
  device: DeviceContext,
  receivedAt: Date,
): Promise<number> {
  if (events.length === 0) return 0;
  // One subject's batches one after another, so the distinct-subject counts stay exact.
  await sql(`select pg_advisory_xact_lock(hashtextextended(?, 20261125))`, [
    `analytics-usage:${workspaceId}:${subject.kind}:${subject.id}`,
  ]);
  const days = events.map((e) => utcDay(e.occurredAt)).sort();
  const names = [...new Set(events.map((e) => e.name))];
  const seen = await sql(
    `select distinct to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD') as day, type, name
       from analytics_usage_event
      where workspace_id = ? and subject_kind = ? and subject_id = ?
        and occurred_at >= ?::date and occurred_at < (?::date + 1) and name = any(?::text[])`,
    [workspaceId, subject.kind, subject.id, days[0], days.at(-1), pgArray(names)],
  );
  const known = new Set(
    seen.map((r) => `${r.day as string}|${r.type as string}|${r.name as string}`),
  );
  const daily = new Map<
    string,
    { day: string; type: string; name: string; feature: string; events: number; subjects: number }
  >();
  for (const e of events) {
    const key = `${utcDay(e.occurredAt)}|${e.type}|${e.name}`;
    let cell = daily.get(key);
    if (!cell) {
      cell = {
        day: utcDay(e.occurredAt),
        type: e.type,
        name: e.name,
        feature: e.feature,
        events: 0,
        subjects: known.has(key) ? 0 : 1,
      };
      daily.set(key, cell);
    }
    cell.events += 1;
  }
  await sql(
    `insert into analytics_usage_event (id, workspace_id, subject_kind, subject_id, type, name,
       feature, occurred_at, received_at, ip_prefix, country, browser, os)
     select r.id, ?, ?, ?, r.type, r.name, r.feature, r.occurred_at, ?, ?, ?, ?, ?
       from jsonb_to_recordset(?::jsonb) as r(id uuid, type text, name text, feature text,
            occurred_at timestamptz)`,
    [
      workspaceId,
      subject.kind,
      subject.id,
      receivedAt,
      device.ipPrefix,
      device.country,
      device.browser,
      device.os,
      JSON.stringify(
        events.map((e) => ({
          id: uuidv7(),
          type: e.type,
          name: e.name,
          feature: e.feature,
          occurred_at: e.occurredAt.toISOString(),
        })),
      ),
    ],
  );
  await sql(
    `insert into analytics_usage_daily as t (workspace_id, day, type, name, feature, events, subjects)
     select ?, r.day, r.type, r.name, r.feature, r.events, r.subjects
       from jsonb_to_recordset(?::jsonb) as r(day date, type text, name text, feature text,
            events int, subjects int)
     on conflict (workspace_id, day, type, name) do update set
       events = t.events + excluded.events, subjects = t.subjects + excluded.subjects`,
    [workspaceId, JSON.stringify([...daily.values()])],
  );
  return events.length;
}

/** Deletes the subject's raw events; returns how many. */
export async function forgetSubject(
  sql: Sql,
  workspaceId: string,
  subject: UsageSubject,
): Promise<number> {
  const rows = await sql(
    `with gone as (delete from analytics_usage_event
                    where workspace_id = ? and subject_kind = ? and subject_id = ? returning 1)
     select count(*)::int as n from gone`,
    [workspaceId, subject.kind, subject.id],
  );
  return Number(rows[0]?.n ?? 0);
}

export async function hasObjected(
  sql: Sql,
  workspaceId: string,
  subject: UsageSubject,
): Promise<boolean> {
  const rows = await sql(
    `select 1 from analytics_objection where workspace_id = ? and subject_kind = ? and subject_id = ?`,
    [workspaceId, subject.kind, subject.id],
  );
  return rows.length > 0;
}

/** Records an objection and deletes the subject's raw events (returns how many). */
export async function object(
  sql: Sql,
  workspaceId: string,
  subject: UsageSubject,
  now: Date,
): Promise<number> {
  await sql(
    `insert into analytics_objection (workspace_id, subject_kind, subject_id, objected_at)
     values (?, ?, ?, ?) on conflict do nothing`,
    [workspaceId, subject.kind, subject.id, now],
  );
  return forgetSubject(sql, workspaceId, subject);
}

export async function withdrawObjection(
  sql: Sql,
  workspaceId: string,
  subject: UsageSubject,
): Promise<void> {
  await sql(
    `delete from analytics_objection where workspace_id = ? and subject_kind = ? and subject_id = ?`,
    [workspaceId, subject.kind, subject.id],
  );
}

export interface FeatureUsageRow {
  feature: string;
  events: number;
  /** Distinct subjects over the range, from raw events (within their retention). */
  activeUsers: number;
  /**
   * The most distinct people behind one event name of the feature on one day, from the counts
   * without identifiers (so still known after the raw events' retention).
   */
  peakDailyUsers: number;
}

export async function featureUsage(
  sql: Sql,
  workspaceId: string,
  from: string,
  to: string,
): Promise<FeatureUsageRow[]> {
  const counts = await sql(
    `select feature, sum(events)::bigint as events, max(subjects)::int as peak
       from analytics_usage_daily
      where workspace_id = ? and day between ?::date and ?::date
      group by feature`,
    [workspaceId, from, to],
  );
  const users = await sql(
    `select feature, count(distinct (subject_kind, subject_id))::int as n
       from analytics_usage_event
      where workspace_id = ? and occurred_at >= ?::date and occurred_at < (?::date + 1)
      group by feature`,
    [workspaceId, from, to],
  );
  const active = new Map(users.map((r) => [r.feature as string, Number(r.n)]));
  return counts
    .map((r) => ({
      feature: r.feature as string,
      events: Number(r.events),
      activeUsers: active.get(r.feature as string) ?? 0,
      peakDailyUsers: Number(r.peak),
    }))
    .sort(
      (a, b) =>
        b.activeUsers - a.activeUsers || b.events - a.events || a.feature.localeCompare(b.feature),
    );
}

export const SWEEP_SETTING = 'novumdesk.analytics_retention_cutoff';

export const OPERATOR_SETTING = 'novumdesk.analytics_operator';

export interface WorkspaceFeatureUsage {
  workspaceId: string;
  feature: string;
  events: number;
  activeUsers: number;
  peakDailyUsers: number;
}

/**
 * Feature usage of every workspace (operators): counts only. Runs as the application role in a
 * transaction of its own whose `novumdesk.analytics_operator` setting admits the usage tables'
 * rows of all workspaces for reading (migration).
 */
export async function featureUsageAllWorkspaces(
  em: EntityManager,
  appRole: string,
  from: string,
  to: string,
): Promise<WorkspaceFeatureUsage[]> {
  return em.fork().transactional(async (tx) => {
    const sql = sqlFor(tx);
    await sql(`select set_config('role', ?, true), set_config(?, 'on', true)`, [
      appRole,
      OPERATOR_SETTING,
    ]);
    const counts = await sql(
      `select workspace_id, feature, sum(events)::bigint as events, max(subjects)::int as peak
         from analytics_usage_daily where day between ?::date and ?::date
        group by 1, 2`,
      [from, to],
    );
    const users = await sql(
      `select workspace_id, feature, count(distinct (subject_kind, subject_id))::int as n
         from analytics_usage_event
        where occurred_at >= ?::date and occurred_at < (?::date + 1)
        group by 1, 2`,
      [from, to],
    );
    const active = new Map(
      users.map((r) => [`${r.workspace_id as string}|${r.feature as string}`, Number(r.n)]),
    );
    return counts
      .map((r) => ({
        workspaceId: r.workspace_id as string,
        feature: r.feature as string,
        events: Number(r.events),
        activeUsers: active.get(`${r.workspace_id as string}|${r.feature as string}`) ?? 0,
        peakDailyUsers: Number(r.peak),
      }))
      .sort(
        (a, b) =>
          a.workspaceId.localeCompare(b.workspaceId) ||
          b.activeUsers - a.activeUsers ||
          a.feature.localeCompare(b.feature),
      );
  });
}
