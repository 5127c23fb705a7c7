/**
 * Inboxes over HTTP on the suite's database: management with provider-validated settings, the
 * channel registry (a plugin's channel type), the API inbox's inbound messages (ticket with
 * `via`, idempotent `externalId`, `threadKey` follow-ups) and cross-workspace 404s.
 */
import { z } from 'zod';
import { identityModule } from '../identity/identity.module.js';
import { membersModule } from '../members/members.module.js';
import { startMembers, type MembersHarness, type Person } from '../members/testkit.test.js';
import { contactsModule } from '../contacts/contacts.module.js';
import { ticketsModule } from '../tickets/tickets.module.js';
import { definePlugin } from '../kernel/plugins/define-plugin.js';
import { CORE_VERSION } from '../version.js';
import { inboxesModule } from './inboxes.module.js';

/** A tiny channel plugin: an SMS type whose inboxes need a sender number. */
const sms = definePlugin({
  id: 'channel-sms',
  version: '1.0.0',
  core: `^${CORE_VERSION}`,
  noPersonalData: true,
  register(ctx) {
    ctx.channels.add({
      type: 'sms',
      displayName: 'SMS',
      settings: z.strictObject({ from: z.string().regex(/^\+[0-9]{6,15}$/) }),
      send: () => Promise.resolve({ status: 'sent', externalId: 'sms-1' }),
    });
  },
});

