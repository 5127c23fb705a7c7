/**
 * Bulk updates over HTTP on the suite's database: inline (a result per ticket, each ticket in
 * its own savepoint, vetoes and foreign ids reported), as a job with progress past the inline
 * limit, and by view; the hooks around them and the events each changed ticket records.
 */
import { definePlugin } from '../kernel/plugins/define-plugin.js';
import { NovumError } from '../kernel/errors.js';
import { CORE_VERSION } from '../version.js';
import { eventually } from '../testing/eventually.js';
import { sqlFor } from '../identity/db.js';
import { startTickets, type TicketsHarness } from './testkit.test.js';

const locked = new Set<string>();
const bulks: { bulkId: string; ticketCount: number }[] = [];

/** Vetoes changes to locked tickets (after writing: the savepoint must undo it) and low bulks. */
const guard = definePlugin({
  id: 'bulk-guard',
  version: '1.0.0',
  core: `^${CORE_VERSION}`,
  dependsOn: { tickets: `^${CORE_VERSION}` },
  noPersonalData: true,
  register(ctx) {
    ctx.hooks.tap('ticket.beforeUpdate', async (draft, hookCtx) => {
      if (locked.has(draft.ticketId)) {
        await sqlFor(hookCtx.em)(`update ticket set subject = 'tampered' where id = ?`, [
          draft.ticketId,
        ]);
        throw new NovumError('ticket_locked', 'This ticket is locked', { status: 422 });
      }
      return draft;
    });
    ctx.hooks.tap('ticket.beforeBulkUpdate', (draft) => {
      if (draft.changes.priority === 'low') {
        throw new NovumError('no_low_priority', 'Not in bulk', { status: 422 });
      }
      return draft;
    });
    ctx.hooks.tap('ticket.bulkUpdated', (notice) => void bulks.push(notice));
  },
});

type Item = { event?: { type: string } };

