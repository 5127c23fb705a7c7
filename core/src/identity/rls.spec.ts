/**
 * Row-level security of the identity tables. Two parts:
 *  - in either mode, as the application role: a context sees only what its settings name;
 *  - server mode only: the whole flow works when the login role owns the tables but is not a
 *    superuser (FORCE binds it, as on managed PostgreSQL), and outside any context that role
 *    sees no identity rows at all.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { testDbKind, testPgAdminUrl } from '../testing/index.js';
import { inIdentityContext } from './db.js';
import { sweepDeadTokens } from './identity.module.js';
import { sha256Hex } from './keys.js';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  startIdentity,
  type IdentityHarness,
} from './testkit.test.js';

describe('identity row-level security', () => {
  let h: IdentityHarness;
  beforeAll(async () => {
    h = await startIdentity();
  }, 60_000);
  afterAll(() => h?.close());

  it('a context sees only what its settings name', async () => {
    const a = await h.login(await h.signUp());
    const b = await h.login(await h.signUp());
    const key = (
      await h.call('POST', '/api/v1/api-keys', {
        token: a.accessToken,
        body: { name: 'k', permissions: ['tickets:read'] },
      })
    ).body.key;
    const orm = h.t.hd.orm;
    const count = (context: object, table: string) =>
      inIdentityContext(orm, context, async (sql) =>
        Number((await sql(`select count(*)::int as n from ${table}`))[0]!.n),
      );
    for (const table of [
      'user_account',
      'membership',
      'workspace',
      'role',
      'api_key',
      'auth_session',
      'refresh_token',
      'action_token',
      'audit_event',
    ]) {
      expect([table, await count({}, table)]).toEqual([table, 0]);
    }
    // Workspace A: its own member only, its roles, its key — nothing of B.
    expect(await count({ workspaceId: a.workspaceId }, 'user_account')).toBe(1);
    expect(await count({ workspaceId: a.workspaceId }, 'role')).toBe(4);
    expect(await count({ workspaceId: a.workspaceId }, 'api_key')).toBe(1);
    expect(await count({ workspaceId: a.workspaceId }, 'workspace')).toBe(1);
    const bRows = await inIdentityContext(orm, { workspaceId: a.workspaceId }, (sql) =>
      sql(`select id from workspace where id = ?`, [b.workspaceId]),
    );
    expect(bRows).toHaveLength(0);
    // A credential names exactly its own row.
    expect(await count({ credentialHash: sha256Hex(key) }, 'api_key')).toBe(1);
    expect(await count({ credentialHash: sha256Hex('nope') }, 'api_key')).toBe(0);
    // Writing into another workspace is refused by the policy.
    await expect(
      inIdentityContext(orm, { workspaceId: a.workspaceId }, (sql) =>
        sql(
          `insert into team (id, workspace_id, name, created_at) values (gen_random_uuid(), ?, 'x', now())`,
          [b.workspaceId],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('the sweep deletes dead refresh tokens only', async () => {
    const live = await h.login(await h.signUp());
    const dead = await h.login(await h.signUp());
    await h.sql(
      `update refresh_token set expires_at = now() - interval '2 days' where workspace_id = ?`,
      [dead.workspaceId],
    );
    await sweepDeadTokens(h.t.hd.container.resolve('identity'));
    expect(
      await h.sql(`select 1 from refresh_token where workspace_id = ?`, [dead.workspaceId]),
    ).toHaveLength(0);
    expect(
      await h.sql(`select 1 from refresh_token where workspace_id = ?`, [live.workspaceId]),
    ).toHaveLength(1);
  });
});

const serverOnly = testDbKind() === 'postgres' ? describe : describe.skip;

serverOnly('identity with a non-superuser login role that owns the tables', () => {
  let h: IdentityHarness;
  const role = `nd_owner_${randomBytes(4).toString('hex')}`;
  const database = `nd_rls_${randomBytes(4).toString('hex')}`;
  const admin = async (run: (client: pg.Client) => Promise<void>) => {
    const client = new pg.Client({ connectionString: testPgAdminUrl() });
    await client.connect();
    try {
      await run(client);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    await admin(async (c) => {
      await c.query(`create role ${role} login`);
      await c.query(`create database ${database} owner ${role}`);
      // What the tenancy migration asks a superuser to do once for a non-superuser login role.
      await c.query(`do $$ begin if not exists (select from pg_roles where rolname = 'novumdesk_app')
                     then create role novumdesk_app nologin; end if; end $$`);
      await c.query(`grant novumdesk_app to ${role}`);
    });
    const url = new URL(testPgAdminUrl());
    url.username = role;
    url.pathname = `/${database}`;
    h = await startIdentity({ config: { database: { url: url.toString(), autoMigrate: true } } });
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await admin(async (c) => {
      await c.query(`drop database if exists ${database} with (force)`);
      await c.query(`drop role if exists ${role}`);
    });
  });

  it('signs up, logs in, refreshes, uses API keys and changes passwords', async () => {
    const [me] = await h.sql(`select rolsuper from pg_roles where rolname = current_user`);
    expect(me.rolsuper).toBe(false);
    const account = await h.signUp();
    const tokens = await h.login(account);
    expect((await h.call('GET', '/api/v1/me', { token: tokens.accessToken })).status).toBe(200);
    const operator = await h.login({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect(operator.workspaces[0]!.name).toBe('Demo');
    const key = await h.call('POST', '/api/v1/api-keys', {
      token: tokens.accessToken,
      body: { name: 'k', permissions: ['tickets:read'] },
    });
    expect(key.status).toBe(201);
    expect(
      (await h.call('GET', '/api/v1/me', { headers: { 'x-api-key': key.body.key } })).status,
    ).toBe(200);
    expect(
      (await h.call('GET', '/api/v1/api-keys', { token: tokens.accessToken })).body,
    ).toHaveLength(1);
    const refreshed = await h.call('POST', '/api/v1/auth/refresh', {
      body: { refreshToken: tokens.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    const changed = await h.call('POST', '/api/v1/auth/password', {
      token: refreshed.body.accessToken,
      body: { currentPassword: account.password, newPassword: 'another passphrase 42' },
    });
    expect(changed.status).toBe(200);
    const unknown = await h.call('POST', '/api/v1/auth/login', {
      body: { email: 'nobody@example.com', password: 'whatever-123' },
    });
    expect(unknown.status).toBe(401);
    const failures = await inIdentityContext(h.t.hd.orm, {}, (sql) =>
      sql(`select 1 from audit_event`),
    );
    expect(failures).toHaveLength(0); // instance-level events are write-only for the app role
  });

  it('sees no identity rows outside a context, even though it owns the tables', async () => {
    for (const table of [
      'user_account',
      'membership',
      'workspace',
      'api_key',
      'auth_session',
      'refresh_token',
    ]) {
      const [row] = await h.sql(`select count(*)::int as n from ${table}`);
      expect([table, row.n]).toEqual([table, 0]);
    }
  });
});
