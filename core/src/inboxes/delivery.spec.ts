/**
 * The channel contract's outbound side and credentials, over HTTP on the suite's database: a
 * provider's secret settings are encrypted at rest and never returned; an agent's reply on a
 * ticket of the provider's inbox is dispatched through `send()` after commit and its delivery
 * history is recorded (queued → sent / captured / failed) and readable per message; another
 * workspace gets 404.
 */
import { z } from 'zod';
import { identityModule } from '../identity/identity.module.js';
import { membersModule } from '../members/members.module.js';
import { startMembers, type MembersHarness, type Person } from '../members/testkit.test.js';
import { contactsModule } from '../contacts/contacts.module.js';
import { ticketsModule } from '../tickets/tickets.module.js';
import { definePlugin } from '../kernel/plugins/define-plugin.js';
import type { ChannelOutboundMessage, DeliveryResult } from '../kernel/contract.js';
import { inWorkspaceScope } from '../tenancy/index.js';
import { eventually } from '../testing/index.js';
import { CORE_VERSION } from '../version.js';
import { inboxesModule } from './inboxes.module.js';

const sent: { message: ChannelOutboundMessage; settings: unknown }[] = [];
let nextResult: DeliveryResult = { status: 'sent', externalId: 'p-1' };

const pigeon = definePlugin({
  id: 'channel-pigeon',
  version: '1.0.0',
  core: `^${CORE_VERSION}`,
  noPersonalData: true,
  register(ctx) {
    ctx.channels.add({
      type: 'pigeon',
      displayName: 'Pigeon',
      settings: z.strictObject({
        loft: z.string(),
        auth: z.strictObject({ user: z.string(), password: z.string() }).optional(),
      }),
      secrets: ['auth.password'],
      send(message, { settings }) {
        sent.push({ message, settings });
        return Promise.resolve(nextResult);
      },
    });
  },
});

describe('outbound dispatch and inbox secrets', () => {
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
        ticketsModule(),
        inboxesModule,
      ],
      plugins: [pigeon],
    });
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  const pigeonInbox = async (owner: Person) =>
    (
      await h.expectStatus(201, 'POST', '/inboxes', {
        token: owner.token,
        body: {
          channelType: 'pigeon',
          name: 'Loft',
          settings: { loft: 'north', auth: { user: 'keeper', password: 'seed-s3cret' } },
        },
      })
    ).body as { id: string; settings: Record<string, unknown>; secretsSet: string[] };

  /** An inbound message through `channelInbound`, as a channel plugin would hand it over. */
  const inbound = async (owner: Person, inboxId: string) => {
    const scope = h.t.hd.createScope();
    try {
      return await inWorkspaceScope(scope, owner.workspaceId, () =>
        scope.cradle.channelInbound.receive(scope, owner.workspaceId, {
          inboxId,
          from: { email: 'flyer@example.test', name: 'Fly Er' },
          subject: 'Coo',
          text: 'Hello',
          html: '<p>Hello <img src="cid:logo@x"><script>alert(1)</script></p>',
          attachments: [
            { filename: 'logo.png', data: Buffer.from('png-ish'), contentId: 'logo@x' },
          ],
        }),
      );
    } finally {
      await scope.dispose();
    }
  };

  const reply = (owner: Person, ticketId: string) =>
    h.expectStatus(201, 'POST', `/tickets/${ticketId}/messages`, {
      token: owner.token,
      body: { body: 'On its way' },
    });

  const history = (owner: Person, ticketId: string, messageId: string, status = 200) =>
    h.expectStatus(status, 'GET', `/tickets/${ticketId}/messages/${messageId}/deliveries`, {
      token: owner.token,
    });

  it('encrypts secret settings at rest, never returns them, and keeps them on update', async () => {
    const owner = await h.signUp();
    const inbox = await pigeonInbox(owner);
    expect(inbox.settings).toEqual({ loft: 'north', auth: { user: 'keeper' } });
    expect(inbox.secretsSet).toEqual(['auth.password']);
    const [row] = await h.sql(`select settings::text as s from inbox where id = ?`, [inbox.id]);
    expect(row.s).not.toContain('seed-s3cret');
    expect(row.s).toContain('$enc');
    const patched = await h.expectStatus(200, 'PATCH', `/inboxes/${inbox.id}`, {
      token: owner.token,
      body: { settings: { loft: 'south', auth: { user: 'keeper2' } } },
    });
    expect(patched.body.settings).toEqual({ loft: 'south', auth: { user: 'keeper2' } });
    expect(patched.body.secretsSet).toEqual(['auth.password']);
    const listed = await h.expectStatus(200, 'GET', '/inboxes', { token: owner.token });
    expect(JSON.stringify(listed.body)).not.toContain('seed-s3cret');

    // The provider sees the decrypted value when it sends.
    const { ticketId } = await inbound(owner, inbox.id);
    sent.length = 0;
    nextResult = { status: 'sent', externalId: 'p-1' };
    await reply(owner, ticketId);
    await eventually(() => sent.length === 1);
    expect(sent[0]!.settings).toEqual({
      loft: 'south',
      auth: { user: 'keeper2', password: 'seed-s3cret' },
    });
  });

  it('stores inbound HTML sanitized, with cid images naming the stored attachments', async () => {
    const owner = await h.signUp();
    const inbox = await pigeonInbox(owner);
    const result = await inbound(owner, inbox.id);
    expect(result.outcome).toBe('created');
    expect(result.attachmentIds).toHaveLength(1);
    const [msg] = await h.sql(`select body_html from ticket_message where id = ?`, [
      result.messageId,
    ]);
    expect(msg.body_html).not.toContain('<script');
    expect(msg.body_html).toContain(`cid:${result.attachmentIds[0]}`);
  });

  it('dispatches a reply through the inbox provider and records its delivery history', async () => {
    const owner = await h.signUp();
    const other = await h.signUp();
    const inbox = await pigeonInbox(owner);
    const { ticketId } = await inbound(owner, inbox.id);

    sent.length = 0;
    nextResult = { status: 'sent', externalId: 'p-42' };
    const first = await reply(owner, ticketId);
    await eventually(
      async () => (await history(owner, ticketId, first.body.id)).body.status === 'sent',
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]!.message).toMatchObject({
      ticketId,
      messageId: first.body.id,
      to: 'flyer@example.test',
      subject: 'Coo',
      body: 'On its way',
    });
    const h1 = await history(owner, ticketId, first.body.id);
    expect(h1.body.data.map((e: { status: string }) => e.status)).toEqual(['queued', 'sent']);

    // A provider with nothing configured captures: never reported as sent.
    nextResult = { status: 'captured', reason: 'no transport' };
    const second = await reply(owner, ticketId);
    await eventually(
      async () => (await history(owner, ticketId, second.body.id)).body.status === 'captured',
    );

    // A permanent failure is recorded once and shown on the timeline.
    nextResult = { status: 'failed', error: '550 no', retryable: false };
    const third = await reply(owner, ticketId);
    await eventually(
      async () => (await history(owner, ticketId, third.body.id)).body.status === 'failed',
    );
    const events = await h.sql(
      `select type from ticket_event where ticket_id = ? and type like 'delivery_%'`,
      [ticketId],
    );
    expect(events.map((e) => e.type)).toEqual(['delivery_failed']);

    // Another workspace sees none of it.
    await history(other, ticketId, first.body.id, 404);
    const [otherInbox] = [await pigeonInbox(other)];
    const otherTicket = await inbound(other, otherInbox.id);
    await history(other, otherTicket.ticketId, first.body.id, 404);
  });
});
