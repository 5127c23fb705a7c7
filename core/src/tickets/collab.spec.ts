/**
 * Followers, CCs, merge (with its redirect) and drafts over HTTP on the suite's database, with
 * the hooks around them and workspace isolation. Bulk updates: bulk.spec.ts.
 */
import { definePlugin } from '../kernel/plugins/define-plugin.js';
import { NovumError } from '../kernel/errors.js';
import { CORE_VERSION } from '../version.js';
import { eventually } from '../testing/eventually.js';
import { startTickets, type TicketsHarness } from './testkit.test.js';

const locked = new Set<string>();
const merges: string[] = [];

/** Vetoes merges into locked tickets; follows merges. */
const guard = definePlugin({
  id: 'guard',
  version: '1.0.0',
  core: `^${CORE_VERSION}`,
  dependsOn: { tickets: `^${CORE_VERSION}` },
  noPersonalData: true,
  register(ctx) {
    ctx.hooks.tap('ticket.beforeMerge', (draft) => {
      if (locked.has(draft.targetId)) {
        throw new NovumError('ticket_locked', 'The target is locked', { status: 422 });
      }
      return draft;
    });
    ctx.hooks.tap('ticket.merged', (notice) => void merges.push(notice.sourceId));
  },
});

type Item = { itemType: string; message?: { id: string }; event?: { type: string; data: any } }; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('followers, CCs, merge and drafts', () => {
  let h: TicketsHarness;
  beforeAll(async () => {
    h = await startTickets({ plugins: [guard] });
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  it('keeps followers (members only) and CCs on the ticket', async () => {
    const owner = await h.signUp();
    const agent = await h.addMember(owner, 'agent');
    const stranger = await h.signUp();
    const ticket = await h.ticket(owner);
    const set = await h.expectStatus(200, 'PUT', `/tickets/${ticket.id}/followers`, {
      token: agent.token,
      body: { userIds: [agent.userId, owner.userId, agent.userId] },
    });
    expect(set.body.followerIds.sort()).toEqual([agent.userId, owner.userId].sort());
    const bad = await h.call('PUT', `/tickets/${ticket.id}/followers`, {
      token: agent.token,
      body: { userIds: [owner.userId, stranger.userId] },
    });
    expect([bad.status, bad.body.errors[0].path]).toEqual([400, 'body.userIds.1']);
    await h.expectStatus(200, 'PUT', `/tickets/${ticket.id}/followers`, {
      token: agent.token,
      body: { userIds: [agent.userId] },
    });
    const contact = await h.expectStatus(201, 'POST', '/contacts', {
      token: owner.token,
      body: { name: 'Boss', emails: ['boss@example.test'] },
    });
    const patched = await h.expectStatus(200, 'PATCH', `/tickets/${ticket.id}`, {
      token: agent.token,
      body: {
        ccs: [{ email: 'Colleague@Example.test', name: 'Col' }, { contactId: contact.body.id }],
      },
    });
    expect(patched.body.ccs).toEqual([
      { contactId: expect.any(String), email: 'colleague@example.test' },
      { contactId: contact.body.id, email: 'boss@example.test' },
    ]);
    const unknownCc = await h.call('PATCH', `/tickets/${ticket.id}`, {
      token: agent.token,
      body: { ccs: [{ contactId: ticket.id }] },
    });
    expect([unknownCc.status, unknownCc.body.errors[0].path]).toEqual([
      400,
      'body.ccs.0.contactId',
    ]);
    const got = await h.expectStatus(200, 'GET', `/tickets/${ticket.id}`, { token: owner.token });
    expect(got.body.followerIds).toEqual([agent.userId]);
    const types = got.body.timeline.map((i: Item) => i.event?.type).filter(Boolean);
    expect(types).toEqual(['created', 'followers_changed', 'followers_changed', 'ccs_changed']);
    const created = await h.ticket(owner, { ccs: [{ email: 'cc@example.test' }] });
    expect(created.ccs.map((c: { email: string }) => c.email)).toEqual(['cc@example.test']);
  }, 90_000);

  it('merges a ticket into another, which then answers for it (308)', async () => {
    const owner = await h.signUp();
    const agent = await h.addMember(owner, 'agent');
    const source = await h.ticket(owner, { requester: { email: 'first@example.test' } });
    const target = await h.ticket(owner, { requester: { email: 'second@example.test' } });
    const file = (await h.upload(owner, 'trace', { filename: 'trace.txt' })).body;
    const note = await h.expectStatus(201, 'POST', `/tickets/${source.id}/notes`, {
      token: owner.token,
      body: { body: 'Internal', attachmentIds: [file.id] },
    });
    await h.expectStatus(200, 'PUT', `/tickets/${source.id}/followers`, {
      token: owner.token,
      body: { userIds: [agent.userId] },
    });
    const self = await h.call('POST', `/tickets/${source.id}/merge`, {
      token: owner.token,
      body: { targetTicketId: source.id },
    });
    expect([self.status, self.body.errors[0].path]).toEqual([400, 'body.targetTicketId']);
    const merged = await h.expectStatus(200, 'POST', `/tickets/${source.id}/merge`, {
      token: owner.token,
      body: { targetTicketId: target.id },
    });
    expect(merged.body.id).toBe(target.id);
    expect(merged.body.ccs.map((c: { email: string }) => c.email)).toEqual(['first@example.test']);

    const redirect = await h.t.request(`/api/v1/tickets/${source.id}`, {
      headers: { authorization: `Bearer ${owner.token}` },
      redirect: 'manual',
    });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([
      308,
      `/api/v1/tickets/${target.id}`,
    ]);
    const byNumber = await h.t.request(`/api/v1/tickets/by-number/${source.number}`, {
      headers: { authorization: `Bearer ${owner.token}` },
      redirect: 'manual',
    });
    expect([byNumber.status, byNumber.headers.get('location')]).toEqual([
      308,
      `/api/v1/tickets/by-number/${target.number}`,
    ]);
    // Following the redirect lands on the target with both conversations.
    const followed = await h.t.request(`/api/v1/tickets/${source.id}`, {
      headers: { authorization: `Bearer ${owner.token}` },
    });
    const detail = (await followed.json()) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(detail.id).toBe(target.id);
    expect(detail.followerIds).toEqual([agent.userId]);
    const ids = detail.timeline.filter((i: Item) => i.message).map((i: Item) => i.message!.id);
    expect(ids).toEqual(expect.arrayContaining([source.timeline[0].message.id, note.body.id]));
    const moved = detail.timeline.find((i: Item) => i.message?.id === note.body.id);
    expect(moved.message.attachments.map((a: { id: string }) => a.id)).toEqual([file.id]);
    expect(detail.timeline.at(-1).event).toMatchObject({
      type: 'merged_from',
      data: { sourceId: source.id, sourceNumber: source.number, movedMessages: 2 },
    });
    const sourceTimeline = await h.expectStatus(200, 'GET', `/tickets/${source.id}/timeline`, {
      token: owner.token,
    });
    expect(sourceTimeline.body.data.map((i: Item) => i.itemType)).toEqual([
      'event',
      'event',
      'event',
    ]);
    expect(sourceTimeline.body.data.at(-1).event).toMatchObject({
      type: 'merged_into',
      data: { targetId: target.id, targetNumber: target.number },
    });
    const [row] = await h.sql(`select status, merged_into_id from ticket where id = ?`, [
      source.id,
    ]);
    expect(row).toEqual({ status: 'closed', merged_into_id: target.id });
    const again = await h.call('POST', `/tickets/${source.id}/merge`, {
      token: owner.token,
      body: { targetTicketId: target.id },
    });
    expect([again.status, again.body.code]).toEqual([409, 'already_merged']);
    const events = await h.sql(
      `select payload from domain_event where workspace_id = ? and name = 'ticket.merged'`,
      [owner.workspaceId],
    );
    expect(events.map((e) => e.payload)).toEqual([{ sourceId: source.id, targetId: target.id }]);
    await eventually(() => merges.includes(source.id), 20_000);

    // Vetoed by a tap: nothing moves.
    const third = await h.ticket(owner);
    locked.add(target.id);
    const vetoed = await h.call('POST', `/tickets/${third.id}/merge`, {
      token: owner.token,
      body: { targetTicketId: target.id },
    });
    locked.delete(target.id);
    expect([vetoed.status, vetoed.body.code]).toEqual([422, 'ticket_locked']);
    await h.expectStatus(200, 'GET', `/tickets/${third.id}`, { token: owner.token });
  }, 90_000);

  it('never merges across workspaces', async () => {
    const a = await h.signUp('a');
    const b = await h.signUp('b');
    const mine = await h.ticket(a);
    const theirs = await h.ticket(b);
    const into = await h.call('POST', `/tickets/${theirs.id}/merge`, {
      token: b.token,
      body: { targetTicketId: mine.id },
    });
    expect([into.status, into.body.code]).toEqual([404, 'not_found']);
    const from = await h.call('POST', `/tickets/${mine.id}/merge`, {
      token: b.token,
      body: { targetTicketId: theirs.id },
    });
    expect(from.status).toBe(404);
    await h.expectStatus(200, 'GET', `/tickets/${theirs.id}`, { token: b.token });
    await h.expectStatus(200, 'GET', `/tickets/${mine.id}`, { token: a.token });
  });

  it('keeps drafts per user, private, with their uploads alive', async () => {
    const owner = await h.signUp();
    const agent = await h.addMember(owner, 'agent');
    const ticket = await h.ticket(owner);
    const none = await h.call('GET', `/tickets/${ticket.id}/draft`, { token: owner.token });
    expect(none.status).toBe(404);
    const file = (await h.upload(owner, 'draft file', { filename: 'd.txt' })).body;
    const saved = await h.expectStatus(200, 'PUT', `/tickets/${ticket.id}/draft`, {
      token: owner.token,
      body: {
        kind: 'reply',
        body: 'Half written',
        bodyHtml: '<p>Half <i>written</i><script>x</script></p>',
        attachmentIds: [file.id],
      },
    });
    expect(saved.body).toMatchObject({
      ticketId: ticket.id,
      kind: 'reply',
      body: 'Half written',
      bodyHtml: '<p>Half <i>written</i></p>',
      attachmentIds: [file.id],
    });
    // The agent has no draft here, and cannot see or discard the owner's.
    expect(
      (await h.call('GET', `/tickets/${ticket.id}/draft`, { token: agent.token })).status,
    ).toBe(404);
    expect(
      (await h.call('DELETE', `/tickets/${ticket.id}/draft`, { token: agent.token })).status,
    ).toBe(404);
    await h.expectStatus(200, 'PUT', `/tickets/${ticket.id}/draft`, {
      token: agent.token,
      body: { kind: 'note', body: 'Agent note' },
    });
    const mine = await h.expectStatus(200, 'GET', `/tickets/${ticket.id}/draft`, {
      token: owner.token,
    });
    expect(mine.body.body).toBe('Half written');
    const bad = await h.call('PUT', `/tickets/${ticket.id}/draft`, {
      token: owner.token,
      body: { kind: 'reply', attachmentIds: [ticket.id] },
    });
    expect([bad.status, bad.body.errors[0].path]).toEqual([400, 'body.attachmentIds.0']);
    // Sending the reply with the draft's files, then discarding the draft.
    await h.expectStatus(201, 'POST', `/tickets/${ticket.id}/messages`, {
      token: owner.token,
      body: { body: mine.body.body, attachmentIds: mine.body.attachmentIds },
    });
    await h.expectStatus(204, 'DELETE', `/tickets/${ticket.id}/draft`, { token: owner.token });
    expect(
      (await h.call('GET', `/tickets/${ticket.id}/draft`, { token: owner.token })).status,
    ).toBe(404);
    const other = await h.signUp();
    expect(
      (await h.call('GET', `/tickets/${ticket.id}/draft`, { token: other.token })).status,
    ).toBe(404);
  }, 90_000);
});
