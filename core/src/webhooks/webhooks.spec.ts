/**
 * Outgoing webhooks and the change feed over HTTP, on the suite's database. A real receiver on
 * 127.0.0.1 gets the deliveries; signatures are checked independently with node:crypto.
 * Events are recorded through a tiny test plugin (`POST /api/p/wh-probe/events`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { definePlugin } from '../kernel/plugins/define-plugin.js';
import { defineRoute, reply } from '../http/route.js';
import { identityModule } from '../identity/identity.module.js';
import { membersModule } from '../members/members.module.js';
import { startMembers, type MembersHarness, type Person } from '../members/testkit.test.js';
import { eventually } from '../testing/eventually.js';
import { webhooksModule } from './webhooks.module.js';
import { checkTargetUrl, isPrivateAddress } from './targets.js';

const probe = definePlugin({
  id: 'wh-probe',
  version: '1.0.0',
  core: '*',
  register(ctx) {
    ctx.route(
      defineRoute({
        method: 'post',
        path: '/events',
        operationId: 'whProbeRecord',
        summary: 'Records domain events in the request transaction',
        access: 'authenticated',
        request: {
          body: z.object({
            events: z.array(
              z.object({ name: z.string(), payload: z.record(z.string(), z.unknown()) }),
            ),
          }),
        },
        responses: {
          201: { description: 'Recorded', schema: z.object({ ids: z.array(z.string()) }) },
        },
        async handler({ scope, body }) {
          const { em, events, workspaceId } = scope.cradle;
          const ids = body.events.map(
            (e) => events.record(em, e.name, e.payload, { workspaceId }).id,
          );
          await em.flush();
          return reply(201, { ids });
        },
      }),
    );
  },
});

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Verifies a Standard Webhooks signature from scratch (no code of the module involved). */
function verify(secret: string, r: Received): boolean {
  const id = String(r.headers['webhook-id']);
  const timestamp = String(r.headers['webhook-timestamp']);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${r.body}`).digest();
  return String(r.headers['webhook-signature'])
    .split(' ')
    .some((sig) => {
      const [version, value] = sig.split(',');
      const given = Buffer.from(value ?? '', 'base64');
      return (
        version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected)
      );
    });
}

describe('webhooks and change feed', () => {
  let h: MembersHarness;
  let server: Server;
  let base: string;
  const received: Received[] = [];
  /** Per path: status codes to answer with, in order (then 200). */
  const script = new Map<string, number[]>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const status = script.get(path)?.shift() ?? 200;
        res.writeHead(status).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    h = await startMembers({
      modules: [
        identityModule({
          bootstrapAdmin: false,
          rateLimits: { signupPerIp: { limit: 10_000, windowSeconds: 3600 } },
        }),
        membersModule(),
        webhooksModule({ retryDelaySeconds: 1, retryLimit: 2 }),
      ],
      plugins: [probe],
    });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await new Promise((resolve) => server?.close(resolve));
  }, 30_000);

  const record = async (who: Person, events: { name: string; payload?: object }[]) =>
    (
      await h.expectStatus(201, 'POST', '/api/p/wh-probe/events', {
        token: who.token,
        body: { events: events.map((e) => ({ payload: {}, ...e })) },
      })
    ).body.ids as string[];

  const subscribe = async (who: Person, path: string, eventTypes: string[]) =>
    (
      await h.expectStatus(201, 'POST', '/webhooks', {
        token: who.token,
        body: { url: `${base}${path}`, eventTypes, description: path },
      })
    ).body as { id: string; secret: string };

  const at = (path: string) => received.filter((r) => r.path === path);
  const deliveries = async (who: Person, id: string) =>
    (await h.expectStatus(200, 'GET', `/webhooks/${id}/deliveries`, { token: who.token })).body
      .data as { id: string; attempt: number; status: string; responseStatus: number | null }[];

  it('delivers a signed event that an independent check verifies, and logs the attempt', async () => {
    const owner = await h.signUp();
    const hook = await subscribe(owner, '/signed', ['probe.happened']);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const listed = await h.expectStatus(200, 'GET', '/webhooks', { token: owner.token });
    expect(JSON.stringify(listed.body)).not.toContain(hook.secret);
    expect(listed.body).toEqual([expect.objectContaining({ id: hook.id, enabled: true })]);

    const [other] = await record(owner, [{ name: 'probe.ignored' }]);
    const [eventId] = await record(owner, [{ name: 'probe.happened', payload: { n: 1 } }]);
    await eventually(() => at('/signed').length === 1);
    const [got] = at('/signed');
    expect(verify(hook.secret, got!)).toBe(true);
    expect(verify('whsec_' + Buffer.alloc(32).toString('base64'), got!)).toBe(false);
    expect(Math.abs(Number(got!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(
      60,
    );
    const body = JSON.parse(got!.body);
    expect(body).toEqual({
      type: 'probe.happened',
      timestamp: expect.any(String),
      data: { n: 1, id: eventId },
    });
    expect(got!.body).not.toContain(other!);
    await eventually(async () => (await deliveries(owner, hook.id))[0]?.status === 'succeeded');
    expect(await deliveries(owner, hook.id)).toEqual([
      expect.objectContaining({ attempt: 1, status: 'succeeded', responseStatus: 200 }),
    ]);
  }, 30_000);

  it('retries a failed delivery with the same webhook-id, and replays on request', async () => {
    const owner = await h.signUp();
    script.set('/flaky', [500]);
    const hook = await subscribe(owner, '/flaky', ['*']);
    await record(owner, [{ name: 'probe.flaky' }]);
    await eventually(async () => {
      const log = await deliveries(owner, hook.id);
      return log.some((d) => d.status === 'succeeded');
    }, 20_000);
    const log = await deliveries(owner, hook.id);
    expect(log).toEqual([
      expect.objectContaining({ attempt: 2, status: 'succeeded', responseStatus: 200 }),
      expect.objectContaining({ attempt: 1, status: 'failed', responseStatus: 500 }),
    ]);
    const calls = at('/flaky');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.headers['webhook-id']).toBe(calls[0]!.headers['webhook-id']);
    expect(calls.every((c) => verify(hook.secret, c))).toBe(true);

    const replay = await h.expectStatus(
      202,
      'POST',
      `/webhooks/${hook.id}/deliveries/${log[1]!.id}/replay`,
      { token: owner.token },
    );
    expect(replay.body).toEqual(expect.objectContaining({ attempt: 3, status: 'pending' }));
    await eventually(() => at('/flaky').length === 3);
    expect(at('/flaky')[2]!.headers['webhook-id']).toBe(calls[0]!.headers['webhook-id']);
    await eventually(async () => (await deliveries(owner, hook.id))[0]?.status === 'succeeded');
  }, 40_000);

  it('keeps workspaces apart: 404 on every id route, no foreign events delivered', async () => {
    const a = await h.signUp('a');
    const b = await h.signUp('b');
    const hookA = await subscribe(a, '/a-all', ['*']);
    const hookB = await subscribe(b, '/b-all', ['*']);
    const [eventA] = await record(a, [{ name: 'probe.a' }]);
    const [eventB] = await record(b, [{ name: 'probe.b' }]);
    await eventually(() => at('/a-all').length === 1 && at('/b-all').length === 1);
    const logA = await deliveries(a, hookA.id);
    const foreign = [
      ['GET', `/webhooks/${hookA.id}`, undefined],
      ['PATCH', `/webhooks/${hookA.id}`, { enabled: false }],
      ['DELETE', `/webhooks/${hookA.id}`, undefined],
      ['GET', `/webhooks/${hookA.id}/deliveries`, undefined],
      ['POST', `/webhooks/${hookA.id}/deliveries/${logA[0]!.id}/replay`, undefined],
      ['POST', `/webhooks/${hookB.id}/deliveries/${logA[0]!.id}/replay`, undefined],
    ] as const;
    for (const [method, path, body] of foreign) {
      const res = await h.call(method, path, { token: b.token, ...(body ? { body } : {}) });
      expect([method, path, res.status, res.body?.code]).toEqual([method, path, 404, 'not_found']);
    }
    await new Promise((r) => setTimeout(r, 1000));
    expect(at('/a-all').map((r) => JSON.parse(r.body).data.id)).toEqual([eventA]);
    expect(at('/b-all').map((r) => JSON.parse(r.body).data.id)).toEqual([eventB]);
    expect(
      (await h.expectStatus(200, 'GET', `/webhooks/${hookA.id}`, { token: a.token })).body,
    ).toEqual(expect.objectContaining({ enabled: true }));
  }, 30_000);

  it('validates subscriptions: http(s) only, known fields, update and delete', async () => {
    const owner = await h.signUp();
    for (const url of [
      'ftp://example.com/x',
      'file:///etc/passwd',
      'not a url',
      'javascript:alert(1)',
    ]) {
      const res = await h.call('POST', '/webhooks', {
        token: owner.token,
        body: { url, eventTypes: ['*'] },
      });
      expect([url, res.status]).toEqual([url, 400]);
    }
    const bad = await h.call('POST', '/webhooks', {
      token: owner.token,
      body: { url: `${base}/x`, eventTypes: [] },
    });
    expect(bad.status).toBe(400);
    const hook = await subscribe(owner, '/x', ['probe.one']);
    const patched = await h.expectStatus(200, 'PATCH', `/webhooks/${hook.id}`, {
      token: owner.token,
      body: { enabled: false, eventTypes: ['probe.two', 'probe.two'], description: null },
    });
    expect(patched.body).toEqual(
      expect.objectContaining({ enabled: false, eventTypes: ['probe.two'], description: null }),
    );
    await h.expectStatus(204, 'DELETE', `/webhooks/${hook.id}`, { token: owner.token });
    await h.expectStatus(404, 'GET', `/webhooks/${hook.id}`, { token: owner.token });
    const agent = await h.addMember(owner, 'agent');
    await h.expectStatus(403, 'GET', '/webhooks', { token: agent.token });
    await h.expectStatus(403, 'GET', '/changes', { token: agent.token });
  }, 30_000);

  it('change feed: every event of the workspace exactly once across pages, none of another', async () => {
    const a = await h.signUp('feed-a');
    const b = await h.signUp('feed-b');
    const mine: string[] = [];
    for (let i = 0; i < 4; i++) {
      mine.push(
        ...(await record(a, [{ name: 'probe.feed', payload: { i } }, { name: 'probe.other' }])),
      );
      await record(b, [{ name: 'probe.feed', payload: { i } }]);
    }
    // An event shows once every older transaction has finished (the job queue's, too): poll.
    const readAll = async () => {
      const pages: { id: string; name: string; position: string }[][] = [];
      let cursor: string | null = null;
      let hasMore = true;
      while (hasMore && pages.length < 20) {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const page = await h.expectStatus(200, 'GET', `/changes?limit=3${query}`, {
          token: a.token,
        });
        pages.push(page.body.data);
        cursor = page.body.nextCursor;
        hasMore = page.body.hasMore;
      }
      return { pages, cursor };
    };
    let all = await readAll();
    await eventually(async () => {
      all = await readAll();
      return all.pages.flat().length >= mine.length;
    });
    const { pages, cursor } = all;
    const seen = pages.flat().map((e) => e.id);
    expect(seen).toHaveLength(mine.length);
    expect(new Set(seen)).toEqual(new Set(mine));
    expect(pages.every((p) => p.length <= 3)).toBe(true);

    // Resuming from the last cursor yields only what came after, once.
    const empty = await h.expectStatus(200, 'GET', `/changes?cursor=${cursor}`, { token: a.token });
    expect(empty.body).toEqual({ data: [], nextCursor: cursor, hasMore: false });
    const [later] = await record(a, [{ name: 'probe.feed', payload: { later: true } }]);
    let next = await h.call('GET', `/changes?cursor=${cursor}`, { token: a.token });
    await eventually(async () => {
      next = await h.call('GET', `/changes?cursor=${cursor}`, { token: a.token });
      return next.body.data.length > 0;
    });
    expect(next.body.data).toEqual([
      expect.objectContaining({ id: later, name: 'probe.feed', payload: { later: true } }),
    ]);

    const filtered = await h.expectStatus(200, 'GET', '/changes?types=probe.other&limit=100', {
      token: a.token,
    });
    expect(filtered.body.data).toHaveLength(4);
    const forged = await h.call('GET', '/changes?cursor=bm90LWEtY3Vyc29y', { token: a.token });
    expect([forged.status, forged.body.code]).toEqual([400, 'invalid_cursor']);
  }, 30_000);
});

describe('webhook targets (SSRF guard)', () => {
  it('refuses private and loopback literals when private targets are not allowed', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '0.0.0.0',
    ])
      expect([address, isPrivateAddress(address)]).toEqual([address, true]);
    for (const address of ['93.184.216.34', '2606:4700::1111', 'example.com'])
      expect([address, isPrivateAddress(address)]).toEqual([address, false]);
    expect(() => checkTargetUrl('http://127.0.0.1:8080/x', false)).toThrow(/private/);
    expect(() => checkTargetUrl('http://[::1]/x', false)).toThrow(/private/);
    expect(() => checkTargetUrl('http://localhost/x', false)).toThrow(/private/);
    expect(() => checkTargetUrl('gopher://example.com/', true)).toThrow(/http/);
    expect(checkTargetUrl('https://hooks.example.com/x', false).hostname).toBe('hooks.example.com');
    expect(checkTargetUrl('http://127.0.0.1:8080/x', true).port).toBe('8080');
  });
});
