#!/usr/bin/env node
// Analytics bench (not a test: it prints figures).
//
//   node plugins/analytics/bench/reports.mjs [--tickets 1000000] [--agents 50] [--days 365] [--runs 40]
//
// Needs `npx tsc -p plugins/analytics/tsconfig.json` (it imports the plugin's dist/) and the
// PostgreSQL at NOVUMDESK_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres).
// It creates its own database `analytics_bench` and leaves it for the next run (reseeded when
// the parameters change).
//
// 1. Report queries: per-ticket activities equivalent to N tickets over D days (created, first
//    response, ~2 agent replies, solved, some reopenings) are generated in SQL, and the hourly
//    hourly and daily rollups are derived from them exactly as the subscribers maintain them.
//    Then p50/p95 of the 90-day report grouped by day and agent: volume in the plugin's time
//    zone (UTC: daily rollup) and in Europe/Paris (hourly rollup); times from activities.
// 2. Usage ingestion: batches of 20 events through the plugin's ingestion path (edge reduction:
//    IP truncation, country lookup, UA parse; consented subject; raw insert + per-day counts)
//    vs a bare loop inserting the same rows with one plain INSERT per batch, in the same run.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ANALYTICS_TABLE_SQL } from '../dist/migrations/Migration20261125140000_analytics.js';
import { volumeReport, timesReport } from '../dist/reports/query.js';
import { recordBatch } from '../dist/usage/store.js';
import { truncateIp, parseUserAgent, networkAddress } from '../dist/usage/edge.js';
import { CountryLookup } from '../dist/usage/geo.js';

const { values: opt } = parseArgs({
  options: {
    tickets: { type: 'string', default: '1000000' },
    agents: { type: 'string', default: '50' },
    days: { type: 'string', default: '365' },
    runs: { type: 'string', default: '40' },
    events: { type: 'string', default: '20000' },
  },
});
const N = Number(opt.tickets);
const AGENTS = Number(opt.agents);
const DAYS = Number(opt.days);
const RUNS = Number(opt.runs);
const EVENTS = Number(opt.events);
const ADMIN_URL =
  process.env.NOVUMDESK_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WS = '00000000-0000-7000-8000-000000000001';

const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
const exists = await admin.query(`select 1 from pg_database where datname = 'analytics_bench'`);
if (exists.rowCount === 0) await admin.query('create database analytics_bench');
await admin.end();
const url = new URL(ADMIN_URL);
url.pathname = '/analytics_bench';
const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });

/** The plugin's `Sql` (knex-style `?` placeholders) over a pg client. */
const sqlOf =
  (client) =>
  async (text, params = []) => {
    let i = 0;
    const res = await client.query(
      text.replace(/\?/g, () => `$${++i}`),
      params,
    );
    return res.rows;
  };
const log = (line) => process.stdout.write(`${line}\n`);
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];

