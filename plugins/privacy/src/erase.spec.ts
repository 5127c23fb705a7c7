/**
 * Erasure end to end over HTTP: a contact with data in every module and plugin (tickets, their
 * messages and notes, an agent's reply naming them, another requester's ticket that mentions
 * them, the hello plugin's table, webhook delivery logs, outbox payloads, service messages),
 * confirmed by the link sent to their address, erased by the background job; then the PII sweep
 * finds nothing (PRV-04, PRV-24), the register keeps no cleartext (PRV-05, PRV-30), the trail
 * has a row per transition, the address is suppressed (PRV-08), and processing is denied.
 */
import { piiSweep } from './sweep.test.js';
import {
  P,
  fileRequest,
  seedContact,
  startPrivacy,
  waitForState,
  type MembersHarness,
  type Person,
  until,
} from './testkit.test.js';

describe('privacy: erasure', () => {
  let h: MembersHarness;
  let owner: Person;
  beforeAll(async () => {
    h = await startPrivacy();
    owner = await h.signUp('eraser');
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  it('erases a contact everywhere: the PII sweep finds nothing afterwards', async () => {
    const subject = await seedContact(h, owner);
    // Data in other places: another requester's ticket that names the subject, the hello
    // plugin's table, a webhook subscription (delivery log), the outbox (domain events).
    const other = await h.expectStatus(201, 'POST', '/tickets', {
      token: owner.token,
      body: {
        subject: 'Shipping delay',
        requester: { email: 'bystander@example.test', name: 'Bystander' },
        message: { body: `My neighbour ${subject.name} has the same problem.` },
      },
    });
    await h.expectStatus(201, 'POST', '/api/p/hello/greetings', {
      token: owner.token,
      body: { visitorName: subject.name, visitorEmail: subject.email },
    });
    await h.expectStatus(201, 'POST', '/webhooks', {
      token: owner.token,
      body: { url: 'http://127.0.0.1:9/hook', eventTypes: ['ticket.created'] },
    });
    // The sweep sees the subject everywhere beforehand (so it can fail).
    const before = await piiSweep(h, [subject.email, subject.name, subject.phone]);
    const places = new Set(before.map((hit) => hit.where.split('.').slice(0, 2).join('.')));
    for (const table of [
      'public.contact',
      'public.contact_email',
      'public.ticket',
      'public.ticket_message',
      'public.hello_greeting',
      'public.attachment',
    ]) {
      expect(places).toContain(table);
    }

    // The contact asks by email; the confirmation link goes to the address on file.
    const created = await h.expectStatus(201, 'POST', `${P}/requests`, {
      token: owner.token,
      body: {
        type: 'erase',
        subject: { email: subject.email },
        verification: { method: 'email_link' },
      },
    });
    expect(created.body).toMatchObject({ type: 'erase', state: 'verifying' });
    expect(created.body.preview.ticketNumbers).toHaveLength(1);
    expect(JSON.stringify(created.body)).not.toContain(subject.email);
    const mail = await h.lastMail(subject.email, 'privacy_verify_request');
    const token = /#token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? '')![1]!;
    const [{ at: startedAt }] = await h.sql(`select now() as at`);
    await h.expectStatus(200, 'POST', `${P}/verifications`, { body: { token } });
    // Single-use link.
    await h.expectStatus(404, 'POST', `${P}/verifications`, { body: { token } });
    expect(places.size).toBeGreaterThan(4);
    expect(before.some((hit) => hit.where.startsWith('file '))).toBe(true);

    const done = await waitForState(h, owner, created.body.id, ['completed']);
    expect(done.progress).toBe(100);
    expect(done.result.erased.contacts).toBeGreaterThan(0);
    expect(done.trail.map((t: { to: string }) => t.to)).toEqual([
      'received',
      'verifying',
      'in_progress',
      'completed',
    ]);
    expect(done.trail[1].actor).toMatchObject({ kind: 'user', id: owner.userId });

    // PRV-06: nothing about the subject entered the outbox once the erasure started.
    const outbox = await h.sql(
      `select name from domain_event where occurred_at >= ?
          and (payload->>'contactId' = ? or payload->>'ticketId' = any(?::text[]))`,
      [startedAt, subject.contactId, `{${subject.ticketIds.join(',')}}`],
    );
    expect(outbox).toEqual([]);

    // Other requesters' tickets stay, with the subject's traces removed.
    const kept = await h.expectStatus(200, 'GET', `/tickets/${other.body.id}`, {
      token: owner.token,
    });
    expect(JSON.stringify(kept.body)).not.toContain(subject.name);

    // The register and its trail hold no cleartext identifier.
    const register = await h.sql(
      `select r.*, (select json_agg(e) from privacy_request_event e where e.request_id = r.id) as trail
         from privacy_request r where r.id = ?`,
      [created.body.id],
    );
    const registerText = JSON.stringify(register).toLowerCase();
    for (const needle of [subject.email, subject.name, subject.phone]) {
      expect(registerText).not.toContain(needle.toLowerCase());
    }

    // Let the outbox relay and webhook fan-out settle before sweeping.
    await until(async () => {
      const pending = await h.sql(
        `select count(*)::int as n from domain_event where dispatched_at is null`,
      );
      return pending[0].n === 0;
    });
    const hits = await piiSweep(h, [subject.email, subject.name, subject.phone]);
    expect(hits).toEqual([]);

    // Suppressed: the address is known only as a keyed hash.
    const check = await h.expectStatus(
      200,
      'GET',
      `${P}/suppression?email=${encodeURIComponent(subject.email)}`,
      {
        token: owner.token,
      },
    );
    expect(check.body).toEqual({ suppressed: true });
  }, 120000);

  it('erases an agent: security events stay pseudonymous, replies lose their author, nothing identifies them (PRV-14, PRV-41)', async () => {
    const label = `agent${Math.random().toString(36).slice(2, 8)}`;
    const agent = await h.addMember(owner, 'agent', label);
    const displayName = `Member ${label}`;
    const subject = await seedContact(h, owner, 'agentcase');
    const ticketId = subject.ticketIds[0]!;
    const reply = await h.expectStatus(201, 'POST', `/tickets/${ticketId}/messages`, {
      token: agent.token,
      body: { body: 'Resolved on our side.' },
    });
    await h.expectStatus(201, 'POST', '/api/p/hello/greetings', {
      token: owner.token,
      body: { visitorName: displayName, visitorEmail: agent.email },
    });
    // A failed sign-in and a sign-in: security events with their address and client.
    await h.call('POST', '/auth/login', {
      body: { email: agent.email, password: 'wrong-password-123' },
    });
    const again = await h.login(agent.email, agent.password);
    const [{ n: events }] = await h.sql(
      `select count(*)::int as n from audit_event where actor_id = ?`,
      [agent.userId],
    );
    expect(events).toBeGreaterThan(0);

    const created = await h.expectStatus(201, 'POST', `${P}/me/requests`, {
      token: again.token,
      body: { type: 'erase', password: agent.password },
    });
    await waitForState(h, owner, created.body.id, ['completed']);

    // The security events are still there, pointing at the pseudonymous user id only.
    const [{ n: kept }] = await h.sql(
      `select count(*)::int as n from audit_event where actor_id = ?`,
      [agent.userId],
    );
    expect(kept).toBeGreaterThanOrEqual(events);
    // The reply stays, authored by a former agent (no author).
    const thread = await h.expectStatus(200, 'GET', `/tickets/${ticketId}`, { token: owner.token });
    const message = JSON.stringify(thread.body);
    expect(message).toContain(reply.body.id);
    expect(message).not.toContain(agent.userId);
    const hits = await piiSweep(h, [agent.email, displayName]);
    expect(hits).toEqual([]);
  }, 120000);

  it('refuses to erase the last owner (409) or your own account through the admin route', async () => {
    const res = await h.call('POST', `${P}/requests`, {
      token: owner.token,
      body: {
        type: 'erase',
        subject: { kind: 'user', id: owner.userId },
        verification: { method: 'admin_checked', note: 'known person' },
      },
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('own_account');
    const self = await h.call('POST', `${P}/me/requests`, {
      token: owner.token,
      body: { type: 'erase', password: owner.password },
    });
    expect(self.status).toBe(409);
    expect(self.body.code).toBe('last_owner');
  }, 120000);

  it('a legal hold blocks erasure until released, then the erasure completes (PRV-31)', async () => {
    const subject = await seedContact(h, owner, 'held');
    const hold = await h.expectStatus(201, 'POST', `${P}/holds`, {
      token: owner.token,
      body: { subject: { kind: 'contact', id: subject.contactId }, reason: 'litigation 2026-17' },
    });
    const request = await fileRequest(h, owner, {
      type: 'erase',
      subject: { kind: 'contact', id: subject.contactId },
    });
    const held = await waitForState(h, owner, request.id, ['held']);
    expect(held.trail.at(-1).reason).toContain('litigation 2026-17');
    const contact = await h.expectStatus(200, 'GET', `/contacts/${subject.contactId}`, {
      token: owner.token,
    });
    expect(contact.body.name).toBe(subject.name);

    await h.expectStatus(200, 'POST', `${P}/holds/${hold.body.id}/release`, { token: owner.token });
    await waitForState(h, owner, request.id, ['completed']);
    const after = await h.expectStatus(200, 'GET', `/contacts/${subject.contactId}`, {
      token: owner.token,
    });
    expect(after.body.name).toBeNull();
  }, 120000);

  it("another workspace's owner gets 404 on the requests and holds, and never lists them", async () => {
    const subject = await seedContact(h, owner, 'iso');
    const request = await fileRequest(h, owner, {
      type: 'restrict',
      subject: { kind: 'contact', id: subject.contactId },
    });
    const stranger = await h.signUp('stranger');
    await h.expectStatus(404, 'GET', `${P}/requests/${request.id}`, { token: stranger.token });
    await h.expectStatus(404, 'POST', `${P}/requests/${request.id}/refuse`, {
      token: stranger.token,
      body: { reason: 'not mine' },
    });
    await h.expectStatus(404, 'GET', `${P}/subjects/contact/${subject.contactId}`, {
      token: stranger.token,
    });
    const list = await h.expectStatus(200, 'GET', `${P}/requests`, { token: stranger.token });
    expect(list.body.data).toEqual([]);
  }, 120000);
});
