import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { API_PREFIX } from './app.js';
import { startApp, ticketRoutes, waitFor, type Harness } from './harness.test.js';

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('HTTP app: errors as problem+json', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startApp({
      bodyLimit: '1kb',
      routeGroups: [{ prefix: API_PREFIX, routes: ticketRoutes() }],
    });
  });
  afterAll(() => h.stop());

  it('answers a valid request with the lowest declared 2xx and parsed input (defaults applied)', async () => {
    const res = await fetch(
      `${h.url}/api/v1/tickets`,
      json({ subject: 'Printer on fire', extra: 1 }),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ id: 't-1', subject: 'Printer on fire', priority: 'normal' });
  });

  it('rejects invalid input with 400 validation_failed and every field path', async () => {
    const res = await fetch(
      `${h.url}/api/v1/tickets`,
      json({ subject: '', priority: 'urgent', tags: [{ name: '' }] }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'urn:novumdesk:problem:validation_failed',
      title: 'Bad Request',
      status: 400,
      code: 'validation_failed',
      instance: '/api/v1/tickets',
      requestId: res.headers.get('x-request-id'),
    });
    const paths = (body.errors as { path: string; message: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(['body.priority', 'body.subject', 'body.tags.0.name']);
    for (const e of body.errors as { message: string }[])
      expect(e.message).toEqual(expect.any(String));
  });

  it('validates params and coerces query values', async () => {
    const auth = { headers: { authorization: 'Bearer user:tickets:read' } };
    const bad = await fetch(`${h.url}/api/v1/tickets/not-a-uuid?limit=500`, auth);
    expect(bad.status).toBe(400);
    const paths = ((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path);
    expect(paths.sort()).toEqual(['params.id', 'query.limit']);
    const id = '0190a8e2-7c4b-7d4e-9f1a-2b3c4d5e6f70';
    const ok = await fetch(`${h.url}/api/v1/tickets/${id}?limit=7`, auth);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ id, subject: 'limit 7', priority: 'low' });
    expect(ok.headers.get('cache-control')).toBe('no-store');
  });

  it('answers 413 payload_too_large for a body over the limit', async () => {
    const res = await fetch(`${h.url}/api/v1/tickets`, json({ subject: 'x'.repeat(4096) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('answers 400 invalid_json for malformed JSON without echoing it', async () => {
    const res = await fetch(`${h.url}/api/v1/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"subject": "secret-fragment',
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ code: 'invalid_json', status: 400 });
    expect(text).not.toContain('secret-fragment');
  });

  it('answers 415 when a JSON body is declared and another type is sent', async () => {
    const res = await fetch(`${h.url}/api/v1/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'subject=hi',
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ code: 'unsupported_media_type' });
  });

  it('answers 404 not_found as problem+json for an unknown route', async () => {
    const res = await fetch(`${h.url}/api/v1/nothing-here?x=1`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({
      code: 'not_found',
      status: 404,
      instance: '/api/v1/nothing-here',
    });
  });

  it('answers 405 method_not_allowed with an Allow header', async () => {
    const res = await fetch(`${h.url}/api/v1/tickets`, { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toContain('POST');
    expect(await res.json()).toMatchObject({ code: 'method_not_allowed', status: 405 });
  });

  it('maps a NovumError to its status, code, message and details', async () => {
    const res = await fetch(`${h.url}/api/v1/conflict`);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({
      type: 'urn:novumdesk:problem:ticket_locked',
      code: 'ticket_locked',
      detail: 'Ticket is locked',
      details: { ticketId: 't-9' },
    });
  });

  it('hides internals of an unexpected error and logs its stack', async () => {
    const res = await fetch(`${h.url}/api/v1/boom`, { headers: { 'x-request-id': 'boom-req-1' } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({
      code: 'internal_error',
      status: 500,
      requestId: 'boom-req-1',
    });
    expect(text).not.toMatch(/boom-marker|hunter2|db\.internal|at .*\.ts/);
    const line = h.logs.lines.find((l) => l.requestId === 'boom-req-1' && l.err);
    const err = line?.err as { stack?: string } | undefined;
    expect(err?.stack).toContain('boom-marker');
    expect(err?.stack).toMatch(/\n\s+at /);
  });

  it('requires authentication (401 with WWW-Authenticate) and the permission (403)', async () => {
    const id = '0190a8e2-7c4b-7d4e-9f1a-2b3c4d5e6f70';
    const anonymous = await fetch(`${h.url}/api/v1/tickets/${id}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await anonymous.json()).toMatchObject({ code: 'unauthorized' });
    const withoutPermission = await fetch(`${h.url}/api/v1/tickets/${id}`, {
      headers: { authorization: 'Bearer user:tickets:write' },
    });
    expect(withoutPermission.status).toBe(403);
    expect(await withoutPermission.json()).toMatchObject({
      code: 'forbidden',
      details: { permission: 'tickets:read' },
    });
  });

  it('answers 204 without a body when the handler returns nothing', async () => {
    const res = await fetch(`${h.url}/api/v1/tickets/abc`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer user:' },
    });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(res.headers.get('content-type')).toBeNull();
  });
});

describe('HTTP app: request id, scope and access log', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startApp({ routeGroups: [{ prefix: API_PREFIX, routes: ticketRoutes() }] });
  });
  afterAll(() => h.stop());

  it('echoes a sane incoming request id', async () => {
    const res = await fetch(`${h.url}/api/v1/scope`, {
      headers: { 'x-request-id': 'lb-Trace_42' },
    });
    expect(res.headers.get('x-request-id')).toBe('lb-Trace_42');
    expect(await res.json()).toMatchObject({ requestId: 'lb-Trace_42' });
  });

  it.each([
    ['spaces and punctuation', 'bad id; drop'],
    ['65 characters', 'a'.repeat(65)],
    ['a fake log line', 'x\\n{"level":60}'],
  ])('replaces an unsafe incoming request id (%s) with a UUID', async (_name, incoming) => {
    const res = await fetch(`${h.url}/api/v1/scope`, { headers: { 'x-request-id': incoming } });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(await res.json()).toMatchObject({ requestId: id });
  });

  it('gives each request its own scope from the root container and disposes it', async () => {
    const res = await fetch(`${h.url}/api/v1/scope`, {
      headers: { 'x-request-id': 'scope-1', authorization: 'Bearer user:a,b' },
    });
    expect(await res.json()).toEqual({
      requestId: 'scope-1',
      greeting: 'hello',
      probe: { requestId: 'scope-1' },
      actor: { kind: 'user', id: 'u-1', permissions: ['a', 'b'] },
    });
    expect(h.disposed).toContain('scope-1');
  });

  it('logs method, path without query, status, duration and request id, and no secrets', async () => {
    const res = await fetch(`${h.url}/api/v1/tickets?token=query-secret`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer header-secret',
        cookie: 'session=cookie-secret',
        'x-request-id': 'log-1',
      },
      body: JSON.stringify({ subject: 'body-secret', password: 'hunter2' }),
    });
    expect(res.status).toBe(201);
    const line = await waitFor(() =>
      h.logs.lines.find((l) => l.requestId === 'log-1' && 'status' in l),
    );
    expect(line).toMatchObject({
      method: 'POST',
      path: '/api/v1/tickets',
      status: 201,
      requestId: 'log-1',
    });
    expect(line.durationMs).toEqual(expect.any(Number));
    const all = h.logs.text();
    for (const secret of [
      'query-secret',
      'header-secret',
      'cookie-secret',
      'body-secret',
      'hunter2',
    ]) {
      expect(all).not.toContain(secret);
    }
  });
});
