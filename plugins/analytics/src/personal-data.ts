/**
 * Personal data held by the analytics plugin, for the privacy plugin's data-subject requests:
 * - raw usage events (a user's or contact's page views and actions, with the IP network,
 *   country, browser and OS): exported, and deleted on erasure;
 * - an objection to analytics: exported; kept on erasure (it must go on being honoured);
 * - the agent id under which report activities and facts are counted: exported as counts;
 *   on erasure the id is removed from activities, facts and the hourly rollup (cells merged
 *   into the "no agent" cell), so the reports keep their totals without naming the person.
 *
 * `restrict(subject, true)` is treated like an objection: nothing is recorded any more and the
 * raw events are deleted.
 */
import type { PersonalDataHandlers, PersonalDataSubject } from '@novumdesk/core';
import { withWorkspace } from '@novumdesk/core';
import { iso, sqlFor, type Sql } from './db.js';
import { forgetSubject, object, withdrawObjection } from './usage/store.js';
import { HIST_SUM } from './rollups/store.js';

const subjectOf = (s: PersonalDataSubject) => ({ kind: s.kind, id: s.id });

async function anonymizeAgent(sql: Sql, workspaceId: string, agentId: string): Promise<number> {
  await sql(
    `insert into analytics_rollup_hour as t (workspace_id, hour, kind, agent_id, team_id, inbox_id,
       channel, priority, count, sum_seconds, sum_replies)
     select workspace_id, hour, kind, null, team_id, inbox_id, channel, priority, count,
            sum_seconds, sum_replies
       from analytics_rollup_hour where workspace_id = ? and agent_id = ?
     on conflict on constraint analytics_rollup_hour_cell do update set
       count = t.count + excluded.count, sum_seconds = t.sum_seconds + excluded.sum_seconds,
       sum_replies = t.sum_replies + excluded.sum_replies`,
    [workspaceId, agentId],
  );
  await sql(`delete from analytics_rollup_hour where workspace_id = ? and agent_id = ?`, [
    workspaceId,
    agentId,
  ]);
  await sql(
    `insert into analytics_rollup_day as t (workspace_id, dim, kind, day, value, count,
       sum_seconds, sum_replies, hist)
     select workspace_id, dim, kind, day, '', count, sum_seconds, sum_replies, hist
       from analytics_rollup_day where workspace_id = ? and dim = 'agent' and value = ?
     on conflict (workspace_id, dim, kind, day, value) do update set
       count = t.count + excluded.count, sum_seconds = t.sum_seconds + excluded.sum_seconds,
       sum_replies = t.sum_replies + excluded.sum_replies,
       hist = ${HIST_SUM('t.hist', 'excluded.hist')}`,
    [workspaceId, agentId],
  );
  await sql(
    `delete from analytics_rollup_day where workspace_id = ? and dim = 'agent' and value = ?`,
    [workspaceId, agentId],
  );
  const rows = await sql(
    `with a as (update analytics_ticket_activity set agent_id = null
                 where workspace_id = ? and agent_id = ? returning 1)
     select count(*)::int as n from a`,
    [workspaceId, agentId],
  );
  await sql(
    `update analytics_ticket_fact set assignee_id = null where workspace_id = ? and assignee_id = ?`,
    [workspaceId, agentId],
  );
  return Number(rows[0]?.n ?? 0);
}

export const analyticsPersonalData: PersonalDataHandlers = {
  entities: {
    AnalyticsUsageEvent: ['subjectId', 'ipPrefix', 'country', 'browser', 'os'],
    AnalyticsObjection: ['subjectId'],
    AnalyticsTicketActivity: ['agentId'],
    AnalyticsTicketFact: ['assigneeId'],
  },
  async export(subject, scope) {
    return withWorkspace(scope.cradle.em, subject.workspaceId, async (tx) => {
      const sql = sqlFor(tx);
      const events = await sql(
        `select type, name, feature, occurred_at, ip_prefix, country, browser, os
           from analytics_usage_event
          where workspace_id = ? and subject_kind = ? and subject_id = ?
          order by occurred_at, id`,
        [subject.workspaceId, subject.kind, subject.id],
      );
      const objection = await sql(
        `select objected_at from analytics_objection
          where workspace_id = ? and subject_kind = ? and subject_id = ?`,
        [subject.workspaceId, subject.kind, subject.id],
      );
      const activities =
        subject.kind === 'user'
          ? await sql(
              `select kind, count(*)::int as n from analytics_ticket_activity
                where workspace_id = ? and agent_id = ? group by kind order by kind`,
              [subject.workspaceId, subject.id],
            )
          : [];
      return {
        AnalyticsUsageEvent: events.map((e) => ({
          type: e.type,
          name: e.name,
          feature: e.feature,
          occurredAt: iso(e.occurred_at),
          ipNetwork: e.ip_prefix,
          country: e.country,
          browser: e.browser,
          os: e.os,
        })),
        AnalyticsObjection: objection.map((o) => ({ objectedAt: iso(o.objected_at) })),
        AnalyticsTicketActivity: Object.fromEntries(activities.map((a) => [a.kind, Number(a.n)])),
      };
    });
  },
  async erase(subject, scope) {
    return withWorkspace(scope.cradle.em, subject.workspaceId, async (tx) => {
      const sql = sqlFor(tx);
      let erased = await forgetSubject(sql, subject.workspaceId, subjectOf(subject));
      if (subject.kind === 'user')
        erased += await anonymizeAgent(sql, subject.workspaceId, subject.id);
      const kept = await sql(
        `select 1 from analytics_objection where workspace_id = ? and subject_kind = ? and subject_id = ?`,
        [subject.workspaceId, subject.kind, subject.id],
      );
      return kept.length > 0
        ? {
            erased,
            kept: [
              'AnalyticsObjection: the objection to analytics, so that it goes on being honoured',
            ],
          }
        : { erased };
    });
  },
  async restrict(subject, restricted, scope) {
    await withWorkspace(scope.cradle.em, subject.workspaceId, async (tx) => {
      const sql = sqlFor(tx);
      if (restricted)
        await object(sql, subject.workspaceId, subjectOf(subject), scope.cradle.clock.now());
      else await withdrawObjection(sql, subject.workspaceId, subjectOf(subject));
    });
  },
};
