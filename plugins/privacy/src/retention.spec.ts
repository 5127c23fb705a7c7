/**
 * Retention (PRV-09, PRV-13, PRV-17, PRV-31): per-workspace days per target, a dry run that
 * counts and changes nothing, a run that processes exactly those rows in batches and skips the
 * records of subjects under legal hold; the clock is moved rather than the data.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  P,
  seedContact,
  startPrivacy,
  type MembersHarness,
  type Person,
  until,
} from './testkit.test.js';

const DAY = 86_400_000;

describe('privacy: retention', () => {
  let h: MembersHarness;
  let owner: Person;
  beforeAll(async () => {
    h = await startPrivacy();
    owner = await h.signUp('retention');
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  /** Signs in again: access tokens do not survive a month of clock travel. */
  const fresh = () => h.login(owner.email, owner.password);

  const runs = async (token: string, target: string, count: number) => {
    let data: { target: string; dryRun: boolean; processed: number; skippedHold: number }[] = [];
    await until(async () => {
      const res = await h.expectStatus(200, 'GET', `${P}/retention/runs`, { token });
      data = res.body.data.filter(
        (r: { target: string; dryRun: boolean }) => r.target === target && !r.dryRun,
      );
      return data.length >= count;
    });
    return data;
  };

  it('closed tickets: the dry run counts, the run deletes exactly those, a held requester is skipped', async () => {
    const a = await seedContact(h, owner, 'old1');
    const b = await seedContact(h, owner, 'old2');
    const held = await seedContact(h, owner, 'oldheld');
    const recent = await seedContact(h, owner, 'recent');
    const close = (id: string, token: string) =>
      h.expectStatus(200, 'PATCH', `/tickets/${id}`, { token, body: { status: 'closed' } });
    // Three tickets closed today; 40 days later, one more.
    for (const s of [a, b, held]) await close(s.ticketIds[0]!, owner.token);
    h.clock.offsetMs = 40 * DAY;
    const now = await fresh();
    await close(recent.ticketIds[0]!, now.token);
    await h.expectStatus(201, 'POST', `${P}/holds`, {
      token: now.token,
      body: { subject: { kind: 'contact', id: held.contactId }, reason: 'tax audit' },
    });
    const policy = await h.expectStatus(200, 'PUT', `${P}/retention/tickets.closed`, {
      token: now.token,
      body: { days: 30 },
    });
    expect(policy.body).toMatchObject({ type: 'tickets.closed', days: 30, custom: true });

    const dry = await h.expectStatus(200, 'POST', `${P}/retention/tickets.closed/dry-run`, {
      token: now.token,
    });
    expect(dry.body).toMatchObject({ dryRun: true, processed: 2, skippedHold: 1 });
    const [{ n: before }] = await h.sql(
      `select count(*)::int as n from ticket where workspace_id = ?`,
      [owner.workspaceId],
    );
    expect(before).toBe(4);

    await h.expectStatus(202, 'POST', `${P}/retention/run`, { token: now.token });
    const [run] = await runs(now.token, 'tickets.closed', 1);
    expect(run).toMatchObject({ processed: 2, skippedHold: 1 });
    const left = await h.sql(`select id from ticket where workspace_id = ? order by id`, [
      owner.workspaceId,
    ]);
    expect(left.map((r) => r.id).sort()).toEqual([held.ticketIds[0], recent.ticketIds[0]].sort());
  }, 120000);

  it('IP addresses of sessions are nulled after N days; the newest session keeps its address (PRV-13)', async () => {
    const now = await fresh();
    await h.expectStatus(200, 'PUT', `${P}/retention/sessions.ipAddresses`, {
      token: now.token,
      body: { days: 7 },
    });
    const [{ n: withIp }] = await h.sql(
      `select count(*)::int as n from auth_session where workspace_id = ? and (ip is not null or user_agent is not null)`,
      [owner.workspaceId],
    );
    expect(withIp).toBeGreaterThan(0);
    h.clock.offsetMs = 8 * DAY;
    try {
      const later = await fresh(); // a new session, today's: it keeps its address
      await h.expectStatus(202, 'POST', `${P}/retention/run`, { token: later.token });
      await runs(later.token, 'sessions.ipAddresses', 1);
      const rows = await h.sql(
        `select ip, created_at from auth_session where workspace_id = ? order by created_at`,
        [owner.workspaceId],
      );
      const cutoff = Date.now() + 8 * DAY - 7 * DAY;
      for (const row of rows) {
        if (new Date(row.created_at).getTime() < cutoff) expect(row.ip).toBeNull();
      }
      expect(rows.at(-1).ip).not.toBeNull();
    } finally {
      h.clock.offsetMs = 0;
    }
  }, 120000);

  it('delivery logs older than their policy go; newer ones stay (PRV-09)', async () => {
    const now = await fresh();
    // A receiver that accepts everything, so each delivery is one final row (no retries).
    const receiver = createServer((_req, res) => res.writeHead(204).end());
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    const delivered = async (ticketId: string) =>
      (
        await h.sql(
          `select 1 from webhook_delivery d join domain_event e on e.id = d.event_id
            where d.workspace_id = ? and d.status = 'succeeded' and e.payload->>'ticketId' = ?`,
          [owner.workspaceId, ticketId],
        )
      ).length > 0;
    try {
      await h.expectStatus(201, 'POST', '/webhooks', {
        token: now.token,
        body: { url: `http://127.0.0.1:${port}/hook`, eventTypes: ['ticket.created'] },
      });
      const early = await seedContact(h, owner, 'hooked');
      await until(() => delivered(early.ticketIds[0]!));
      h.clock.offsetMs = 91 * DAY;
      const later = await fresh();
      // A delivery made "today" (91 days on): it must stay.
      const recent = await seedContact(h, later, 'hooked2');
      await until(() => delivered(recent.ticketIds[0]!));
      await h.expectStatus(202, 'POST', `${P}/retention/run`, { token: later.token });
      const cutoff = new Date(Date.now() + h.clock.offsetMs - 90 * DAY);
      await until(async () => {
        const [{ n }] = await h.sql(
          `select count(*)::int as n from webhook_delivery where workspace_id = ? and created_at < ?`,
          [owner.workspaceId, cutoff],
        );
        return n === 0;
      });
      expect(await delivered(early.ticketIds[0]!)).toBe(false);
      expect(await delivered(recent.ticketIds[0]!)).toBe(true);
    } finally {
      receiver.close();
      h.clock.offsetMs = 0;
    }
  }, 120000);

  it('refuses unknown targets (404) and a dry run of a target kept for ever (409)', async () => {
    const now = await fresh();
    await h.expectStatus(404, 'PUT', `${P}/retention/nothing.here`, {
      token: now.token,
      body: { days: 3 },
    });
    await h.expectStatus(200, 'PUT', `${P}/retention/audit.events`, {
      token: now.token,
      body: { days: null },
    });
    const res = await h.call('POST', `${P}/retention/audit.events/dry-run`, { token: now.token });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('retention_off');
    const list = await h.expectStatus(200, 'GET', `${P}/retention`, { token: now.token });
    const types = list.body.data.map((p: { type: string }) => p.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'tickets.closed',
        'sessions.ipAddresses',
        'audit.events',
        'privacy.exports',
      ]),
    );
  }, 120000);
});
