/**
 * The security log's API (keyset pages, action filter, one workspace only) and its retention
 * job, which must reach every workspace's old rows through row-level security.
 */
import { randomUUID } from 'node:crypto';
import { eventually } from '../testing/index.js';
import { AUDIT_RETENTION_JOB } from './members.module.js';
import { startMembers, type MembersHarness, type Person } from './testkit.test.js';

describe('security log', () => {
  let h: MembersHarness;
  let a: Person;
  let b: Person;

  const seed = (workspaceId: string | null, action: string, daysAgo: number) =>
    h.sql(
      `insert into audit_event (id, workspace_id, action, metadata, occurred_at)
       values (?, ?, ?, '{}'::jsonb, now() - make_interval(days => ?))`,
      [randomUUID(), workspaceId, action, daysAgo],
    );

  beforeAll(async () => {
    h = await startMembers({ members: { auditRetentionDays: 30 } });
    a = await h.signUp('a');
    b = await h.signUp('b');
    // Six team events in A, spread over time, newest last.
    for (let i = 0; i < 6; i++) {
      await h.expectStatus(201, 'POST', '/teams', { token: a.token, body: { name: `Team ${i}` } });
    }
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  it('pages through the workspace’s events newest first, without gaps or repeats', async () => {
    const all = await h.expectStatus(200, 'GET', '/audit-events?limit=200', { token: a.token });
    expect(all.body.nextCursor).toBeNull();
    const ids: string[] = all.body.data.map((e: { id: string }) => e.id);
    const times = all.body.data.map((e: { occurredAt: string }) => Date.parse(e.occurredAt));
    expect(times).toEqual([...times].sort((x, y) => y - x));
    expect(all.body.data.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['team_created', 'authn_login_success', 'user_created']),
    );

    const paged: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await h.expectStatus(200, `GET`, `/audit-events?limit=3${query}`, {
        token: a.token,
      });
      expect(page.body.data.length).toBeLessThanOrEqual(3);
      paged.push(...page.body.data.map((e: { id: string }) => e.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(paged).toEqual(ids);
    expect(pages).toBe(Math.ceil(ids.length / 3));
  });

  it('filters by action and shows only the caller’s workspace', async () => {
    const teams = await h.expectStatus(200, 'GET', '/audit-events?action=team_created', {
      token: a.token,
    });
    expect(teams.body.data).toHaveLength(6);
    expect(teams.body.data[0]).toMatchObject({
      action: 'team_created',
      actorKind: 'user',
      actorId: a.userId,
      targetType: 'team',
    });
    const other = await h.expectStatus(200, 'GET', '/audit-events?action=team_created', {
      token: b.token,
    });
    expect(other.body.data).toEqual([]);
    const bIds = (
      await h.expectStatus(200, 'GET', '/audit-events', { token: b.token })
    ).body.data.map((e: { id: string }) => e.id);
    const aIds = (
      await h.expectStatus(200, 'GET', '/audit-events?limit=200', { token: a.token })
    ).body.data.map((e: { id: string }) => e.id);
    expect(bIds.length).toBeGreaterThan(0);
    expect(aIds.filter((id: string) => bIds.includes(id))).toEqual([]);
  });

  it('refuses a forged cursor and an out-of-range limit', async () => {
    const forged = await h.call('GET', '/audit-events?cursor=bm90LWEtY3Vyc29y', { token: a.token });
    expect([forged.status, forged.body.code]).toEqual([400, 'invalid_cursor']);
    expect((await h.call('GET', '/audit-events?limit=1000', { token: a.token })).status).toBe(400);
  });

  it('runs retention daily and deletes old events of every workspace, keeping recent ones', async () => {
    const queues = await h.t.hd.container.cradle.jobs.summary();
    expect(queues.find((q) => q.name === AUDIT_RETENTION_JOB)?.cron).toBe('40 3 * * *');

    await seed(a.workspaceId, 'old_a', 31);
    await seed(b.workspaceId, 'old_b', 400);
    await seed(null, 'old_instance', 45);
    await seed(a.workspaceId, 'recent_a', 29);
    const count = async (actions: string[]) =>
      (
        await h.sql(`select count(*)::int as n from audit_event where action in (?, ?, ?)`, actions)
      )[0].n as number;
    expect(await count(['old_a', 'old_b', 'old_instance'])).toBe(3);

    await h.t.hd.container.cradle.jobs.send(AUDIT_RETENTION_JOB, {});
    await eventually(async () => (await count(['old_a', 'old_b', 'old_instance'])) === 0, 15_000);
    expect(await count(['recent_a', 'recent_a', 'recent_a'])).toBe(1);
    const recent = await h.expectStatus(200, 'GET', '/audit-events?action=team_created', {
      token: a.token,
    });
    expect(recent.body.data).toHaveLength(6);
  });
});
