import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Router from '@koa/router';
import { z } from 'zod';
import { API_PREFIX, pluginPrefix } from './app.js';
import { healthRoutes } from './health.routes.js';
import { startApp, ticketRoutes, type Harness } from './harness.test.js';
import { buildOpenApiDocument, toOpenApiPath } from './openapi.js';
import { defineRoute, type RouteGroup } from './route.js';
import { mountRoutes } from './router.js';

const pluginRoute = defineRoute({
  method: 'get',
  path: '/greetings/:name',
  operationId: 'helloGreet',
  summary: 'Greets',
  access: 'authenticated',
  responses: { 200: { description: 'A greeting', schema: z.object({ text: z.string() }) } },
  handler: ({ params }) => ({ text: `hi ${(params as { name: string }).name}` }),
});

const groups = (): RouteGroup[] => [
  {
    prefix: '',
    routes: healthRoutes({
      version: '1.2.3',
      readiness: async () => ({ database: { ok: true }, migrations: { ok: true, pending: [] } }),
    }),
  },
  { prefix: API_PREFIX, routes: ticketRoutes() },
  { prefix: pluginPrefix('hello'), routes: [pluginRoute], tag: 'hello' },
];

type Doc = ReturnType<typeof buildOpenApiDocument>;
type Op = {
  operationId: string;
  parameters?: { in: string; name: string }[];
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
  tags?: string[];
};
const op = (doc: Doc, path: string, method: string): Op =>
  (doc.paths?.[path] as Record<string, Op> | undefined)?.[method] as Op;

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument({ title: 'NovumDesk', version: '0.1.0', routeGroups: groups() });

  it('is OpenAPI 3.1.0 with every route, `{param}` paths and operation ids', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths ?? {}).sort()).toEqual([
      '/api/p/hello/greetings/{name}',
      '/api/v1/boom',
      '/api/v1/conflict',
      '/api/v1/scope',
      '/api/v1/tickets',
      '/api/v1/tickets/{id}',
      '/healthz',
      '/readyz',
    ]);
    const get = op(doc, '/api/v1/tickets/{id}', 'get');
    expect(get.operationId).toBe('getTicket');
    expect(get.parameters?.map((p) => `${p.in}:${p.name}`).sort()).toEqual([
      'path:id',
      'query:limit',
    ]);
    expect(op(doc, '/api/v1/tickets/{id}', 'delete').parameters).toEqual([
      expect.objectContaining({ in: 'path', name: 'id', required: true }),
    ]);
    expect(op(doc, '/api/p/hello/greetings/{name}', 'get').tags).toEqual(['hello']);
  });

  it('names schemas with `.meta({ id })` once under components, with the Problem schema', () => {
    const schemas = doc.components?.schemas ?? {};
    expect(Object.keys(schemas)).toEqual(
      expect.arrayContaining(['Ticket', 'CreateTicket', 'Problem', 'Liveness', 'Readiness']),
    );
    const created = op(doc, '/api/v1/tickets', 'post').responses['201']?.content?.[
      'application/json'
    ]?.schema;
    expect(created).toEqual({ $ref: '#/components/schemas/Ticket' });
    const invalid = op(doc, '/api/v1/tickets', 'post').responses['400']?.content?.[
      'application/problem+json'
    ]?.schema;
    expect(invalid).toEqual({ $ref: '#/components/schemas/Problem' });
  });

  it('declares the security schemes and applies them by route access', () => {
    expect(doc.components?.securitySchemes).toMatchObject({
      bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      cookieAuth: { type: 'apiKey', in: 'cookie' },
      apiKeyAuth: { type: 'apiKey', in: 'header', name: 'x-api-key' },
    });
    expect(op(doc, '/api/v1/tickets', 'post').security).toEqual([]);
    expect(op(doc, '/api/v1/tickets/{id}', 'get').security).toEqual([
      { bearerAuth: ['tickets:read'] },
      { cookieAuth: ['tickets:read'] },
      { apiKeyAuth: ['tickets:read'] },
    ]);
    expect(Object.keys(op(doc, '/api/v1/tickets/{id}', 'get').responses).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      'default',
    ]);
    expect(op(doc, '/readyz', 'get').responses['503']).toBeDefined();
  });

  it('converts paths and refuses optional segments it cannot express', () => {
    expect(toOpenApiPath('/a/:id/b/:sub_id')).toBe('/a/{id}/b/{sub_id}');
    expect(() => toOpenApiPath('/a{/:id}')).toThrow(/Optional path segments/);
  });
});

describe('mountRoutes', () => {
  it('throws at mount time on a duplicate operationId or method+path, naming both', () => {
    const router = new Router();
    mountRoutes(router, ticketRoutes(), API_PREFIX);
    const [first] = ticketRoutes();
    expect(() => mountRoutes(router, [{ ...first!, path: '/other' }], API_PREFIX)).toThrow(
      /Duplicate operationId "createTicket": POST \/api\/v1\/tickets and POST \/api\/v1\/other/,
    );
    const sameShape = {
      ...ticketRoutes()[1]!,
      operationId: 'fetchTicket',
      path: '/tickets/:ticketId',
    };
    expect(() => mountRoutes(router, [sameShape], API_PREFIX)).toThrow(
      /Duplicate route GET \/api\/v1\/tickets\/:ticketId/,
    );
  });
});

describe('served document and docs page', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startApp({
      routeGroups: groups(),
      openapi: { title: 'NovumDesk', version: '0.1.0' },
    });
  });
  afterAll(() => h.stop());

  it('serves the document at /api/v1/openapi.json, itself included', async () => {
    const res = await fetch(`${h.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths?.['/api/v1/tickets/{id}']).toBeDefined();
    expect(doc.paths?.['/api/v1/openapi.json']).toBeDefined();
  });

  it('renders a self-contained HTML page that passes the CSP', async () => {
    const res = await fetch(`${h.url}/api/v1/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    const nonce = /'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')?.[1];
    expect(nonce).toBeTruthy();
    expect(html).toContain(`<style nonce="${nonce}">`);
    expect(html).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)|\sstyle=|\son[a-z]+=/i);
    expect(html).toContain('<code>/api/v1/tickets/{id}</code>');
    expect(html).toContain('Create a ticket');
    expect(html).toContain('permission: tickets:read');
    expect(html).toContain('<a href="#schema-Ticket">');
    expect(html).toContain('id="schema-Problem"');
  });

  it('runs a plugin route under /api/p/<id>', async () => {
    const res = await fetch(`${h.url}/api/p/hello/greetings/ada`, {
      headers: { authorization: 'Bearer user:' },
    });
    expect(await res.json()).toEqual({ text: 'hi ada' });
  });
});
