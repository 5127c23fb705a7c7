import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { API_PREFIX } from './app.js';
import { rawRequest, startApp, ticketRoutes, waitFor } from './harness.test.js';
import { defineRoute, type RouteDefinition } from './route.js';
import { close } from './server.js';

describe('HTTPS server', () => {
  let dir: string;
  let ca: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'novumdesk-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves over TLS, sends HSTS on the secure connection, and is rejected without the CA', async () => {
    const h = await startApp({
      routeGroups: [{ prefix: API_PREFIX, routes: ticketRoutes() }],
      server: { tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') } },
    });
    try {
      expect(h.url).toMatch(/^https:/);
      const res = await rawRequest(`${h.url}/api/v1/scope`, { ca });
      expect(res.status).toBe(200);
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(JSON.parse(res.body)).toMatchObject({ greeting: 'hello' });
      await expect(rawRequest(`${h.url}/api/v1/scope`)).rejects.toThrow(/self.signed|certificate/i);
    } finally {
      await h.stop();
    }
  });
});

describe('graceful close', () => {
  /** A route that answers only when the test says so. */
  function slowRoute() {
    let release!: () => void;
    let entered!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const started = new Promise<void>((r) => (entered = r));
    const route: RouteDefinition = defineRoute({
      method: 'get',
      path: '/slow',
      operationId: 'slow',
      summary: 'Waits',
      access: 'public',
      responses: { 200: { description: 'done' } },
      handler: async () => {
        entered();
        await gate;
        return { done: true };
      },
    });
    return { route, release, started };
  }

  it('stops accepting connections, finishes the in-flight request, then resolves', async () => {
    const slow = slowRoute();
    const h = await startApp({ routeGroups: [{ prefix: '', routes: [slow.route] }] });
    const inFlight = rawRequest(`${h.url}/slow`);
    await slow.started;

    let closed = false;
    const closing = close(h.server, { timeoutMs: 5000 }).then((result) => {
      closed = true;
      return result;
    });
    await expect(rawRequest(`${h.url}/slow`)).rejects.toThrow(/ECONNREFUSED/);
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false);

    slow.release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.headers.connection).toBe('close');
    expect(JSON.parse(res.body)).toEqual({ done: true });
    expect(await closing).toEqual({ forced: false });
    expect(h.server.listening).toBe(false);
  });

  it('closes idle keep-alive connections at once', async () => {
    const h = await startApp({ routeGroups: [{ prefix: API_PREFIX, routes: ticketRoutes() }] });
    // fetch keeps its connection alive in a pool: close must not wait for the keep-alive timeout.
    expect((await fetch(`${h.url}/api/v1/scope`)).status).toBe(200);
    const started = Date.now();
    expect(await close(h.server, { timeoutMs: 4000 })).toEqual({ forced: false });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('destroys requests still running after the timeout', async () => {
    const slow = slowRoute();
    const h = await startApp({ routeGroups: [{ prefix: '', routes: [slow.route] }] });
    const inFlight = rawRequest(`${h.url}/slow`).then(
      () => 'answered',
      (err: NodeJS.ErrnoException) => err.code,
    );
    await slow.started;
    expect(await close(h.server, { timeoutMs: 100 })).toEqual({ forced: true });
    expect(await inFlight).toBe('ECONNRESET');
    slow.release();
    // The cut-off request is still logged, marked as aborted.
    const line = await waitFor(() => h.logs.lines.find((l) => l.path === '/slow'));
    expect(line).toMatchObject({ aborted: true });
  });
});
