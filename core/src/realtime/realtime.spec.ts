/**
 * Realtime over HTTP on the suite's database: the event stream (ticket, message and note events
 * with what changed, only the caller's workspace, notes only for agents), heartbeats,
 * `Last-Event-ID` replay, clean-up on disconnect, collision hints (presence routes and events,
 * expiry), and — in server mode — fan-out between two helpdesk instances on one database through
 * LISTEN/NOTIFY, with graceful shutdown ending the streams.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { identityModule } from '../identity/identity.module.js';
import { membersModule } from '../members/members.module.js';
import { startMembers, type MembersHarness, type Person } from '../members/testkit.test.js';
import { contactsModule } from '../contacts/contacts.module.js';
import { ticketsModule } from '../tickets/tickets.module.js';
import { createHelpdesk, type Helpdesk } from '../kernel/helpdesk.js';
import { TEST_SECRET } from '../testing/test-helpdesk.js';
import { testDbKind } from '../testing/test-database.js';
import { eventually } from '../testing/eventually.js';
import { realtimeModule } from './realtime.module.js';
import { openStream, type SseStream } from './sse-client.test.js';

const modules = () => [
  identityModule({
    bootstrapAdmin: false,
    rateLimits: { signupPerIp: { limit: 10_000, windowSeconds: 3600 } },
  }),
  membersModule(),
  contactsModule,
  ticketsModule,
  realtimeModule({ heartbeatSeconds: 0.5, presenceTtlSeconds: 30 }),
];

describe('realtime module', () => {
  let h: MembersHarness;
  const streams: SseStream[] = [];
  beforeAll(async () => {
    h = await startMembers({ modules: modules() });
  }, 60_000);
  afterEach(() => {
    for (const s of streams.splice(0)) s.close();
  });
  afterAll(() => h?.close(), 30_000);

  const open = async (who: Person, headers: Record<string, string> = {}) => {
    const stream = await openStream(h.t.url, who.token, headers);
    streams.push(stream);
    expect(stream.status).toBe(200);
    return stream;
  };
  const createTicket = async (who: Person, subject = 'Printer on fire') =>
    (
      await h.expectStatus(201, 'POST', '/tickets', {
        token: who.token,
        body: { subject, requester: { email: 'r@example.test' }, message: { body: 'Help' } },
      })
    ).body as { id: string };
  const hub = () => h.t.hd.container.resolve('realtimeHub');

  it('refuses clients that do not ask for an event stream, and anonymous ones', async () => {
    const owner = await h.signUp();
    const plain = await h.call('GET', '/realtime', { token: owner.token });
    expect(plain.status).toBe(406);
    expect(plain.body.code).toBe('not_acceptable');
    expect(
      (await h.call('GET', '/realtime', { headers: { accept: 'text/event-stream' } })).status,
    ).toBe(401);
    const bad = await h.call('GET', '/realtime', {
      token: owner.token,
      headers: { accept: 'text/event-stream', 'last-event-id': 'abc' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('headers.last-event-id');
  });

  it("streams the workspace's ticket, message and note events with what changed, and heartbeats", async () => {
    const owner = await h.signUp('a');
    const reader = await h.addMember(owner, 'read_only', 'reader');
    const other = await h.signUp('b');
    const stream = await open(owner);
    const readerStream = await open(reader);
    const otherStream = await open(other);
    expect(hub().size).toBeGreaterThanOrEqual(3);

    const ticket = await createTicket(owner);
    const created = await stream.next((e) => e.event === 'ticket.created');
    expect(created.data).toMatchObject({ type: 'ticket.created', ticketId: ticket.id });
    expect(created.id).toMatch(/^\d+$/);
    const message = await stream.next((e) => e.event === 'message.created');
    expect(message.data).toMatchObject({ ticketId: ticket.id, messageId: expect.any(String) });

    await h.expectStatus(200, 'PATCH', `/tickets/${ticket.id}`, {
      token: owner.token,
      body: { status: 'open', assigneeId: owner.userId },
    });
    const updated = await stream.next((e) => e.event === 'ticket.updated');
    expect(updated.data.ticketId).toBe(ticket.id);
    expect([...updated.data.changes].sort()).toEqual(['assigneeId', 'status']);
    expect(updated.data.actor).toEqual({ kind: 'user', id: owner.userId });

    await h.expectStatus(201, 'POST', `/tickets/${ticket.id}/notes`, {
      token: owner.token,
      body: { body: 'internal' },
    });
    await stream.next((e) => e.event === 'note.created');
    // The read-only member saw the ticket's events but not the note.
    await readerStream.next((e) => e.event === 'ticket.updated');
    // A later event for the reader proves the note had its chance to arrive.
    await h.expectStatus(201, 'POST', `/tickets/${ticket.id}/messages`, {
      token: owner.token,
      body: { body: 'public reply' },
    });
    await readerStream.next(
      (e) => e.event === 'message.created' && e.data.messageId !== message.data.messageId,
    );
    expect(readerStream.events.map((e) => e.event)).not.toContain('note.created');

    // The other workspace: its own ticket arrives, never one of A's.
    const theirs = await createTicket(other, 'Their ticket');
    await otherStream.next((e) => e.event === 'ticket.created' && e.data.ticketId === theirs.id);
    expect(JSON.stringify(otherStream.events)).not.toContain(ticket.id);
    expect(JSON.stringify(stream.events)).not.toContain(theirs.id);

    await eventually(async () => stream.comments.includes('heartbeat'), 5_000);
  });

  it('replays missed events after Last-Event-ID, then continues live', async () => {
    const owner = await h.signUp();
    const first = await open(owner);
    const t1 = await createTicket(owner, 'first');
    const seen = await first.next((e) => e.event === 'ticket.created' && e.data.ticketId === t1.id);
    first.close();
    await eventually(async () => hub().size === 0 || !first.events.length, 5_000);

    const t2 = await createTicket(owner, 'second');
    const t3 = await createTicket(owner, 'third');
    const resumed = await open(owner, { 'last-event-id': seen.id! });
    await resumed.next((e) => e.event === 'ticket.created' && e.data.ticketId === t3.id);
    const replayedTickets = resumed.events
      .filter((e) => e.event === 'ticket.created')
      .map((e) => e.data.ticketId);
    expect(replayedTickets).toEqual([t2.id, t3.id]);
    const ids = resumed.events.map((e) => BigInt(e.id!));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    // Then live.
    const t4 = await createTicket(owner, 'fourth');
    await resumed.next((e) => e.event === 'ticket.created' && e.data.ticketId === t4.id);
  });

  it('forgets a stream when its client disconnects', async () => {
    const owner = await h.signUp();
    const before = hub().size;
    const stream = await open(owner);
    expect(hub().size).toBe(before + 1);
    stream.close();
    await eventually(async () => hub().size === before, 5_000);
  });

  it('tells who else is viewing or replying, publishes changes, and lets presence expire', async () => {
    const owner = await h.signUp();
    const agent = await h.addMember(owner, 'agent', 'agent');
    const outsider = await h.signUp('outsider');
    const ticket = await createTicket(owner);
    const stream = await open(owner);

    const viewing = await h.expectStatus(200, 'POST', `/tickets/${ticket.id}/presence`, {
      token: agent.token,
      body: { state: 'viewing' },
    });
    expect(viewing.body).toEqual({ ticketId: ticket.id, viewers: [] });
    const seenByOwner = await h.expectStatus(200, 'GET', `/tickets/${ticket.id}/presence`, {
      token: owner.token,
    });
    expect(seenByOwner.body.viewers).toEqual([
      expect.objectContaining({ userId: agent.userId, name: 'Member agent', state: 'viewing' }),
    ]);
    const event = await stream.next((e) => e.event === 'presence');
    expect(event.id).toBeNull();
    expect(event.data).toEqual({
      type: 'presence',
      ticketId: ticket.id,
      viewers: [expect.objectContaining({ userId: agent.userId, state: 'viewing' })],
    });

    // The owner starts replying: the agent sees it in the answer to their refresh.
    await h.expectStatus(200, 'POST', `/tickets/${ticket.id}/presence`, {
      token: owner.token,
      body: { state: 'replying' },
    });
    const refresh = await h.expectStatus(200, 'POST', `/tickets/${ticket.id}/presence`, {
      token: agent.token,
      body: { state: 'viewing' },
    });
    expect(refresh.body.viewers).toEqual([
      expect.objectContaining({ userId: owner.userId, state: 'replying' }),
    ]);
    await stream.next(
      (e) =>
        e.event === 'presence' &&
        e.data.viewers.some((v: { state: string }) => v.state === 'replying'),
    );
    const eventsBefore = stream.events.filter((e) => e.event === 'presence').length;

    // Leaving removes the hint at once; silence makes it expire.
    await h.expectStatus(200, 'POST', `/tickets/${ticket.id}/presence`, {
      token: owner.token,
      body: { state: 'left' },
    });
    const presenceEvents = () => stream.events.filter((e) => e.event === 'presence');
    await eventually(async () => presenceEvents().length > eventsBefore, 10_000);
    expect(presenceEvents().length).toBe(eventsBefore + 1);
    expect(presenceEvents().at(-1)!.data.viewers).toEqual([
      expect.objectContaining({ userId: agent.userId, state: 'viewing' }),
    ]);
    h.clock.offsetMs += 31_000;
    try {
      const later = await h.expectStatus(200, 'GET', `/tickets/${ticket.id}/presence`, {
        token: owner.token,
      });
      expect(later.body.viewers).toEqual([]);
    } finally {
      h.clock.offsetMs -= 31_000;
    }

    // Another workspace can neither see nor touch this ticket's presence.
    expect(
      (await h.call('GET', `/tickets/${ticket.id}/presence`, { token: outsider.token })).status,
    ).toBe(404);
    const foreign = await h.call('POST', `/tickets/${ticket.id}/presence`, {
      token: outsider.token,
      body: { state: 'viewing' },
    });
    expect(foreign.status).toBe(404);
    const invalid = await h.call('POST', `/tickets/${ticket.id}/presence`, {
      token: owner.token,
      body: { state: 'typing' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].path).toBe('body.state');
  });

  const serverOnly = testDbKind() === 'postgres' ? it : it.skip;

  serverOnly(
    'fans out between two helpdesk instances on one database, and ends streams on shutdown',
    async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'novumdesk-node-b-'));
      let nodeB: Helpdesk | null = null;
      try {
        nodeB = await createHelpdesk({
          modules: modules(),
          logger: pino({ level: 'silent' }),
          config: {
            port: 0,
            secret: TEST_SECRET,
            dataDir,
            database: { url: h.t.hd.config.database.url!, autoMigrate: true },
            jobs: { pollIntervalSeconds: 0.5 },
          },
        });
        await nodeB.start();
        const owner = await h.signUp();
        const onB = await openStream(nodeB.url!, owner.token);
        streams.push(onB);
        expect(onB.status).toBe(200);
        // Written through node A, read on node B.
        const ticket = await createTicket(owner);
        const event = await onB.next(
          (e) => e.event === 'ticket.created' && e.data.ticketId === ticket.id,
        );
        expect(event.data.ticketId).toBe(ticket.id);
        await h.expectStatus(200, 'POST', `/tickets/${ticket.id}/presence`, {
          token: owner.token,
          body: { state: 'viewing' },
        });
        await onB.next((e) => e.event === 'presence' && e.data.ticketId === ticket.id);

        const started = Date.now();
        await nodeB.stop('test');
        nodeB = null;
        await onB.ended;
        expect(Date.now() - started).toBeLessThan(5_000);
      } finally {
        await nodeB?.stop().catch(() => undefined);
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
