import { afterEach, describe, expect, it } from '@jest/globals';
import { healthRoutes, type ReadinessChecks } from './health.routes.js';
import { startApp, type Harness } from './harness.test.js';

const healthy: ReadinessChecks = {
  database: { ok: true, latencyMs: 1.5 },
  migrations: { ok: true, pending: [] },
};

describe('health probes', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  const start = (readiness: () => Promise<ReadinessChecks>, readinessTimeoutMs?: number) =>
    startApp({
      routeGroups: [
        { prefix: '', routes: healthRoutes({ version: '1.2.3', readiness, readinessTimeoutMs }) },
      ],
    });

  it('GET /healthz reports liveness, uncached', async () => {
    h = await start(async () => healthy);
    const res = await fetch(`${h.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      status: 'ok',
      version: '1.2.3',
      uptimeSeconds: expect.any(Number),
    });
  });

  it('GET /readyz is 200 ready when the database is up and migrated', async () => {
    h = await start(async () => healthy);
    const res = await fetch(`${h.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: healthy });
  });

  it('GET /readyz is 503 not_ready with pending migrations', async () => {
    const pending: ReadinessChecks = {
      database: { ok: true, latencyMs: 2 },
      migrations: { ok: false, pending: ['core/Migration20260101_init'] },
    };
    h = await start(async () => pending);
    const res = await fetch(`${h.url}/readyz`);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ status: 'not_ready', checks: pending });
  });

  it('GET /readyz is 503 when the check throws, without leaking the error', async () => {
    h = await start(async () => {
      throw new Error('connect ECONNREFUSED db.internal:5432');
    });
    const res = await fetch(`${h.url}/readyz`);
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).not.toContain('db.internal');
    expect(JSON.parse(text)).toMatchObject({
      status: 'not_ready',
      checks: { database: { ok: false, error: 'check_failed' } },
    });
  });

  it('GET /readyz is 503 timeout when the check hangs', async () => {
    h = await start(() => new Promise<ReadinessChecks>(() => {}), 50);
    const res = await fetch(`${h.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      checks: { database: { ok: false, error: 'timeout' } },
    });
  });
});
