/**
 * The incremental report tables equal a rebuild from scratch after a random sequence of
 * operations through the API (creates, assignments, status changes including reopenings,
 * replies, tag and priority changes, merges), applied by the event subscribers as they arrive.
 */
import type { Person } from '../../../../core/src/members/testkit.test.js';
import { startAnalytics, type AnalyticsHarness } from '../harness.test.js';
import { rebuildChunk, startRebuild } from './rebuild.js';

/** mulberry32: a small seeded PRNG, so a failure can be replayed with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('rollups equal a rebuild', () => {
  let h: AnalyticsHarness;
  beforeAll(async () => {
    h = await startAnalytics();
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  const tables = async (workspaceId: string) => ({
    rollup: await h.sql(
      `select hour, kind, agent_id, team_id, inbox_id, channel, priority, count, sum_seconds, sum_replies
         from analytics_rollup_hour where workspace_id = ? order by 1, 2, 3, 4, 5, 6, 7`,
      [workspaceId],
    ),
    days: await h.sql(
      `select dim, kind, day::text, value, count, sum_seconds, sum_replies
         from analytics_rollup_day where workspace_id = ? order by 1, 2, 3, 4`,
      [workspaceId],
    ),
    activities: await h.sql(
      `select ticket_id, seq, kind, at, agent_id, team_id, inbox_id, channel, priority, tags, seconds, replies
         from analytics_ticket_activity where workspace_id = ? order by ticket_id, seq`,
      [workspaceId],
    ),
    facts: await h.sql(
      `select * from analytics_ticket_fact where workspace_id = ? order by ticket_id`,
      [workspaceId],
    ),
  });

  it('after a random sequence of operations', async () => {
    const seed = Number(process.env.ANALYTICS_SEED ?? Date.now() % 100_000);
    const random = prng(seed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const owner = await h.signUp('owner');
    const agent: Person = await h.addMember(owner, 'agent', 'agent');
    const people = [owner, agent];
    const tickets: string[] = [];
    const merged = new Set<string>();
    const open = () => tickets.filter((t) => !merged.has(t));

    for (let step = 0; step < 40; step++) {
      const roll = random();
      if (tickets.length < 2 || roll < 0.2) {
        const res = await h.expectStatus(201, 'POST', '/tickets', {
          token: owner.token,
          body: {
            subject: `Ticket ${step}`,
            requester: { email: `r${step % 5}@example.test` },
            message: { body: 'Hi' },
            priority: pick(['low', 'normal', 'high', 'urgent']),
            tags: random() < 0.5 ? [pick(['a', 'b', 'c'])] : [],
          },
        });
        tickets.push(res.body.id as string);
      } else if (roll < 0.45) {
        await h.expectStatus(200, 'PATCH', `/tickets/${pick(open())}`, {
          token: owner.token,
          body: { status: pick(['open', 'pending', 'solved', 'closed', 'open', 'solved']) },
        });
      } else if (roll < 0.65) {
        await h.expectStatus(201, 'POST', `/tickets/${pick(open())}/messages`, {
          token: pick(people).token,
          body: { body: 'Reply' },
        });
      } else if (roll < 0.8) {
        await h.expectStatus(200, 'PATCH', `/tickets/${pick(open())}`, {
          token: owner.token,
          body: {
            assigneeId: pick([owner.userId, agent.userId, null]),
            priority: pick(['low', 'normal', 'high', 'urgent']),
            tags: random() < 0.5 ? [pick(['a', 'b', 'c'])] : [],
          },
        });
      } else if (open().length >= 3) {
        const [source, target] = [pick(open()), pick(open())];
        if (source !== target) {
          await h.expectStatus(200, 'POST', `/tickets/${source}/merge`, {
            token: owner.token,
            body: { targetTicketId: target },
          });
          merged.add(source);
        }
      }
    }
    await h.settle();
    const incremental = await tables(owner.workspaceId);
    expect(incremental.facts).toHaveLength(tickets.length);

    const runId = await h.inWorkspace(owner.workspaceId, (sql) =>
      startRebuild(sql, owner.workspaceId, new Date()),
    );
    let state;
    do {
      state = await h.inWorkspace(owner.workspaceId, (sql) =>
        rebuildChunk(sql, owner.workspaceId, runId, 3, new Date()),
      );
    } while (state?.status === 'running');
    const rebuilt = await tables(owner.workspaceId);
    expect({ seed, ...rebuilt }).toEqual({ seed, ...incremental });
  }, 120_000);
});
