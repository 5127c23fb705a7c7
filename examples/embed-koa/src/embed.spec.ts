/**
 * The Acme host app with NovumDesk mounted under /helpdesk, served by the host's own HTTP server,
 * on the suite's database: NovumDesk's embedded PGlite in memory, or a fresh PostgreSQL database
 * with NOVUMDESK_TEST_DB=postgres.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createTestDatabase, TEST_SECRET, type TestDatabase } from '@novumdesk/core/testing';
import { AcmeSessions, SESSION_HEADER, createAcmeApp, type AcmeApp } from './host.js';

describe('NovumDesk embedded in a Koa host app', () => {
  let db: TestDatabase;
  let acme: AcmeApp;
  let server: http.Server;
  let base: string;
  const sessions = new AcmeSessions();
  const adminSession = sessions.create({ id: '1', email: 'ops@acme.test', roles: ['admin'] });
  const customerSession = sessions.create({
    id: '2',
    email: 'buyer@acme.test',
    roles: ['customer'],
  });

  const get = (path: string, session?: string) =>
    fetch(base + path, { headers: session ? { [SESSION_HEADER]: session } : {} });

  beforeAll(async () => {
    db = await createTestDatabase();
    acme = await createAcmeApp({
      logger: pino({ level: 'silent' }),
      sessions,
      ...(db.url ? { databaseUrl: db.url } : { inMemory: true }),
      secret: TEST_SECRET,
    });
    await acme.helpdesk.start({ listen: false });
    server = http.createServer(acme.app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    if (server) await new Promise((resolve) => server.close(resolve));
    await acme?.helpdesk.stop();
    await db?.drop();
  }, 30_000);

  it('serves the host’s own routes', async () => {
    const home = await get('/');
    expect(home.status).toBe(200);
    expect(await home.json()).toEqual({ shop: 'Acme', helpdesk: '/helpdesk/api/v1/docs' });
    expect((await get('/account')).status).toBe(401);
    expect(await (await get('/account', customerSession)).json()).toEqual({
      email: 'buyer@acme.test',
    });
  });

  it('answers NovumDesk’s probes and API through the mount', async () => {
    const health = await get('/helpdesk/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const ready = await get('/helpdesk/readyz');
    expect(ready.status).toBe(200);
    const meta = await get('/helpdesk/api/v1/meta');
    expect(meta.status).toBe(200);
    expect(await meta.json()).toMatchObject({ name: 'NovumDesk' });
    // Unknown paths under the mount are NovumDesk's: problem+json, with its request id.
    const missing = await get('/helpdesk/api/v1/no-such-thing');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(missing.headers.get('x-request-id')).toBeTruthy();
    // …and nothing of NovumDesk's leaks outside it.
    expect((await get('/api/v1/meta')).status).toBe(404);
  });

  it('maps the host’s session to a NovumDesk actor through the authenticate bridge', async () => {
    const anonymous = await get('/helpdesk/api/v1/system/plugins');
    expect(anonymous.status).toBe(401);
    const customer = await get('/helpdesk/api/v1/system/plugins', customerSession);
    expect(customer.status).toBe(403); // signed in, but without system:read
    const admin = await get('/helpdesk/api/v1/system/plugins', adminSession);
    expect(admin.status).toBe(200);
    expect(await admin.json()).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'core', status: 'booted' })]),
    );
    expect((await get('/helpdesk/api/v1/system/plugins', 'forged-token')).status).toBe(401);
  });
});