describe('bulk updates', () => {
  let h: TicketsHarness;
  beforeAll(async () => {
    h = await startTickets({ plugins: [guard] });
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  it('applies bulk changes inline, ticket by ticket, like single updates', async () => {
    const owner = await h.signUp();
    const agent = await h.addMember(owner, 'agent');
    const tickets = [];
    for (let i = 0; i < 3; i++) tickets.push(await h.ticket(owner, { tags: ['old', `t${i}`] }));
    locked.add(tickets[2].id);
    const foreign = await h.ticket(await h.signUp());
    const result = await h.expectStatus(200, 'POST', '/tickets/bulk', {
      token: owner.token,
      body: {
        ticketIds: [...tickets.map((t) => t.id), foreign.id],
        changes: {
          status: 'pending',
          assigneeId: agent.userId,
          addTags: ['bulk'],
          removeTags: ['old'],
        },
      },
    });
    locked.delete(tickets[2].id);
    expect(result.body).toMatchObject({ status: 'completed', total: 4, done: 4, updated: 2 });
    expect(result.body.results).toEqual([
      { ticketId: tickets[0].id, status: 'updated' },
      { ticketId: tickets[1].id, status: 'updated' },
      {
        ticketId: tickets[2].id,
        status: 'failed',
        error: { code: 'ticket_locked', message: 'This ticket is locked' },
      },
      {
        ticketId: foreign.id,
        status: 'failed',
        error: expect.objectContaining({ code: 'not_found' }),
      },
    ]);
    const first = await h.expectStatus(200, 'GET', `/tickets/${tickets[0].id}`, {
      token: owner.token,
    });
    expect(first.body).toMatchObject({ status: 'pending', assigneeId: agent.userId });
    expect(first.body.tags.sort()).toEqual(['bulk', 't0']);
    expect(first.body.timeline.map((i: Item) => i.event?.type).filter(Boolean)).toEqual([
      'created',
      'status_changed',
      'assigned',
      'tagged',
    ]);
    const untouched = await h.expectStatus(200, 'GET', `/tickets/${tickets[2].id}`, {
      token: owner.token,
    });
    expect(untouched.body).toMatchObject({
      status: 'new',
      assigneeId: null,
      subject: 'Printer on fire',
    });
    const updates = await h.sql(
      `select payload from domain_event where workspace_id = ? and name = 'ticket.updated'`,
      [owner.workspaceId],
    );
    expect(updates.map((e) => e.payload.ticketId).sort()).toEqual(
      [tickets[0].id, tickets[1].id].sort(),
    );
    await eventually(() => bulks.some((b) => b.bulkId === result.body.id), 20_000);
    expect(bulks.find((b) => b.bulkId === result.body.id)!.ticketCount).toBe(2);

    const badAssignee = await h.call('POST', '/tickets/bulk', {
      token: owner.token,
      body: { ticketIds: [tickets[0].id], changes: { assigneeId: foreign.requesterId } },
    });
    expect([badAssignee.status, badAssignee.body.code]).toEqual([400, 'unknown_assignee']);
    const vetoed = await h.call('POST', '/tickets/bulk', {
      token: owner.token,
      body: { ticketIds: [tickets[0].id], changes: { priority: 'low' } },
    });
    expect([vetoed.status, vetoed.body.code]).toEqual([422, 'no_low_priority']);
    const neither = await h.call('POST', '/tickets/bulk', {
      token: owner.token,
      body: { changes: {} },
    });
    expect(neither.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'body.changes',
      'body.ticketIds',
    ]);
  }, 90_000);

  it('runs a large bulk update as a job with progress, and by view', async () => {
    const owner = await h.signUp();
    const other = await h.signUp();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await h.ticket(owner)).id);
    const foreign = await h.ticket(other);
    const unknown = Array.from(
      { length: 120 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    const queued = await h.expectStatus(202, 'POST', '/tickets/bulk', {
      token: owner.token,
      body: { ticketIds: [...ids, foreign.id, ...unknown], changes: { priority: 'urgent' } },
    });
    expect(queued.body).toMatchObject({ status: 'queued', total: 124, done: 0 });
    expect(
      (await h.call('GET', `/tickets/bulk/${queued.body.id}`, { token: other.token })).status,
    ).toBe(404);
    await eventually(async () => {
      const job = await h.expectStatus(200, 'GET', `/tickets/bulk/${queued.body.id}`, {
        token: owner.token,
      });
      return job.body.status === 'completed';
    }, 60_000);
    const job = await h.expectStatus(200, 'GET', `/tickets/bulk/${queued.body.id}`, {
      token: owner.token,
    });
    expect(job.body).toMatchObject({ total: 124, done: 124, updated: 3 });
    expect(job.body.errors).toHaveLength(121);
    expect(job.body.errors[0]).toMatchObject({ ticketId: foreign.id, code: 'not_found' });
    expect(job.body.finishedAt).not.toBeNull();
    for (const id of ids) {
      const t = await h.expectStatus(200, 'GET', `/tickets/${id}`, { token: owner.token });
      expect(t.body.priority).toBe('urgent');
    }
    const foreignAfter = await h.expectStatus(200, 'GET', `/tickets/${foreign.id}`, {
      token: other.token,
    });
    expect(foreignAfter.body.priority).toBe('normal');

    // By view: every open ticket of the workspace.
    const views = await h.expectStatus(200, 'GET', '/views', { token: owner.token });
    const allOpen = views.body.find((v: { name: string }) => v.name === 'All open');
    const byView = await h.expectStatus(200, 'POST', '/tickets/bulk', {
      token: owner.token,
      body: { viewId: allOpen.id, changes: { addTags: ['triaged'] } },
    });
    expect(byView.body).toMatchObject({ total: 3, updated: 3 });
    const foreignView = await h.call('POST', '/tickets/bulk', {
      token: other.token,
      body: { viewId: allOpen.id, changes: { addTags: ['x'] } },
    });
    expect([foreignView.status, foreignView.body.errors[0].path]).toEqual([400, 'body.viewId']);
  }, 90_000);
});
