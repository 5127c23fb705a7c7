/**
 * Tickets over HTTP on the suite's database: a whole conversation, per-workspace numbers,
 * validation, cross-workspace 404s, list filters and pagination, full-text search, hooks
 * (transform, veto, after-commit notify), domain events, contact merge and the list query's
 * index (EXPLAIN). One helpdesk for the suite; each test signs up its own workspace.
 */
import { identityModule } from '../identity/identity.module.js';
import { membersModule } from '../members/members.module.js';
import { startMembers, type MembersHarness, type Person } from '../members/testkit.test.js';
import { eventually } from '../testing/eventually.js';
import { contactsModule } from '../contacts/contacts.module.js';
import { definePlugin } from '../kernel/plugins/define-plugin.js';
import { NovumError } from '../kernel/errors.js';
import { CORE_VERSION } from '../version.js';
import { ticketsModule } from './tickets.module.js';
import { listTicketsQuery } from './queries.js';

const notified: string[] = [];

/** A plugin tapping the tickets hooks: tags VIP subjects, refuses "spam", follows creates. */
const triage = definePlugin({
  id: 'triage',
  version: '1.0.0',
  core: `^${CORE_VERSION}`,
  dependsOn: { tickets: `^${CORE_VERSION}` },
  noPersonalData: true,
  register(ctx) {
    ctx.hooks.tap('ticket.beforeCreate', (draft) =>
      draft.subject.startsWith('VIP')
        ? { ...draft, priority: 'urgent', tags: [...draft.tags, 'vip'] }
        : draft,
    );
    ctx.hooks.tap('message.beforeSend', (draft) => ({
      ...draft,
      body: `${draft.body}\n-- Support`,
    }));
    ctx.hooks.tap('ticket.created', (notice) => void notified.push(notice.ticketId));
  },
});

const veto = definePlugin({
  id: 'spam-guard',
  version: '1.0.0',
  core: `^${CORE_VERSION}`,
  dependsOn: { tickets: `^${CORE_VERSION}` },
  noPersonalData: true,
  register(ctx) {
    ctx.hooks.tap('ticket.beforeCreate', (draft) => {
      if (/spam/i.test(draft.subject)) {
        throw new NovumError('ticket_rejected', 'Looks like spam', { status: 422 });
      }
      return draft;
    });
  },
});

