/**
 * Usage analytics over HTTP: nothing is stored without consent, with DNT or GPC, or after an
 * objection (which also deletes past raw events); stored events carry only the IP's network
 * (the table is scanned for any full address), a country from the local database, browser and
 * OS; retention removes old raw events and keeps the counts; export and erase cover the data;
 * another workspace sees none of it.
 */
import type { Person } from '../../../core/src/members/testkit.test.js';
import analytics from './index.js';
import { consented, consentLedger, startAnalytics, type AnalyticsHarness } from './harness.test.js';
import { analyticsPersonalData } from './personal-data.js';
import { sweepRawEvents } from './usage/sweep.js';
import { featureUsageAllWorkspaces } from './usage/store.js';
import { APP_ROLE } from '@novumdesk/core';

const P = '/api/p/analytics';
const V4 = '8.8.8.8';
const V6 = '2a00:1450:4001:81a::200e';
const UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

describe('usage analytics', () => {
  let h: AnalyticsHarness;
  let owner: Person;
  let agent: Person;

  const batch = (who: Person, headers: Record<string, string> = {}, names = ['tickets.list']) =>
    h.call('POST', `${P}/usage/events`, {
      token: who.token,
      headers: { 'x-forwarded-for': V4, 'user-agent': UA, ...headers },
      body: {
        events: names.map((name) => ({
          type: name.includes('.list') ? 'page_view' : 'action',
          name,
        })),
      },
    });
  const count = async (who: Person) =>
    Number(
      (
        await h.sql(`select count(*)::int as n from analytics_usage_event where subject_id = ?`, [
          who.userId,
        ])
      )[0]!.n,
    );

  beforeAll(async () => {
    h = await startAnalytics({
      plugins: [analytics({ rawRetentionDays: 30, maxBatch: 5 }), consentLedger],
      trustProxy: true,
    });
    owner = await h.signUp('owner');
    agent = await h.addMember(owner, 'agent', 'agent');
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  it('stores nothing without consent, and says why', async () => {
    const res = await batch(agent);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 1, stored: 0, reason: 'no_consent' });
    expect(await count(agent)).toBe(0);
    const status = await h.call('GET', `${P}/usage/status`, { token: agent.token });
    expect(status.body).toEqual({ recording: false, reason: 'no_consent' });
  });

  it('stores consented events with the network only, country, browser and OS', async () => {
    consented.add(agent.userId);
    const res = await batch(agent, {}, ['tickets.list', 'ticket.reply', 'macro.apply']);
    expect(res.body).toEqual({ accepted: 3, stored: 3, reason: null });
    const v6 = await batch(agent, { 'x-forwarded-for': V6 }, ['search']);
    expect(v6.body.stored).toBe(1);
    const rows = await h.sql(
      `select name, feature, ip_prefix, country, browser, os from analytics_usage_event
        where subject_id = ? order by name`,
      [agent.userId],
    );
    expect(rows).toEqual([
      {
        name: 'macro.apply',
        feature: 'macro',
        ip_prefix: '8.8.8.0/24',
        country: 'US',
        browser: 'Chrome',
        os: 'macOS',
      },
      {
        name: 'search',
        feature: 'search',
        ip_prefix: '2a00:1450:4001::/48',
        country: expect.any(String),
        browser: 'Chrome',
        os: 'macOS',
      },
      {
        name: 'ticket.reply',
        feature: 'ticket',
        ip_prefix: '8.8.8.0/24',
        country: 'US',
        browser: 'Chrome',
        os: 'macOS',
      },
      {
        name: 'tickets.list',
        feature: 'tickets',
        ip_prefix: '8.8.8.0/24',
        country: 'US',
        browser: 'Chrome',
        os: 'macOS',
      },
    ]);
  });

  it('never stores a full IP address anywhere in the table', async () => {
    const rows = await h.sql(`select * from analytics_usage_event`);
    expect(rows.length).toBeGreaterThan(0);
    const text = JSON.stringify(rows);
    expect(text).not.toContain(V4);
    expect(text).not.toContain('81a');
    expect(text).not.toContain('127.0.0.1');
    for (const row of rows)
      expect(row.ip_prefix).toMatch(/^(\d+\.\d+\.\d+\.0\/24|[0-9a-f:]+::\/48)$/);
  });

  it('honours DNT and GPC', async () => {
    const before = await count(agent);
    expect((await batch(agent, { dnt: '1' })).body).toEqual({
      accepted: 1,
      stored: 0,
      reason: 'do_not_track',
    });
    expect((await batch(agent, { 'sec-gpc': '1' })).body.reason).toBe('do_not_track');
    expect(await count(agent)).toBe(before);
  });

  it('refuses free text names and oversized batches', async () => {
    const bad = await h.call('POST', `${P}/usage/events`, {
      token: agent.token,
      body: { events: [{ type: 'action', name: 'search for jane@example.com' }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('body.events.0.name');
    const big = await batch(agent, {}, ['a.b', 'a.c', 'a.d', 'a.e', 'a.f', 'a.g']);
    expect(big.status).toBe(400);
    expect(big.body.code).toBe('batch_too_large');
  });

  it('reports feature usage by active people, for this workspace only', async () => {
    consented.add(owner.userId);
    await batch(owner, {}, ['tickets.list']);
    const today = new Date().toISOString().slice(0, 10);
    const res = await h.call('GET', `${P}/usage/features?from=${today}&to=${today}`, {
      token: owner.token,
    });
    expect(res.status).toBe(200);
    const tickets = res.body.data.find((r: { feature: string }) => r.feature === 'tickets');
    expect(tickets).toEqual({ feature: 'tickets', events: 2, activeUsers: 2, peakDailyUsers: 2 });
    expect(
      (await h.call('GET', `${P}/usage/features?from=${today}&to=${today}`, { token: agent.token }))
        .status,
    ).toBe(403);
    const other = await h.signUp('other');
    const theirs = await h.call('GET', `${P}/usage/features?from=${today}&to=${today}`, {
      token: other.token,
    });
    expect(theirs.body.data).toEqual([]);
  });

  it("exports and erases a person's usage data", async () => {
    const scope = h.t.hd.createScope();
    try {
      const subject = {
        kind: 'user' as const,
        id: agent.userId,
        workspaceId: owner.workspaceId,
        emails: [agent.email],
      };
      const exported = (await analyticsPersonalData.export(subject, scope as never)) as Record<
        string,
        unknown[]
      >;
      expect(exported.AnalyticsUsageEvent).toHaveLength(4);
      expect(exported.AnalyticsUsageEvent![0]).toMatchObject({
        ipNetwork: '8.8.8.0/24',
        browser: 'Chrome',
      });
      const other = { ...subject, workspaceId: (await h.signUp('x')).workspaceId };
      expect(
        ((await analyticsPersonalData.export(other, scope as never)) as Record<string, unknown[]>)
          .AnalyticsUsageEvent,
      ).toEqual([]);
      const erased = await analyticsPersonalData.erase(subject, scope as never);
      expect(erased.erased).toBeGreaterThanOrEqual(4);
      expect(await count(agent)).toBe(0);
      expect(await count(owner)).toBe(1);
      // The per-day counts hold no identifiers and stay.
      const [daily] = await h.sql(
        `select sum(events)::int as n from analytics_usage_daily where workspace_id = ?`,
        [owner.workspaceId],
      );
      expect(Number(daily!.n)).toBeGreaterThanOrEqual(5);
    } finally {
      await scope.dispose();
    }
  });

  it('an objection stops recording and deletes past raw events', async () => {
    await batch(agent, {}, ['tickets.list']);
    expect(await count(agent)).toBe(1);
    const res = await h.call('POST', `${P}/usage/objection`, { token: agent.token });
    expect(res.body).toEqual({ deletedEvents: 1 });
    expect((await batch(agent)).body).toEqual({ accepted: 1, stored: 0, reason: 'objected' });
    expect(await count(agent)).toBe(0);
    expect((await h.call('DELETE', `${P}/usage/objection`, { token: agent.token })).status).toBe(
      204,
    );
    expect((await batch(agent)).body.stored).toBe(1);
  });

  it('withdrawn consent deletes past raw events at the next batch', async () => {
    expect(await count(agent)).toBe(1);
    consented.delete(agent.userId);
    expect((await batch(agent)).body.reason).toBe('no_consent');
    expect(await count(agent)).toBe(0);
  });

  it('retention removes raw events past their age in every workspace, keeping the counts', async () => {
    const other = await h.signUp('retention');
    consented.add(other.userId);
    await batch(other);
    await h.sql(
      `update analytics_usage_event set occurred_at = now() - interval '40 days' where subject_id = ?`,
      [other.userId],
    );
    const keep = await count(owner);
    const deleted = await sweepRawEvents(
      h.t.hd.container.cradle.orm.em,
      new Date(Date.now() - 30 * 86_400_000),
    );
    expect(deleted).toBe(1);
    expect(await count(other)).toBe(0);
    expect(await count(owner)).toBe(keep);
    const [daily] = await h.sql(
      `select count(*)::int as n from analytics_usage_daily where workspace_id = ?`,
      [other.workspaceId],
    );
    expect(Number(daily!.n)).toBe(1);
  });

  it('gives operators feature usage per workspace, counts only', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const path = `${P}/operator/feature-usage?from=${today}&to=${today}`;
    expect((await h.call('GET', path, { token: owner.token })).status).toBe(403);
    const rows = await featureUsageAllWorkspaces(h.t.hd.orm.em as never, APP_ROLE, today, today);
    const mine = rows.filter((r) => r.workspaceId === owner.workspaceId);
    expect(mine.find((r) => r.feature === 'tickets')).toEqual(
      expect.objectContaining({ events: expect.any(Number), peakDailyUsers: expect.any(Number) }),
    );
    expect(new Set(rows.map((r) => r.workspaceId)).size).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(rows)).not.toContain(agent.userId);
  });

  it('lists no sub-processor when forwarding is off', async () => {
    const res = await h.call('GET', `${P}/sub-processors`, { token: agent.token });
    expect(res.body).toEqual({ data: [] });
  });

  it('refuses anonymous callers', async () => {
    expect(
      (
        await h.call('POST', `${P}/usage/events`, {
          body: { events: [{ type: 'action', name: 'x' }] },
        })
      ).status,
    ).toBe(401);
  });
});
