/**
 * Saved views over HTTP on the suite's database: the default views of a new workspace, personal
 * and shared views with their permissions, every filter and sort with keyset pagination, the
 * per-view counts, workspace isolation, and the plans of the main view queries (EXPLAIN).
 */
import { startTickets, type TicketsHarness } from '../tickets/testkit.test.js';
import type { Person } from '../members/testkit.test.js';
import { viewCountQuery, viewTicketsQuery, type ViewQueryOptions } from './query.js';
import { DEFAULT_VIEWS } from './views.js';

type View = { id: string; name: string; shared: boolean };

describe('saved views', () => {
  let h: TicketsHarness;
  beforeAll(async () => {
    h = await startTickets();
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  const views = async (who: Person): Promise<View[]> =>
    (await h.expectStatus(200, 'GET', '/views', { token: who.token })).body;
  const all = async (who: Person, viewId: string, limit = 2): Promise<string[]> => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { id: string }[]; nextCursor: string | null } } =
        await h.expectStatus(
          200,
          'GET',
          `/views/${viewId}/tickets?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
          { token: who.token },
        );
      ids.push(...page.body.data.map((t) => t.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    return ids;
  };

  it('gives a new workspace its default views, once', async () => {
    const owner = await h.signUp();
    const first = await Promise.all([views(owner), views(owner), views(owner)]);
    expect(first[0].map((v) => v.name)).toEqual([
      'My open tickets',
      'Unassigned',
      'All open',
      'Recently solved',
    ]);
    expect(first[0].every((v) => v.shared)).toBe(true);
    expect((await views(owner)).length).toBe(DEFAULT_VIEWS.length);
  });

  it('keeps personal views to their owner and shared ones to settings:manage', async () => {
    const owner = await h.signUp();
    const agent = await h.addMember(owner, 'agent');
    const mine = await h.expectStatus(201, 'POST', '/views', {
      token: agent.token,
      body: {
        name: 'My urgent',
        filters: { priority: ['urgent'] },
        columns: ['number', 'cf:plan'],
      },
    });
    expect(mine.body).toMatchObject({ shared: false, ownerUserId: agent.userId });
    expect((await views(agent)).map((v) => v.name)).toContain('My urgent');
    expect((await views(owner)).map((v) => v.name)).not.toContain('My urgent');
    expect((await h.call('GET', `/views/${mine.body.id}`, { token: owner.token })).status).toBe(
      404,
    );
    expect((await h.call('DELETE', `/views/${mine.body.id}`, { token: owner.token })).status).toBe(
      404,
    );
    const shared = await h.call('POST', '/views', {
      token: agent.token,
      body: { name: 'Team view', shared: true },
    });
    expect([shared.status, shared.body.code]).toEqual([403, 'shared_view_forbidden']);
    const defaults = await views(agent);
    const rename = await h.call('PATCH', `/views/${defaults[0]!.id}`, {
      token: agent.token,
      body: { name: 'Mine' },
    });
    expect(rename.status).toBe(403);
    await h.expectStatus(200, 'PATCH', `/views/${mine.body.id}`, {
      token: agent.token,
      body: { name: 'Urgent only', sort: { by: 'createdAt', dir: 'asc' } },
    });
    const renamed = await h.expectStatus(200, 'PATCH', `/views/${defaults[3]!.id}`, {
      token: owner.token,
      body: { name: 'Solved lately' },
    });
    expect(renamed.body.name).toBe('Solved lately');
    const bad = await h.call('POST', '/views', {
      token: agent.token,
      body: { name: 'x', filters: { assignee: 'someone', status: ['done'] }, columns: ['nope'] },
    });
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'body.columns.0',
      'body.filters.assignee',
      'body.filters.status.0',
    ]);
    await h.expectStatus(204, 'DELETE', `/views/${mine.body.id}`, { token: agent.token });
    expect((await views(agent)).map((v) => v.name)).not.toContain('Urgent only');
    // Another workspace sees none of these views.
    const other = await h.signUp();
    const theirs = await views(other);
    expect(theirs.map((v) => v.id)).not.toContain(defaults[0]!.id);
    for (const [method, path] of [
      ['GET', `/views/${defaults[0]!.id}`],
      ['GET', `/views/${defaults[0]!.id}/tickets`],
      ['PATCH', `/views/${defaults[0]!.id}`],
      ['DELETE', `/views/${defaults[0]!.id}`],
    ] as const) {
      const res = await h.call(method, path, {
        token: other.token,
        ...(method === 'PATCH' ? { body: { name: 'x' } } : {}),
      });
      expect([method, path, res.status]).toEqual([method, path, 404]);
    }
  }, 90_000);

  it('filters, sorts, pages and counts a view’s tickets', async () => {
    const owner = await h.signUp();
    const agent = await h.addMember(owner, 'agent');
    const team = await h.expectStatus(201, 'POST', '/teams', {
      token: owner.token,
      body: { name: 'Billing' },
    });
    const status = await h.expectStatus(201, 'POST', '/ticket-statuses', {
      token: owner.token,
      body: { name: 'Escalated', category: 'open' },
    });
    const t: { id: string; requesterId: string; createdAt: string }[] = [];
    for (let i = 0; i < 6; i++) {
      h.clock.offsetMs += 1000;
      t.push(
        await h.ticket(owner, {
          subject: i === 4 ? 'Refund for broken keyboard' : `Question ${i}`,
          requester: { email: i < 2 ? 'vip@example.test' : `user${i}@example.test` },
          tags: i % 2 === 0 ? ['even', 'billing'] : ['odd'],
          priority: i === 5 ? 'urgent' : 'normal',
        }),
      );
    }
    // Between the creation of tickets 3 and 4.
    const mid = new Date(
      (Date.parse(t[3]!.createdAt) + Date.parse(t[4]!.createdAt)) / 2,
    ).toISOString();
    await h.expectStatus(200, 'PATCH', `/tickets/${t[0]!.id}`, {
      token: owner.token,
      body: { assigneeId: agent.userId, status: 'open' },
    });
    await h.expectStatus(200, 'PATCH', `/tickets/${t[1]!.id}`, {
      token: owner.token,
      body: { teamId: team.body.id, status: 'solved' },
    });
    await h.expectStatus(200, 'PATCH', `/tickets/${t[2]!.id}`, {
      token: owner.token,
      body: { statusId: status.body.id, assigneeId: owner.userId },
    });
    const inbox = '0194a000-0000-7000-8000-000000000001';
    await h.sql(`update ticket set via = ?::jsonb where id = ?`, [
      JSON.stringify({ channel: 'api', inboxId: inbox }),
      t[3]!.id,
    ]);
    const viewOf = async (filters: Record<string, unknown>, sort?: Record<string, string>) =>
      (
        await h.expectStatus(201, 'POST', '/views', {
          token: agent.token,
          body: { name: `v${Math.random()}`, filters, ...(sort ? { sort } : {}) },
        })
      ).body.id as string;
    const ids = (n: number[]) => n.map((i) => t[i]!.id);
    const sorted = (list: string[]) => [...list].sort();

    const defaults = await views(agent);
    const byName = (name: string) => defaults.find((v) => v.name === name)!.id;
    expect(await all(agent, byName('My open tickets'))).toEqual(ids([0]));
    expect(sorted(await all(owner, byName('My open tickets')))).toEqual(ids([2]));
    // Unassigned sorts oldest first.
    expect(await all(agent, byName('Unassigned'))).toEqual(ids([3, 4, 5]));
    expect(sorted(await all(agent, byName('All open')))).toEqual(sorted(ids([0, 2, 3, 4, 5])));
    expect(await all(agent, byName('Recently solved'))).toEqual(ids([1]));

    expect(await all(agent, await viewOf({ teamId: team.body.id }))).toEqual(ids([1]));
    expect(await all(agent, await viewOf({ assignee: agent.userId }))).toEqual(ids([0]));
    expect(sorted(await all(agent, await viewOf({ tags: ['even', 'billing'] })))).toEqual(
      sorted(ids([0, 2, 4])),
    );
    expect(await all(agent, await viewOf({ priority: ['urgent', 'high'] }))).toEqual(ids([5]));
    expect(await all(agent, await viewOf({ statusId: [status.body.id] }))).toEqual(ids([2]));
    expect(await all(agent, await viewOf({ inboxId: inbox }))).toEqual(ids([3]));
    expect(sorted(await all(agent, await viewOf({ requesterId: t[0]!.requesterId })))).toEqual(
      sorted(ids([0, 1])),
    );
    expect(await all(agent, await viewOf({ q: 'keyboard refund' }))).toEqual(ids([4]));
    expect(
      await all(agent, await viewOf({ createdAfter: mid }, { by: 'createdAt', dir: 'asc' })),
    ).toEqual(ids([4, 5]));
    expect(
      await all(agent, await viewOf({ createdBefore: mid }, { by: 'createdAt', dir: 'desc' })),
    ).toEqual(ids([3, 2, 1, 0]));
    expect(sorted(await all(agent, await viewOf({ updatedAfter: mid })))).toEqual(
      sorted(ids([0, 1, 2, 4, 5])),
    );
    // Every ticket once, newest update first, across pages of one.
    expect(await all(agent, await viewOf({}), 1)).toEqual(ids([2, 1, 0, 5, 4, 3]));

    const counts = await h.expectStatus(200, 'GET', '/views/counts', { token: agent.token });
    const countOf = (id: string) => counts.body.find((c: { viewId: string }) => c.viewId === id);
    expect(countOf(byName('All open'))).toEqual({
      viewId: byName('All open'),
      count: 5,
      capped: false,
    });
    expect(countOf(byName('My open tickets')).count).toBe(1);
    expect(countOf(byName('Unassigned')).count).toBe(3);
    expect(counts.body).toHaveLength((await views(agent)).length);
    const bad = await h.call('GET', `/views/${byName('All open')}/tickets?cursor=nope`, {
      token: agent.token,
    });
    expect(bad.status).toBe(400);
  }, 90_000);

  it('serves the main view queries from ticket indexes (EXPLAIN)', async () => {
    const owner = await h.signUp();
    await h.ticket(owner);
    const actor = { kind: 'user' as const, id: owner.userId, workspaceId: owner.workspaceId };
    const explain = (query: { text: string; params: unknown[] }) =>
      h.t.hd.orm.em.fork().transactional(async (em) => {
        await em.execute('set local enable_seqscan = off');
        const rows = await em.execute<{ 'QUERY PLAN': string }[]>(
          `explain ${query.text}`,
          query.params,
        );
        return rows.map((row) => row['QUERY PLAN']).join('\n');
      });
    const plan = (filters: ViewQueryOptions['filters'], sort = DEFAULT_VIEWS[0]!.sort) =>
      explain(viewTicketsQuery(owner.workspaceId, { filters, sort, actor, limit: 50 }));
    const [mine, unassigned, open, solved] = DEFAULT_VIEWS;
    expect(await plan(mine!.filters, mine!.sort)).toMatch(
      /Index Scan.*ticket_workspace_(assignee|unsolved)/,
    );
    // Oldest first: the planner may walk the creation-order index and filter as it goes.
    expect(await plan(unassigned!.filters, unassigned!.sort)).toMatch(
      /ticket_workspace_(unassigned|assignee|created)/,
    );
    expect(await plan(open!.filters, open!.sort)).toMatch(
      /ticket_workspace_(unsolved|status|updated)/,
    );
    expect(await plan(solved!.filters, solved!.sort)).toMatch(/ticket_workspace_(status|updated)/);
    expect(await plan({ teamId: owner.userId })).toMatch(/ticket_workspace_team/);
    expect(await plan({ inboxId: owner.userId })).toMatch(/ticket_workspace_inbox/);
    expect(await plan({ requesterId: owner.userId })).toMatch(/ticket_workspace_requester/);
    expect(await plan({ priority: ['urgent'] })).toMatch(/ticket_workspace_(priority|updated)/);
    expect(await plan({}, { by: 'createdAt', dir: 'asc' })).toMatch(/ticket_workspace_created/);
    for (const text of [
      await plan({ tags: ['vip'] }),
      await plan({ q: 'printer' }),
      await explain(viewCountQuery(owner.workspaceId, open!.filters, actor)),
    ]) {
      expect(text).toMatch(/Index|Bitmap/);
      expect(text).not.toMatch(/Seq Scan on ticket/);
    }
  });
});