const signature = `${N}/${AGENTS}/${DAYS}/v2`;
// Histograms of durations in the daily rollup (added after v2 seeds: filled in place).
await pool.query(`create table if not exists bench_meta (signature text)`);
const [meta] = (await pool.query('select signature from bench_meta')).rows;
if (meta?.signature !== signature) {
  log(
    `seeding ${N.toLocaleString('en-US')} tickets' activities over ${DAYS} days, ${AGENTS} agents…`,
  );
  const started = performance.now();
  await pool.query(`drop table if exists analytics_ticket_fact, analytics_ticket_activity, analytics_rollup_hour,
    analytics_rebuild, analytics_usage_event, analytics_usage_daily, analytics_objection, workspace cascade`);
  await pool.query(`create table workspace (id uuid primary key)`);
  await pool.query(`insert into workspace values ($1)`, [WS]);
  for (const statement of ANALYTICS_TABLE_SQL) await pool.query(statement);
  // Agents and teams as stable uuids; a ticket's agent, team, channel and priority from its number.
  await pool.query(`
    insert into analytics_ticket_activity (workspace_id, ticket_id, seq, kind, at, agent_id, team_id,
      inbox_id, channel, priority, tags, seconds, replies)
    with t as (
      select n,
             md5('t' || n)::uuid as ticket_id,
             now() - (random() * ${DAYS} * interval '1 day') as created,
             md5('a' || (n % ${AGENTS}))::uuid as agent,
             md5('team' || (n % 5))::uuid as team,
             (array['email', 'api', 'chat'])[1 + n % 3] as channel,
             (array['low', 'normal', 'high', 'urgent'])[1 + n % 4] as priority,
             (600 + random() * 14400)::bigint as frt,
             (3600 + random() * 259200)::bigint as res,
             n % 10 < 9 as answered, n % 100 < 85 as solved, n % 50 = 0 as reopened
        from generate_series(1, ${N}) as n)
    select '${WS}', ticket_id, s.seq, s.kind, s.at, s.agent, team, null, channel, priority, '{}', s.seconds, s.replies
      from t cross join lateral (values
        (0, 'created', created, agent, null::bigint, null::int, true),
        (1, 'first_response', created + frt * interval '1 second', agent, frt, null, answered),
        (2, 'reply', created + frt * interval '1 second', agent, null, null, answered),
        (3, 'reply', created + (frt * 2) * interval '1 second', md5('a' || ((n + 1) % ${AGENTS}))::uuid, null, null, answered),
        (4, 'reopened', created + (res / 2) * interval '1 second', agent, null, null, reopened),
        (5, 'solved', created + res * interval '1 second', agent, res, 2, solved)
      ) as s(seq, kind, at, agent, seconds, replies, present)
     where s.present`);
  await pool.query(`
    insert into analytics_rollup_hour (workspace_id, hour, kind, agent_id, team_id, inbox_id, channel,
      priority, count, sum_seconds, sum_replies)
    select workspace_id, date_trunc('hour', at), kind, agent_id, team_id, inbox_id, channel, priority,
           count(*), coalesce(sum(seconds), 0), coalesce(sum(replies), 0)
      from analytics_ticket_activity group by 1, 2, 3, 4, 5, 6, 7, 8`);
  await pool.query(`
    insert into analytics_rollup_day (workspace_id, dim, kind, day, value, count, sum_seconds, sum_replies)
    select workspace_id, d.dim, kind, (at at time zone 'UTC')::date, d.value, count(*),
           coalesce(sum(seconds), 0), coalesce(sum(replies), 0)
      from analytics_ticket_activity
     cross join lateral (values ('all', ''), ('agent', coalesce(agent_id::text, '')),
           ('team', coalesce(team_id::text, '')), ('inbox', coalesce(inbox_id::text, '')),
           ('channel', channel), ('priority', priority), ('tag', '')) as d(dim, value)
     group by 1, 2, 3, 4, 5`);
  await pool.query('vacuum analyze analytics_rollup_day');
  await pool.query('vacuum analyze analytics_ticket_activity');
  await pool.query('vacuum analyze analytics_rollup_hour');
  await pool.query('delete from bench_meta');
  await pool.query('insert into bench_meta values ($1)', [signature]);
  log(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
await pool.query('alter table analytics_rollup_day add column if not exists hist integer[]');
const missing = await pool.query(
  `select 1 from analytics_rollup_day where kind in ('first_response', 'solved') and hist is null limit 1`,
);
if (missing.rowCount > 0) {
  log('filling the daily duration histograms…');
  // The same buckets as rollups/histogram.ts: 0 for < 30 s, then factors of 1.2, 70 in all.
  await pool.query(`
    with b as (
      select d.dim, a.kind, (a.at at time zone 'UTC')::date as day, d.value,
             least(69, case when a.seconds < 30 then 0
                            else 1 + floor(ln(a.seconds / 30.0) / ln(1.2) + 1e-9)::int end) as bucket,
             count(*)::int as n
        from analytics_ticket_activity a
       cross join lateral (values ('all', ''), ('agent', coalesce(a.agent_id::text, '')),
             ('team', coalesce(a.team_id::text, '')), ('inbox', coalesce(a.inbox_id::text, '')),
             ('channel', a.channel), ('priority', a.priority), ('tag', '')) as d(dim, value)
       where a.kind in ('first_response', 'solved')
       group by 1, 2, 3, 4, 5),
    h as (
      select c.dim, c.kind, c.day, c.value, array_agg(coalesce(b.n, 0) order by g) as hist
        from (select distinct dim, kind, day, value from b) c
       cross join generate_series(0, 69) as g
        left join b on b.dim = c.dim and b.kind = c.kind and b.day = c.day and b.value = c.value
                   and b.bucket = g
       group by 1, 2, 3, 4)
    update analytics_rollup_day r set hist = h.hist from h
     where r.workspace_id = '${WS}' and r.dim = h.dim and r.kind = h.kind and r.day = h.day
       and r.value = h.value`);
  await pool.query('vacuum analyze analytics_rollup_day');
}
const sizes = (
  await pool.query(`select (select count(*) from analytics_ticket_activity)::int as activities,
                           (select count(*) from analytics_rollup_hour)::int as cells,
                           (select count(*) from analytics_rollup_day)::int as days`)
).rows[0];
log(
  `activities: ${sizes.activities.toLocaleString('en-US')}, rollup cells: ${sizes.cells.toLocaleString('en-US')}`,
);

const to = new Date().toISOString().slice(0, 10);
const from = new Date(Date.now() - 89 * 86_400_000).toISOString().slice(0, 10);
const client = await pool.connect();
const sql = sqlOf(client);
async function timeIt(name, fn) {
  await fn(); // warm
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  log(
    `${name}: p50 ${pct(times, 0.5).toFixed(1)} ms, p95 ${pct(times, 0.95).toFixed(1)} ms (${RUNS} runs)`,
  );
}
for (const timeZone of ['UTC', 'Europe/Paris']) {
  const q = { from, to, timeZone, interval: 'day', groupBy: 'agent', filters: {} };
  let rows = 0;
  let source = '';
  await timeIt(`volume, 90 days by day and agent, ${timeZone}`, async () => {
    const report = await volumeReport(sql, WS, q, 'UTC');
    rows = report.rows.length;
    source = report.source;
  });
  log(`  (${rows} rows, from ${source})`);
  await timeIt(`times (median, p90), 90 days by day and agent, ${timeZone}`, () =>
    timesReport(sql, WS, q, 'UTC'),
  );
}
await timeIt('volume, 90 days by day, no grouping, Asia/Kolkata (activity table)', () =>
  volumeReport(sql, WS, {
    from,
    to,
    timeZone: 'Asia/Kolkata',
    interval: 'day',
    groupBy: 'none',
    filters: {},
  }),
);

// Usage ingestion.
const countries = new CountryLookup(undefined);
const UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const BATCH = 20;
const names = [
  'tickets.list',
  'ticket.view',
  'ticket.reply',
  'macro.apply',
  'search',
  'reports.view',
];
await pool.query('truncate analytics_usage_event, analytics_usage_daily');
async function ingest(label, perBatch) {
  const t0 = performance.now();
  for (let b = 0; b < EVENTS / BATCH; b++) {
    await client.query('begin');
    await perBatch(b);
    await client.query('commit');
  }
  const rate = EVENTS / ((performance.now() - t0) / 1000);
  log(
    `${label}: ${Math.round(rate).toLocaleString('en-US')} events/s (${EVENTS.toLocaleString('en-US')} events, batches of ${BATCH})`,
  );
  return rate;
}
const events = (b) =>
  Array.from({ length: BATCH }, (_, i) => ({
    type: i % 3 ? 'action' : 'page_view',
    name: names[(b + i) % names.length],
    feature: names[(b + i) % names.length].split('.')[0],
    occurredAt: new Date(),
  }));
const bare = await ingest('bare insert loop', async (b) => {
  const rows = events(b);
  const values = rows.map(
    (_, i) =>
      `(gen_random_uuid(), $1, 'user', $2, $${i * 3 + 3}, $${i * 3 + 4}, $${i * 3 + 5}, now(), now(), null, null, null, null)`,
  );
  await client.query(
    `insert into analytics_usage_event (id, workspace_id, subject_kind, subject_id, type, name, feature,
       occurred_at, received_at, ip_prefix, country, browser, os) values ${values.join(',')}`,
    [WS, md5uuid(b % 200), ...rows.flatMap((r) => [r.type, r.name, r.feature])],
  );
});
await pool.query('truncate analytics_usage_event, analytics_usage_daily');
const plugin = await ingest('plugin ingestion path', async (b) => {
  const ip = `203.0.${b % 250}.${(b * 7) % 250}`;
  const prefix = truncateIp(ip);
  const device = {
    ipPrefix: prefix,
    country: await countries.country(networkAddress(prefix)),
    ...parseUserAgent(UA),
  };
  await recordBatch(sql, WS, { kind: 'user', id: md5uuid(b % 200) }, events(b), device, new Date());
});
log(`ingestion path / bare inserts: ${(plugin / bare).toFixed(2)}`);
client.release();
await pool.end();

function md5uuid(n) {
  const hex = n.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}