describe('tickets module', () => {
  let h: MembersHarness;
  beforeAll(async () => {
    h = await startMembers({
      modules: [
        identityModule({
          bootstrapAdmin: false,
          rateLimits: { signupPerIp: { limit: 10_000, windowSeconds: 3600 } },
        }),
        membersModule(),
        contactsModule,
        ticketsModule,
      ],
      plugins: [triage, veto],
    });
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  const create = (who: Person, body: Record<string, unknown> = {}) =>
    h.expectStatus(201, 'POST', '/tickets', {
      token: who.token,
      body: {
        subject: 'Printer on fire',
        requester: { email: 'requester@example.test' },
        message: { body: 'Help!' },
        ...body,
      },
    });

  it('runs a whole conversation: create, reply, note, solve, timeline in order', async () => {
    const owner = await h.signUp();
    const created = await create(owner, {
      subject: 'Cannot log in',
      requester: { email: 'Jane@Example.test', name: 'Jane Doe' },
      tags: ['login'],
      message: { body: 'My password <b>fails</b>' },
    });
    const ticket = created.body;
    expect(ticket).toMatchObject({
      number: 1,
      status: 'new',
      priority: 'normal',
      tags: ['login'],
      via: { channel: 'api', inboxId: null },
      firstResponseAt: null,
    });
    const contact = await h.expectStatus(200, 'GET', `/contacts/${ticket.requesterId}`, {
      token: owner.token,
    });
    expect(contact.body).toMatchObject({ name: 'Jane Doe', emails: ['jane@example.test'] });
    expect(ticket.timeline.map((i: { itemType: string }) => i.itemType)).toEqual([
      'message',
      'event',
    ]);
    expect(ticket.timeline[0].message).toMatchObject({
      kind: 'reply',
      direction: 'inbound',
      authorContactId: ticket.requesterId,
      bodyText: 'My password <b>fails</b>', // stored as text, never rendered as HTML
    });

    const reply = await h.expectStatus(201, 'POST', `/tickets/${ticket.id}/messages`, {
      token: owner.token,
      body: { body: 'Try resetting it.' },
    });
    expect(reply.body).toMatchObject({
      kind: 'reply',
      direction: 'outbound',
      authorUserId: owner.userId,
      bodyText: 'Try resetting it.\n-- Support', // message.beforeSend tap
    });
    const afterReply = await h.expectStatus(200, 'GET', `/tickets/${ticket.id}`, {
      token: owner.token,
    });
    const firstResponseAt = afterReply.body.firstResponseAt;
    expect(firstResponseAt).not.toBeNull();
    h.clock.offsetMs += 1000;
    await h.expectStatus(201, 'POST', `/tickets/${ticket.id}/messages`, {
      token: owner.token,
      body: { body: 'Any luck?' },
    });
    await h.expectStatus(201, 'POST', `/tickets/${ticket.id}/notes`, {
      token: owner.token,
      body: { body: 'Customer is on the old plan' },
    });
    const agent = await h.addMember(owner, 'agent');
    const solved = await h.expectStatus(200, 'PATCH', `/tickets/${ticket.id}`, {
      token: owner.token,
      body: { status: 'solved', priority: 'high', assigneeId: agent.userId, tags: ['auth'] },
    });
    expect(solved.body).toMatchObject({
      status: 'solved',
      priority: 'high',
      assigneeId: agent.userId,
      tags: ['auth'],
      firstResponseAt, // set once
    });
    expect(solved.body.solvedAt).not.toBeNull();

    const byNumber = await h.expectStatus(200, 'GET', '/tickets/by-number/1', {
      token: agent.token,
    });
    expect(byNumber.body.id).toBe(ticket.id);
    const kinds = byNumber.body.timeline.map(
      (i: { itemType: string; message?: { kind: string }; event?: { type: string } }) =>
        i.message?.kind ?? i.event?.type,
    );
    expect(kinds).toEqual([
      'reply',
      'created',
      'reply',
      'reply',
      'note',
      'status_changed',
      'priority_changed',
      'assigned',
      'tagged',
    ]);
    const status = byNumber.body.timeline.find(
      (i: { event?: { type: string } }) => i.event?.type === 'status_changed',
    );
    expect(status.event).toEqual({
      type: 'status_changed',
      actor: { kind: 'user', id: owner.userId },
      data: { from: 'new', to: 'solved' },
    });

    // The timeline pages through the same items, oldest first.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { id: string }[]; nextCursor: string | null } } =
        await h.expectStatus(
          200,
          'GET',
          `/tickets/${ticket.id}/timeline?limit=4${cursor ? `&cursor=${cursor}` : ''}`,
          { token: owner.token },
        );
      seen.push(...page.body.data.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(byNumber.body.timeline.map((i: { id: string }) => i.id));

    // Domain events, ids only, in the outbox.
    const events = await h.sql(
      `select name, payload from domain_event where workspace_id = ? and name in
         ('ticket.created', 'ticket.updated', 'message.created', 'note.created')
        order by position`,
      [owner.workspaceId],
    );
    expect(events.map((e) => e.name)).toEqual([
      'ticket.created',
      'message.created',
      'message.created',
      'message.created',
      'note.created',
      'ticket.updated',
    ]);
    expect(events[0].payload).toEqual({ ticketId: ticket.id });
    expect(Object.keys(events[4].payload).sort()).toEqual(['messageId', 'ticketId']);
    // ticket.created notify hook: after commit, from the subscriber.
    await eventually(() => notified.includes(ticket.id), 20_000);
  });

  it('numbers tickets per workspace, distinct under concurrent creates', async () => {
    const a = await h.signUp('a');
    const b = await h.signUp('b');
    expect((await create(a)).body.number).toBe(1);
    expect((await create(b)).body.number).toBe(1);
    const many = await Promise.all(Array.from({ length: 6 }, () => create(a)));
    expect(many.map((r) => r.body.number).sort((x, y) => x - y)).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('refuses bad input with field paths, and unknown assignees and requesters', async () => {
    const owner = await h.signUp();
    const bad = await h.call('POST', '/tickets', {
      token: owner.token,
      body: { subject: '', requester: { email: 'nope' }, priority: 'asap', message: {} },
    });
    expect(bad.status).toBe(400);
    const paths = bad.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.subject',
        'body.requester.email',
        'body.priority',
        'body.message.body',
      ]),
    );
    const unknown = await h.call('POST', '/tickets', {
      token: owner.token,
      body: {
        subject: 'x',
        requesterId: '00000000-0000-4000-8000-000000000000',
        message: { body: 'x' },
      },
    });
    expect([unknown.status, unknown.body.code]).toEqual([400, 'unknown_requester']);
    const ticket = await create(owner);
    const other = await h.signUp();
    const assign = await h.call('PATCH', `/tickets/${ticket.body.id}`, {
      token: owner.token,
      body: { assigneeId: other.userId },
    });
    expect([assign.status, assign.body.code]).toEqual([400, 'unknown_assignee']);
    const badStatus = await h.call('PATCH', `/tickets/${ticket.body.id}`, {
      token: owner.token,
      body: { status: 'done' },
    });
    expect(badStatus.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.status']);
  });

  it('keeps workspaces apart: every id route is 404 from another workspace', async () => {
    const a = await h.signUp('a');
    const b = await h.signUp('b');
    const mine = await create(a);
    await create(b);
    const id = mine.body.id;
    for (const [method, path, body] of [
      ['GET', `/tickets/${id}`, undefined],
      ['PATCH', `/tickets/${id}`, { status: 'open' }],
      ['POST', `/tickets/${id}/messages`, { body: 'x' }],
      ['POST', `/tickets/${id}/notes`, { body: 'x' }],
      ['GET', `/tickets/${id}/timeline`, undefined],
    ] as const) {
      const res = await h.call(method, path, { token: b.token, body });
      expect([method, path, res.status]).toEqual([method, path, 404]);
    }
    const list = await h.expectStatus(200, 'GET', '/tickets', { token: b.token });
    expect(list.body.data.map((t: { id: string }) => t.id)).not.toContain(id);
    // B's ticket number 1 is B's own.
    const own = await h.expectStatus(200, 'GET', '/tickets/by-number/1', { token: b.token });
    expect(own.body.id).not.toBe(id);
    await h.expectStatus(404, 'GET', '/tickets/by-number/2', { token: b.token });
  });

  it('filters, pages completely and searches subjects', async () => {
    const owner = await h.signUp();
    const agent = await h.addMember(owner, 'agent');
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      h.clock.offsetMs += 10;
      const t = await create(owner, {
        subject: i === 3 ? 'Refund for broken keyboard' : `Question ${i}`,
        tags: i % 2 === 0 ? ['even'] : [],
      });
      ids.push(t.body.id);
    }
    await h.expectStatus(200, 'PATCH', `/tickets/${ids[1]}`, {
      token: owner.token,
      body: { status: 'pending', assigneeId: agent.userId },
    });
    const get = async (query: string) =>
      (await h.expectStatus(200, 'GET', `/tickets?${query}`, { token: owner.token })).body;

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { id: string }[]; nextCursor: string | null } = await get(
        `limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.data.map((t) => t.id));
      cursor = page.nextCursor;
    } while (cursor);
    // Most recently updated first: the patched ticket, then newest to oldest.
    expect(seen).toEqual([ids[1], ...[...ids].reverse().filter((id) => id !== ids[1])]);

    const idsOf = (page: { data: { id: string }[] }) => page.data.map((t) => t.id).sort();
    expect(idsOf(await get('status=pending'))).toEqual([ids[1]]);
    expect(idsOf(await get(`assigneeId=${agent.userId}`))).toEqual([ids[1]]);
    expect(idsOf(await get('tag=even'))).toEqual([ids[0], ids[2], ids[4], ids[6]].sort());
    expect(idsOf(await get('q=keyboard refund'))).toEqual([ids[3]]);
    expect(idsOf(await get('q=question -"question 2"'))).toHaveLength(5);
    const badCursor = await h.call('GET', '/tickets?cursor=nope', { token: owner.token });
    expect(badCursor.status).toBe(400);
  });

  it('lets plugins change the draft and veto a ticket', async () => {
    const owner = await h.signUp();
    const vip = await create(owner, { subject: 'VIP: outage' });
    expect(vip.body).toMatchObject({ priority: 'urgent', tags: ['vip'] });
    const rejected = await h.call('POST', '/tickets', {
      token: owner.token,
      body: { subject: 'Cheap SPAM', requester: { email: 's@spam.test' }, message: { body: 'x' } },
    });
    expect([rejected.status, rejected.body.code]).toEqual([422, 'ticket_rejected']);
    // Nothing of the vetoed create stays: no contact, no number used.
    const contacts = await h.expectStatus(200, 'GET', '/contacts?q=s@spam.test', {
      token: owner.token,
    });
    expect(contacts.body.data).toEqual([]);
    expect((await create(owner)).body.number).toBe(2);
  });

  it('moves tickets of a merged contact to the target', async () => {
    const owner = await h.signUp();
    const first = await create(owner, { requester: { email: 'one@merge.test' } });
    const second = await create(owner, { requester: { email: 'two@merge.test' } });
    await h.expectStatus(200, 'POST', `/contacts/${first.body.requesterId}/merge`, {
      token: owner.token,
      body: { sourceId: second.body.requesterId },
    });
    await eventually(async () => {
      const got = await h.expectStatus(200, 'GET', `/tickets/${second.body.id}`, {
        token: owner.token,
      });
      return got.body.requesterId === first.body.requesterId;
    }, 20_000);
    const got = await h.expectStatus(200, 'GET', `/tickets/${second.body.id}`, {
      token: owner.token,
    });
    expect(got.body.timeline[0].message.authorContactId).toBe(first.body.requesterId);
  });

  it('serves the list queries from ticket indexes (EXPLAIN)', async () => {
    const owner = await h.signUp();
    await create(owner);
    const plan = async (options: Parameters<typeof listTicketsQuery>[1]) => {
      const query = listTicketsQuery(owner.workspaceId, options);
      return h.t.hd.orm.em.fork().transactional(async (em) => {
        await em.execute('set local enable_seqscan = off');
        const rows = await em.execute<{ 'QUERY PLAN': string }[]>(
          `explain ${query.text}`,
          query.params,
        );
        return rows.map((row) => row['QUERY PLAN']).join('\n');
      });
    };
    expect(await plan({ limit: 50 })).toMatch(/Index Scan using ticket_workspace_updated/);
    expect(await plan({ limit: 50, status: 'open' })).toMatch(/ticket_workspace_(status|unsolved)/);
    expect(await plan({ limit: 50, assigneeId: owner.userId })).toMatch(
      /ticket_workspace_assignee/,
    );
    expect(await plan({ limit: 50, q: 'printer' })).toMatch(/ticket_subject_fts|ticket_workspace/);
  });
});
