/**
 * Server mode with a non-superuser login role, as on a managed PostgreSQL: the tenancy migration
 * must grant the application role to it (a superuser needs no grant, so the main suite cannot
 * cover this), pg-boss's tables created later must be usable from a workspace transaction, and
 * FORCE must bind the table owner. Skipped on PGlite, whose only user is a superuser.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { createHelpdesk, type Helpdesk } from '../kernel/helpdesk.js';
import { eventually, testDbKind, testPgAdminUrl, TEST_SECRET } from '../testing/index.js';
import { APP_ROLE } from './index.js';
import { authenticate, peeks, probe } from './probe-plugin.test.js';

const onServer = testDbKind() === 'postgres';
const A = randomUUID();
const B = randomUUID();

(onServer ? describe : describe.skip)('tenancy with a non-superuser login role', () => {
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const login = `novumdesk_test_login_${suffix}`;
  const database = `novumdesk_test_${suffix}`;
  let hd: Helpdesk | undefined;

  /** A superuser connection, to the server's admin database or to `db`. */
  const admin = async <T>(fn: (client: pg.Client) => Promise<T>, db?: string): Promise<T> => {
    const url = new URL(testPgAdminUrl());
    if (db) url.pathname = `/${db}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  const call = async (as: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${hd!.url}/api/p/probe${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-test-user': as },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  };

  beforeAll(async () => {
    // CREATEROLE (no superuser): on PostgreSQL 15 enough to grant membership in novumdesk_app.
    await admin(async (c) => {
      await c.query(`create role ${login} login createrole`);
      await c.query(`create database ${database} owner ${login}`);
    });
    const url = new URL(testPgAdminUrl());
    url.username = login;
    url.pathname = `/${database}`;
    hd = await createHelpdesk({
      logger: pino({ level: 'silent' }),
      plugins: [probe({})],
      authenticate,
      config: {
        port: 0,
        secret: TEST_SECRET,
        database: { url: url.toString(), autoMigrate: true },
        jobs: { pollIntervalSeconds: 0.5 },
      },
    });
    await hd.start();
  }, 60_000);

  afterAll(async () => {
    await hd?.stop();
    await admin(async (c) => {
      await c.query(`drop database if exists ${database} with (force)`);
      await c.query(`drop role if exists ${login}`);
    });
  }, 30_000);

  it('lets the login role switch to the application role', async () => {
    const [row] = await hd!.orm.em.fork().execute(
      `select rolsuper as superuser, pg_has_role(current_user, '${APP_ROLE}', 'member') as member
           from pg_roles where rolname = current_user`,
    );
    expect(row).toEqual({ superuser: false, member: true });
    expect((await call(A, 'GET', '/whoami')).body).toMatchObject({
      role: APP_ROLE,
      superuser: false,
      workspace: A,
    });
  });

  it('isolates workspaces, and binds the table owner too (FORCE)', async () => {
    expect((await call(A, 'POST', '/notes', { body: 'a1' })).status).toBe(201);
    expect((await call(B, 'POST', '/notes', { body: 'b1' })).status).toBe(201);
    expect((await call(A, 'GET', '/forgotten/raw')).body).toEqual(['a1']);
    expect((await call(B, 'GET', '/notes')).body).toEqual(['b1']);
    // The login role owns the table but is no superuser: outside a workspace it sees nothing.
    expect(await hd!.orm.em.fork().execute('select body from probe_note')).toEqual([]);
    // A superuser sees both rows: they were written.
    const all = await admin(
      async (c) => (await c.query('select body from probe_note order by body')).rows,
      database,
    );
    expect(all).toEqual([{ body: 'a1' }, { body: 'b1' }]);
  });

  it('sends jobs from a workspace transaction into pg-boss tables created after the migration', async () => {
    expect((await call(A, 'POST', '/notes/peek-later', { tag: 'a' })).status).toBe(202);
    await eventually(() => ['job:a', 'event:a'].every((tag) => peeks.some((p) => p.tag === tag)));
    for (const tag of ['job:a', 'event:a']) {
      expect(peeks.find((p) => p.tag === tag)).toMatchObject({ orm: ['a1'], raw: ['a1'] });
    }
  });
});
