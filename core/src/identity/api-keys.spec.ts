/**
 * API keys (SEC-21) and workspace isolation of the identity routes (SEC-31/32 for these routes):
 * a key or token of workspace A never sees or changes B's data, and B's ids are 404 in A.
 */
import { startIdentity, type IdentityHarness, type TokenPair } from './testkit.test.js';

describe('API keys and workspace isolation (SEC-21)', () => {
  let h: IdentityHarness;
  let a: TokenPair;
  let b: TokenPair;
  const createKey = (token: string, body: object = { name: 'CI', permissions: ['tickets:read'] }) =>
    h.call('POST', '/api/v1/api-keys', { token, body });

  beforeAll(async () => {
    h = await startIdentity();
    a = await h.login(await h.signUp());
    b = await h.login(await h.signUp());
  }, 60_000);
  afterAll(() => h?.close());

  it('shows the key once, stores only its hash, and lists metadata only', async () => {
    const created = await createKey(a.accessToken);
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^nd_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.body.key.startsWith(`nd_${created.body.prefix}_`)).toBe(true);
    const [row] = await h.sql(`select key_hash from api_key where id = ?`, [created.body.id]);
    expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.key_hash).not.toContain(created.body.key.slice(16));
    const list = await h.call('GET', '/api/v1/api-keys', { token: a.accessToken });
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    expect(list.body[0]).not.toHaveProperty('key');
    expect(list.body[0]).not.toHaveProperty('keyHash');
  });

  it('authenticates by Bearer and X-API-Key with only its own permissions; records last use', async () => {
    const { body } = await createKey(a.accessToken);
    const both: Record<string, string>[] = [
      { authorization: `Bearer ${body.key}` },
      { 'x-api-key': body.key },
    ];
    for (const headers of both) {
      const me = await h.call('GET', '/api/v1/me', { headers });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ kind: 'apiKey', user: null, permissions: ['tickets:read'] });
      expect(me.body.workspace.id).toBe(a.workspaceId);
    }
    // tickets:read only: managing keys needs settings:manage.
    expect(
      (await h.call('GET', '/api/v1/api-keys', { headers: { 'x-api-key': body.key } })).status,
    ).toBe(403);
    const [row] = await h.sql(`select last_used_at from api_key where id = ?`, [body.id]);
    expect(row.last_used_at).not.toBeNull();
  });

  it('writes last_used_at at most once a minute', async () => {
    const { body } = await createKey(a.accessToken);
    const use = () => h.call('GET', '/api/v1/me', { headers: { 'x-api-key': body.key } });
    const lastUsed = async () => {
      const [row] = await h.sql(`select last_used_at from api_key where id = ?`, [body.id]);
      return new Date(row.last_used_at).getTime();
    };
    await use();
    const first = await lastUsed();
    try {
      h.clock.advance(20);
      await use();
      expect(await lastUsed()).toBe(first);
      h.clock.advance(50);
      await use();
      expect(await lastUsed()).toBeGreaterThan(first);
    } finally {
      h.clock.advance(-70);
    }
  });

  it('SEC-21: a key in the query string → 401, even with a valid one in the header', async () => {
    const { body } = await createKey(a.accessToken);
    for (const q of ['api_key', 'apiKey', 'access_token']) {
      const res = await h.call('GET', `/api/v1/me?${q}=${body.key}`);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('credentials_in_url');
    }
    const both = await h.call('GET', `/api/v1/me?api_key=${body.key}`, {
      headers: { 'x-api-key': body.key },
    });
    expect(both.status).toBe(401);
  });

  it("SEC-21: workspace A's key or token on B's key → 404; lists show only their own", async () => {
    const bKey = (await createKey(b.accessToken)).body;
    const aKey = (
      await createKey(a.accessToken, { name: 'admin', permissions: ['settings:manage'] })
    ).body;
    const callers: Record<string, string>[] = [
      { authorization: `Bearer ${a.accessToken}` },
      { 'x-api-key': aKey.key },
    ];
    for (const headers of callers) {
      const res = await h.call('DELETE', `/api/v1/api-keys/${bKey.id}`, { headers });
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain(bKey.prefix);
      const list = await h.call('GET', '/api/v1/api-keys', {
        headers: { ...headers, 'x-workspace-id': b.workspaceId },
      });
      expect(list.status).toBe(200);
      expect(list.body.map((k: { id: string }) => k.id)).not.toContain(bKey.id);
      const withQuery = await h.call('GET', `/api/v1/api-keys?workspaceId=${b.workspaceId}`, {
        headers,
      });
      expect(withQuery.body.map((k: { id: string }) => k.id)).not.toContain(bKey.id);
    }
    // B's key still works: the attempt changed nothing.
    expect((await h.call('GET', '/api/v1/me', { headers: { 'x-api-key': bKey.key } })).status).toBe(
      200,
    );
    // And /me never shows the other workspace.
    const me = await h.call('GET', '/api/v1/me', { token: a.accessToken });
    expect(JSON.stringify(me.body)).not.toContain(b.workspaceId);
  });

  it('SEC-21: a revoked key → 401 at once; an expired key → 401; a made-up key → 401', async () => {
    const { body } = await createKey(a.accessToken);
    expect(
      (await h.call('DELETE', `/api/v1/api-keys/${body.id}`, { token: a.accessToken })).status,
    ).toBe(204);
    const res = await h.call('GET', '/api/v1/me', { headers: { 'x-api-key': body.key } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('api_key_invalid');
    const soon = new Date(h.clock.now().getTime() + 60_000).toISOString();
    const expiring = (
      await createKey(a.accessToken, {
        name: 'short',
        permissions: ['tickets:read'],
        expiresAt: soon,
      })
    ).body;
    expect(
      (await h.call('GET', '/api/v1/me', { headers: { 'x-api-key': expiring.key } })).status,
    ).toBe(200);
    h.clock.advance(61);
    try {
      expect(
        (await h.call('GET', '/api/v1/me', { headers: { 'x-api-key': expiring.key } })).status,
      ).toBe(401);
    } finally {
      h.clock.advance(-61);
    }
    const madeUp = `nd_${'0'.repeat(12)}_${'A'.repeat(43)}`;
    expect((await h.call('GET', '/api/v1/me', { headers: { 'x-api-key': madeUp } })).status).toBe(
      401,
    );
    expect(
      (await h.call('GET', '/api/v1/me', { headers: { 'x-api-key': 'nonsense' } })).status,
    ).toBe(401);
  });

  it('refuses a key with permissions the creator lacks, and needs settings:manage', async () => {
    const res = await createKey(a.accessToken, { name: 'x', permissions: ['system:manage'] });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('permission_not_grantable');
    expect((await h.call('GET', '/api/v1/api-keys')).status).toBe(401);
  });

  it('audits key creation and revocation in the workspace', async () => {
    const { body } = await createKey(a.accessToken);
    await h.call('DELETE', `/api/v1/api-keys/${body.id}`, { token: a.accessToken });
    const rows = await h.sql(
      `select action from audit_event where target_id = ? and workspace_id = ? order by occurred_at`,
      [body.id, a.workspaceId],
    );
    expect(rows.map((r) => r.action)).toEqual(['apikey_created', 'apikey_revoked']);
  });
});
