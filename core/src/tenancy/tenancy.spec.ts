/**
 * Tenant isolation end to end, over HTTP and through the job queue, in the suite's database mode
 * (NOVUMDESK_TEST_DB=pglite|postgres): the ORM filter, and row-level security under it for the
 * paths that bypass the filter.
 */
import { randomUUID } from 'node:crypto';
import { createTestHelpdesk, eventually, type TestHelpdesk } from '../testing/index.js';
import { APP_ROLE, withWorkspace } from './index.js';
import { authenticate, peeks, probe, ProbeNoteSchema } from './probe-plugin.test.js';

const A = randomUUID();
const B = randomUUID();
const json = { 'content-type': 'application/json' };

describe('tenant isolation', () => {
  let t: TestHelpdesk;
  const ids: Record<string, string> = {};
  let loginRole: string;

  const call = async (as: string, method: string, path: string, body?: unknown) => {
    const res = await t.request(`/api/p/probe${path}`, {
      method,
      headers: { ...json, 'x-test-user': as },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  };
  /** Every note, as the login role with the filter off: what is really stored. */
  const stored = async () =>
    (await t.hd.orm.em.fork().find(ProbeNoteSchema, {}, { filters: false }))
      .map((n) => `${n.workspaceId === A ? 'A' : n.workspaceId === B ? 'B' : '?'}:${n.body}`)
      .sort();

  beforeAll(async () => {
    t = await createTestHelpdesk({ plugins: [probe({})], authenticate });
    for (const [as, body] of [
      [A, 'a1'],
      [A, 'a2'],
      [B, 'b1'],
    ] as const) {
      const res = await call(as, 'POST', '/notes', { body });
      expect(res.status).toBe(201);
      ids[body] = res.body.id;
    }
    [{ role: loginRole }] = await t.hd.orm.em.fork().execute('select current_user as role');
  }, 60_000);
  afterAll(() => t?.close(), 30_000);

  it('stores each note in its author’s workspace', async () => {
    expect(await stored()).toEqual(['A:a1', 'A:a2', 'B:b1']);
  });

  it('keeps reads, updates and deletes through the ORM to the caller’s workspace', async () => {
    expect((await call(A, 'GET', '/notes')).body).toEqual(['a1', 'a2']);
    expect((await call(B, 'GET', '/notes')).body).toEqual(['b1']);
    expect((await call(A, 'GET', `/notes/${ids.b1}`)).body).toEqual({ body: null });
    expect((await call(B, 'GET', `/notes/${ids.b1}`)).body).toEqual({ body: 'b1' });
    expect((await call(A, 'PATCH', `/notes/${ids.b1}`, { body: 'hacked' })).body).toEqual({
      count: 0,
    });
    expect((await call(A, 'DELETE', `/notes/${ids.b1}`)).body).toEqual({ count: 0 });
    expect(await stored()).toEqual(['A:a1', 'A:a2', 'B:b1']);
  });

  it('still isolates a route that forgot the filter: raw SQL, QueryBuilder, filters off (RLS)', async () => {
    for (const path of ['/forgotten/raw', '/forgotten/qb', '/forgotten/unfiltered']) {
      expect([path, (await call(A, 'GET', path)).body]).toEqual([path, ['a1', 'a2']]);
      expect([path, (await call(B, 'GET', path)).body]).toEqual([path, ['b1']]);
    }
    const update = await call(A, 'POST', '/forgotten/update', { id: ids.b1, body: 'hacked' });
    expect(update.body).toEqual({ count: 0 });
    const del = await call(A, 'POST', '/forgotten/delete', { id: ids.b1 });
    expect(del.body).toEqual({ count: 0 });
    expect(await stored()).toEqual(['A:a1', 'A:a2', 'B:b1']);
  });

  it('rejects writes that carry another workspace’s id (WITH CHECK)', async () => {
    const viaOrm = await call(A, 'POST', '/notes', { body: 'planted-orm', workspaceId: B });
    const viaSql = await call(A, 'POST', '/forgotten/insert', {
      body: 'planted-sql',
      workspaceId: B,
    });
    const moved = await call(A, 'POST', '/forgotten/move', { id: ids.a2, workspaceId: B });
    for (const refused of [viaOrm, viaSql, moved]) {
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({
        code: '42501',
        message: expect.stringMatching(/row-level security/),
      });
    }
    // The same routes work within the caller's own workspace.
    const own = await call(A, 'POST', '/forgotten/insert', { body: 'a3', workspaceId: A });
    expect(own.status).toBe(201);
    expect(await stored()).toEqual(['A:a1', 'A:a2', 'A:a3', 'B:b1']);
    expect((await call(A, 'DELETE', `/notes/${own.body.id}`)).body).toEqual({ count: 1 });
  });

  it('runs workspace handlers as the non-superuser application role, with the workspace set', async () => {
    expect((await call(A, 'GET', '/whoami')).body).toEqual({
      role: APP_ROLE,
      superuser: false,
      bypassrls: false,
      workspace: A,
    });
    expect((await call(B, 'GET', '/whoami')).body).toMatchObject({ role: APP_ROLE, workspace: B });
  });

  it('shows no tenant rows without a workspace, and fails closed outside any scope', async () => {
    // An actor without a workspace: the request runs as before (login role, no transaction)…
    expect((await call('none', 'GET', '/whoami')).body).toMatchObject({ role: loginRole });
    // …but the filtered em matches nothing rather than everything.
    expect((await call('none', 'GET', '/notes')).body).toEqual([]);
    expect((await call('none', 'GET', `/notes/${ids.a1}`)).body).toEqual({ body: null });
    expect((await call('none', 'PATCH', `/notes/${ids.a1}`, { body: 'x' })).body).toEqual({
      count: 0,
    });
    const scope = t.hd.createScope('script');
    try {
      expect(await scope.cradle.em.find(ProbeNoteSchema, {})).toEqual([]);
      expect(await scope.cradle.em.count(ProbeNoteSchema, {})).toBe(0);
    } finally {
      await scope.dispose();
    }
    // The root ORM has no workspace parameter at all: an error, not every workspace's rows.
    await expect(t.hd.orm.em.fork().find(ProbeNoteSchema, {})).rejects.toThrow(
      "No arguments provided for filter 'workspace'",
    );
    expect(await stored()).toEqual(['A:a1', 'A:a2', 'B:b1']);
  });

  it('rolls back a failing handler’s writes and events', async () => {
    const res = await call(A, 'POST', '/notes/fail', { body: 'doomed' });
    expect(res.status).toBe(500);
    expect(await stored()).toEqual(['A:a1', 'A:a2', 'B:b1']);
    const events = await t.hd.orm.em
      .fork()
      .execute(`select 1 from domain_event where payload->>'tag' = 'doomed'`);
    expect(events).toEqual([]);
  });

  it('runs jobs and event subscribers for a workspace in that workspace only', async () => {
    // Sent inside A's request transaction: the job through pg-boss on that transaction, the
    // event through the outbox.
    expect((await call(A, 'POST', '/notes/peek-later', { tag: 'a' })).status).toBe(202);
    const { jobs } = t.hd.container.cradle;
    await jobs.send('probe.peek', { workspaceId: B, tag: 'job:b' });
    await jobs.send('probe.peek', { tag: 'job:none' });
    const tags = ['job:a', 'event:a', 'job:b', 'job:none'];
    await eventually(() => tags.every((tag) => peeks.some((p) => p.tag === tag)));
    const seen = (tag: string) => peeks.find((p) => p.tag === tag)!;
    for (const tag of ['job:a', 'event:a']) {
      expect(seen(tag)).toEqual({
        tag,
        workspaceId: A,
        orm: ['a1', 'a2'],
        raw: ['a1', 'a2'],
        role: APP_ROLE,
      });
    }
    expect(seen('job:b')).toEqual({
      tag: 'job:b',
      workspaceId: B,
      orm: ['b1'],
      raw: ['b1'],
      role: APP_ROLE,
    });
    // A job without a workspace runs as before; its filtered em sees nothing.
    expect(seen('job:none')).toMatchObject({ workspaceId: null, orm: [], role: loginRole });
  });

  it('nests in the same workspace and refuses to switch to another inside a transaction', async () => {
    const scope = t.hd.createScope('nested');
    const list = async (em: typeof scope.cradle.em) =>
      (await em.execute<{ body: string }[]>('select body from probe_note'))
        .map((r) => r.body)
        .sort();
    try {
      await expect(withWorkspace(scope.cradle.em, 'not-a-uuid', list)).rejects.toThrow(
        'workspace id must be a non-nil UUID',
      );
      await withWorkspace(scope.cradle.em, A, async (tx) => {
        expect(await withWorkspace(tx, A, list)).toEqual(['a1', 'a2']);
        await expect(withWorkspace(tx, B, list)).rejects.toThrow(
          'cannot enter another workspace inside a workspace transaction',
        );
        expect(await list(tx)).toEqual(['a1', 'a2']);
      });
      // Entered from a transaction without a workspace: the rest of it stays in that workspace.
      await scope.cradle.em.transactional(async (tx) => {
        expect(await withWorkspace(tx, B, list)).toEqual(['b1']);
        expect(await list(tx)).toEqual(['b1']);
      });
    } finally {
      await scope.dispose();
    }
  });

  it('leaves public and operator routes outside the workspace transaction', async () => {
    // Both wait on other connections (readiness: the kernel pool; jobs: pg-boss's). Inside a
    // workspace transaction that would hang in embedded mode, where one session serves all.
    const headers = { 'x-test-user': A, 'x-test-operator': '1' };
    const ready = await t.request('/readyz', { headers });
    expect(ready.status).toBe(200);
    const queues = await t.request('/api/v1/system/jobs', { headers });
    expect(queues.status).toBe(200);
    expect(((await queues.json()) as { name: string }[]).map((q) => q.name)).toContain(
      'probe.peek',
    );
  });
});
