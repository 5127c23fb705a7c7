/**
 * `start --demo`'s seeder on the suite's database: the first workspace gets agents in a team,
 * organizations, contacts and tickets with conversations across statuses, spread over weeks, all
 * through the API (timeline events and domain events included); a second run adds nothing; the
 * temporary API key is revoked.
 */
import { startMembers, type MembersHarness } from '../members/testkit.test.js';
import { identityModule } from '../identity/identity.module.js';
import { membersModule } from '../members/members.module.js';
import { contactsModule } from '../contacts/contacts.module.js';
import { ticketsModule } from '../tickets/tickets.module.js';
import { seedDemo } from './seed-demo.js';

describe('demo data', () => {
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
    });
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  it('fills the first workspace once, through the API', async () => {
    const owner = await h.signUp('first');
    const later = await h.signUp('second');
    const first = await seedDemo(h.t.hd);
    expect(first).toEqual({
      seeded: true,
      workspaceId: owner.workspaceId,
      tickets: 200,
      contacts: 50,
    });
    const count = async (sql: string) => Number((await h.sql(sql, [owner.workspaceId]))[0].n);
    expect(await count('select count(*) as n from ticket where workspace_id = ?')).toBe(200);
    expect(await count('select count(*) as n from contact where workspace_id = ?')).toBe(50);
    expect(await count('select count(*) as n from organization where workspace_id = ?')).toBe(8);
    expect(
      await count(`select count(distinct status) as n from ticket where workspace_id = ?`),
    ).toBeGreaterThanOrEqual(5);
    expect(
      await count(
        `select count(*) as n from ticket_message where workspace_id = ? and kind = 'note'`,
      ),
    ).toBeGreaterThan(20);
    expect(
      await count(
        `select count(*) as n from ticket_message where workspace_id = ? and direction = 'outbound'
           and author_user_id is not null`,
      ),
    ).toBeGreaterThan(150);
    // Timestamps spread over weeks, not all "now".
    const [span] = await h.sql(
      `select extract(epoch from max(created_at) - min(created_at)) / 86400 as days
         from ticket where workspace_id = ?`,
      [owner.workspaceId],
    );
    expect(Number(span.days)).toBeGreaterThan(20);
    // Through the services: timelines and domain events exist.
    expect(
      await count(`select count(*) as n from ticket_event where workspace_id = ?`),
    ).toBeGreaterThan(200);
    expect(
      await count(
        `select count(*) as n from domain_event where workspace_id = ? and name = 'ticket.created'`,
      ),
    ).toBe(200);
    // Agents and their team, visible to the owner.
    const members = await h.expectStatus(200, 'GET', '/members', { token: owner.token });
    expect(members.body.length).toBe(4);
    const teams = await h.expectStatus(200, 'GET', '/teams', { token: owner.token });
    expect(teams.body).toEqual([
      expect.objectContaining({ name: 'Support', memberIds: expect.any(Array) }),
    ]);
    expect(teams.body[0].memberIds).toHaveLength(3);
    // The seeding key is gone; the second workspace is untouched.
    const keys = await h.expectStatus(200, 'GET', '/api-keys', { token: owner.token });
    expect(keys.body.every((k: { revokedAt: string | null }) => k.revokedAt !== null)).toBe(true);
    expect(
      Number(
        (
          await h.sql('select count(*) as n from ticket where workspace_id = ?', [
            later.workspaceId,
          ])
        )[0].n,
      ),
    ).toBe(0);

    const second = await seedDemo(h.t.hd);
    expect(second.seeded).toBe(false);
    expect(await count('select count(*) as n from ticket where workspace_id = ?')).toBe(200);
  }, 240_000);
});
