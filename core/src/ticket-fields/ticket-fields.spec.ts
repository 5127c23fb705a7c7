/**
 * Custom statuses and custom-field definitions over HTTP on the suite's database: CRUD,
 * conflicts, permissions, workspace isolation, and tickets validated against the definitions
 * (400 with `body.customFields.<key>`), statuses mapped to their categories.
 */
import { startTickets, type TicketsHarness } from '../tickets/testkit.test.js';

describe('ticket statuses and fields', () => {
  let h: TicketsHarness;
  beforeAll(async () => {
    h = await startTickets();
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  it('maps custom statuses to categories, on tickets too', async () => {
    const owner = await h.signUp();
    const agent = await h.addMember(owner, 'agent');
    const waiting = await h.expectStatus(201, 'POST', '/ticket-statuses', {
      token: owner.token,
      body: { name: 'Waiting for vendor', category: 'on_hold', position: 2 },
    });
    const review = await h.expectStatus(201, 'POST', '/ticket-statuses', {
      token: owner.token,
      body: { name: 'In review', category: 'open', position: 1 },
    });
    const dup = await h.call('POST', '/ticket-statuses', {
      token: owner.token,
      body: { name: 'waiting FOR vendor', category: 'pending' },
    });
    expect([dup.status, dup.body.code]).toEqual([409, 'status_name_taken']);
    const denied = await h.call('POST', '/ticket-statuses', {
      token: agent.token,
      body: { name: 'Agent status', category: 'open' },
    });
    expect(denied.status).toBe(403);
    const list = await h.expectStatus(200, 'GET', '/ticket-statuses', { token: agent.token });
    expect(list.body.map((s: { name: string }) => s.name)).toEqual([
      'In review',
      'Waiting for vendor',
    ]);

    const ticket = await h.ticket(owner);
    const held = await h.expectStatus(200, 'PATCH', `/tickets/${ticket.id}`, {
      token: agent.token,
      body: { statusId: waiting.body.id },
    });
    expect(held.body).toMatchObject({ status: 'on_hold', statusId: waiting.body.id });
    // Re-categorizing the status moves its tickets.
    await h.expectStatus(200, 'PATCH', `/ticket-statuses/${waiting.body.id}`, {
      token: owner.token,
      body: { category: 'pending' },
    });
    const moved = await h.expectStatus(200, 'GET', `/tickets/${ticket.id}`, { token: agent.token });
    expect(moved.body).toMatchObject({ status: 'pending', statusId: waiting.body.id });
    // A plain category change clears the custom status.
    const opened = await h.expectStatus(200, 'PATCH', `/tickets/${ticket.id}`, {
      token: agent.token,
      body: { status: 'open' },
    });
    expect(opened.body).toMatchObject({ status: 'open', statusId: null });
    await h.expectStatus(200, 'PATCH', `/tickets/${ticket.id}`, {
      token: agent.token,
      body: { statusId: review.body.id },
    });
    // Deleting the status keeps the ticket's category.
    await h.expectStatus(204, 'DELETE', `/ticket-statuses/${review.body.id}`, {
      token: owner.token,
    });
    const kept = await h.expectStatus(200, 'GET', `/tickets/${ticket.id}`, { token: agent.token });
    expect(kept.body).toMatchObject({ status: 'open', statusId: null });
    const events = kept.body.timeline
      .map((i: { event?: { type: string } }) => i.event?.type)
      .filter(Boolean);
    expect(events).toEqual(expect.arrayContaining(['custom_status_changed', 'status_changed']));
    const unknown = await h.call('PATCH', `/tickets/${ticket.id}`, {
      token: agent.token,
      body: { statusId: review.body.id },
    });
    expect([unknown.status, unknown.body.errors[0].path]).toEqual([400, 'body.statusId']);
  }, 90_000);

  it('validates customFields against typed definitions, with field paths', async () => {
    const owner = await h.signUp();
    const define = (body: Record<string, unknown>) =>
      h.expectStatus(201, 'POST', '/ticket-fields', { token: owner.token, body });
    await define({ key: 'order_id', label: 'Order', type: 'text', required: true });
    await define({ key: 'seats', label: 'Seats', type: 'number' });
    await define({ key: 'vip', label: 'VIP', type: 'checkbox' });
    await define({ key: 'renewal', label: 'Renewal', type: 'date' });
    const plan = await define({
      key: 'plan',
      label: 'Plan',
      type: 'dropdown',
      options: [
        { value: 'free', label: 'Free' },
        { value: 'pro', label: 'Pro' },
      ],
    });
    const dupKey = await h.call('POST', '/ticket-fields', {
      token: owner.token,
      body: { key: 'seats', label: 'Again', type: 'text' },
    });
    expect([dupKey.status, dupKey.body.code]).toEqual([409, 'field_key_taken']);
    const badDefs = await h.call('POST', '/ticket-fields', {
      token: owner.token,
      body: { key: 'Bad Key', label: 'x', type: 'dropdown' },
    });
    expect(badDefs.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'body.key',
      'body.options',
    ]);

    const missing = await h.call('POST', '/tickets', {
      token: owner.token,
      body: {
        subject: 'x',
        requester: { email: 'a@example.test' },
        message: { body: 'x' },
        customFields: { seats: 'many', vip: 'yes', renewal: '2026-02-30', plan: 'gold', nope: 1 },
      },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'body.customFields.nope',
      'body.customFields.order_id',
      'body.customFields.plan',
      'body.customFields.renewal',
      'body.customFields.seats',
      'body.customFields.vip',
    ]);
    const ticket = await h.ticket(owner, {
      customFields: { order_id: 'A-1', seats: 5, vip: true, renewal: '2027-01-31', plan: 'pro' },
    });
    expect(ticket.customFields).toEqual({
      order_id: 'A-1',
      seats: 5,
      vip: true,
      renewal: '2027-01-31',
      plan: 'pro',
    });
    const patched = await h.expectStatus(200, 'PATCH', `/tickets/${ticket.id}`, {
      token: owner.token,
      body: { customFields: { seats: 6, vip: null } },
    });
    expect(patched.body.customFields).toEqual({
      order_id: 'A-1',
      seats: 6,
      renewal: '2027-01-31',
      plan: 'pro',
    });
    const required = await h.call('PATCH', `/tickets/${ticket.id}`, {
      token: owner.token,
      body: { customFields: { order_id: null } },
    });
    expect([required.status, required.body.errors[0].path]).toEqual([
      400,
      'body.customFields.order_id',
    ]);
    // Options change; key and type do not.
    await h.expectStatus(200, 'PATCH', `/ticket-fields/${plan.body.id}`, {
      token: owner.token,
      body: { options: [{ value: 'enterprise', label: 'Enterprise' }], required: true },
    });
    const keyChange = await h.call('PATCH', `/ticket-fields/${plan.body.id}`, {
      token: owner.token,
      body: { key: 'other' },
    });
    expect(keyChange.status).toBe(400);
    const oldValue = await h.call('PATCH', `/tickets/${ticket.id}`, {
      token: owner.token,
      body: { customFields: { plan: 'pro' } },
    });
    expect(oldValue.body.errors[0].path).toBe('body.customFields.plan');
    // Deleting a definition removes its values.
    await h.expectStatus(204, 'DELETE', `/ticket-fields/${plan.body.id}`, { token: owner.token });
    const after = await h.expectStatus(200, 'GET', `/tickets/${ticket.id}`, { token: owner.token });
    expect(after.body.customFields).not.toHaveProperty('plan');
    const timeline = after.body.timeline.find(
      (i: { event?: { type: string } }) => i.event?.type === 'custom_fields_changed',
    );
    expect(timeline.event.data.changes).toEqual({
      seats: { from: 5, to: 6 },
      vip: { from: true, to: null },
    });
  }, 90_000);

  it('keeps definitions to their workspace', async () => {
    const a = await h.signUp('a');
    const b = await h.signUp('b');
    const status = await h.expectStatus(201, 'POST', '/ticket-statuses', {
      token: a.token,
      body: { name: 'Mine', category: 'open' },
    });
    const field = await h.expectStatus(201, 'POST', '/ticket-fields', {
      token: a.token,
      body: { key: 'mine', label: 'Mine', type: 'text' },
    });
    for (const [method, path, body] of [
      ['PATCH', `/ticket-statuses/${status.body.id}`, { name: 'x' }],
      ['DELETE', `/ticket-statuses/${status.body.id}`, undefined],
      ['GET', `/ticket-fields/${field.body.id}`, undefined],
      ['PATCH', `/ticket-fields/${field.body.id}`, { label: 'x' }],
      ['DELETE', `/ticket-fields/${field.body.id}`, undefined],
    ] as const) {
      const res = await h.call(method, path, { token: b.token, body });
      expect([method, path, res.status]).toEqual([method, path, 404]);
    }
    expect((await h.expectStatus(200, 'GET', '/ticket-statuses', { token: b.token })).body).toEqual(
      [],
    );
    expect((await h.expectStatus(200, 'GET', '/ticket-fields', { token: b.token })).body).toEqual(
      [],
    );
    // B's tickets cannot use A's status or field.
    const ticket = await h.ticket(b);
    const useStatus = await h.call('PATCH', `/tickets/${ticket.id}`, {
      token: b.token,
      body: { statusId: status.body.id },
    });
    expect(useStatus.status).toBe(400);
    const useField = await h.call('PATCH', `/tickets/${ticket.id}`, {
      token: b.token,
      body: { customFields: { mine: 'x' } },
    });
    expect(useField.body.errors[0].path).toBe('body.customFields.mine');
  });
});