describe('inboxes module', () => {
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
        inboxesModule,
      ],
      plugins: [sms],
    });
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  const apiInbox = async (owner: Person, settings: Record<string, unknown> = {}) =>
    (
      await h.expectStatus(201, 'POST', '/inboxes', {
        token: owner.token,
        body: { channelType: 'api', name: 'Integrations', settings },
      })
    ).body as { id: string };

  const post = (status: number, who: Person, inboxId: string, body: Record<string, unknown>) =>
    h.expectStatus(status, 'POST', `/inboxes/${inboxId}/messages`, {
      token: who.token,
      body: {
        from: { email: 'caller@example.test', name: 'Cal Ler' },
        subject: 'Order 42 is late',
        body: 'Where is it?',
        ...body,
      },
    });

  it('creates, lists, updates and deletes inboxes with validated settings', async () => {
    const owner = await h.signUp();
    const created = await h.expectStatus(201, 'POST', '/inboxes', {
      token: owner.token,
      body: { channelType: 'api', name: 'Shop', settings: { tags: ['Shop'] } },
    });
    expect(created.body).toMatchObject({
      channelType: 'api',
      name: 'Shop',
      settings: { tags: ['shop'] }, // the provider's parse is what is stored
      enabled: true,
    });
    const sms1 = await h.expectStatus(201, 'POST', '/inboxes', {
      token: owner.token,
      body: { channelType: 'sms', name: 'SMS', settings: { from: '+3312345678' } },
    });
    const list = await h.expectStatus(200, 'GET', '/inboxes', { token: owner.token });
    expect(list.body.map((i: { id: string }) => i.id)).toEqual([created.body.id, sms1.body.id]);

    const bad = await h.expectStatus(400, 'POST', '/inboxes', {
      token: owner.token,
      body: { channelType: 'sms', name: 'SMS', settings: { from: 'nope' } },
    });
    expect(bad.body.code).toBe('validation_failed');
    expect(bad.body.errors[0].path).toBe('body.settings.from');
    await h.expectStatus(400, 'PATCH', `/inboxes/${created.body.id}`, {
      token: owner.token,
      body: { settings: { unknown: true } },
    });
    const unknown = await h.expectStatus(400, 'POST', '/inboxes', {
      token: owner.token,
      body: { channelType: 'carrier-pigeon', name: 'Coo' },
    });
    expect(unknown.body.code).toBe('unknown_channel_type');

    const patched = await h.expectStatus(200, 'PATCH', `/inboxes/${created.body.id}`, {
      token: owner.token,
      body: { name: 'Shop 2', enabled: false },
    });
    expect(patched.body).toMatchObject({
      name: 'Shop 2',
      enabled: false,
      settings: { tags: ['shop'] },
    });
    await h.expectStatus(204, 'DELETE', `/inboxes/${sms1.body.id}`, { token: owner.token });
    await h.expectStatus(404, 'GET', `/inboxes/${sms1.body.id}`, { token: owner.token });
  });

  it("lists the core's and plugins' channel types", async () => {
    const owner = await h.signUp();
    const types = await h.expectStatus(200, 'GET', '/inboxes/channel-types', {
      token: owner.token,
    });
    expect(types.body).toEqual([
      { type: 'api', displayName: 'API', canSend: false },
      { type: 'sms', displayName: 'SMS', canSend: true },
    ]);
  });

  it('turns an inbound API message into a ticket with via, idempotently', async () => {
    const owner = await h.signUp();
    const inbox = await apiInbox(owner, { tags: ['api'] });
    const first = await post(201, owner, inbox.id, { externalId: 'msg-1' });
    expect(first.body.outcome).toBe('created');
    const ticket = await h.expectStatus(200, 'GET', `/tickets/${first.body.ticketId}`, {
      token: owner.token,
    });
    expect(ticket.body).toMatchObject({
      subject: 'Order 42 is late',
      tags: ['api'],
      via: { channel: 'api', inboxId: inbox.id },
    });
    expect(ticket.body.timeline[0].message).toMatchObject({
      id: first.body.messageId,
      direction: 'inbound',
      authorContactId: ticket.body.requesterId,
      bodyText: 'Where is it?',
    });

    const again = await post(200, owner, inbox.id, { externalId: 'msg-1', body: 'Resent' });
    expect(again.body).toEqual({ ...first.body, outcome: 'duplicate' });
    const tickets = await h.expectStatus(200, 'GET', '/tickets', { token: owner.token });
    expect(tickets.body.data).toHaveLength(1);
    const messages = await h.sql(
      `select count(*)::int as n from ticket_message where ticket_id = ?`,
      [first.body.ticketId],
    );
    expect(messages[0].n).toBe(1);
  });

  it('appends a follow-up with the same threadKey to the open ticket', async () => {
    const owner = await h.signUp();
    const inbox = await apiInbox(owner);
    const first = await post(201, owner, inbox.id, { externalId: 'a', threadKey: 'order-42' });
    const second = await post(201, owner, inbox.id, {
      externalId: 'b',
      threadKey: 'order-42',
      body: 'Still waiting',
    });
    expect(second.body).toMatchObject({ ticketId: first.body.ticketId, outcome: 'appended' });
    const timeline = await h.expectStatus(200, 'GET', `/tickets/${first.body.ticketId}/timeline`, {
      token: owner.token,
    });
    const bodies = timeline.body.data
      .filter((i: { itemType: string }) => i.itemType === 'message')
      .map((i: { message: { bodyText: string } }) => i.message.bodyText);
    expect(bodies).toEqual(['Where is it?', 'Still waiting']);

    // Once solved, the thread starts a new ticket.
    await h.expectStatus(200, 'PATCH', `/tickets/${first.body.ticketId}`, {
      token: owner.token,
      body: { status: 'solved' },
    });
    const third = await post(201, owner, inbox.id, { externalId: 'c', threadKey: 'order-42' });
    expect(third.body.outcome).toBe('created');
    expect(third.body.ticketId).not.toBe(first.body.ticketId);
  });

  it('refuses non-API and disabled inboxes, and hides inboxes of other workspaces', async () => {
    const owner = await h.signUp();
    const other = await h.signUp();
    const inbox = await apiInbox(owner);
    const smsInbox = await h.expectStatus(201, 'POST', '/inboxes', {
      token: owner.token,
      body: { channelType: 'sms', name: 'SMS', settings: { from: '+3312345678' } },
    });
    await post(409, owner, smsInbox.body.id, {});
    await h.expectStatus(404, 'GET', `/inboxes/${inbox.id}`, { token: other.token });
    await h.expectStatus(404, 'PATCH', `/inboxes/${inbox.id}`, {
      token: other.token,
      body: { name: 'Mine' },
    });
    await h.expectStatus(404, 'DELETE', `/inboxes/${inbox.id}`, { token: other.token });
    await post(404, other, inbox.id, { externalId: 'x' });
    const list = await h.expectStatus(200, 'GET', '/inboxes', { token: other.token });
    expect(list.body).toEqual([]);
    await h.expectStatus(200, 'PATCH', `/inboxes/${inbox.id}`, {
      token: owner.token,
      body: { enabled: false },
    });
    await post(409, owner, inbox.id, {});
  });
});
