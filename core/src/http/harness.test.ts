/**
 * Shared set-up for the HTTP specs: a real app on a real listening server, a real awilix
 * container, and a pino logger whose output is captured. Named `.test.ts` so the build skips
 * it (tsconfig excludes it) and jest does not run it as a suite (only `*.spec.ts` are).
 */
import { Writable } from 'node:stream';
import http from 'node:http';
import https from 'node:https';
import { asFunction, asValue, createContainer, type AwilixContainer } from 'awilix';
import { pino } from 'pino';
import { z } from 'zod';
import type { Actor, RequestCradle } from '../kernel/contract.js';
import { errors } from '../kernel/errors.js';
import { REDACTED_PATHS, type Logger } from '../kernel/logger.js';
import { createHttpApp, type HttpAppOptions } from './app.js';
import { defineRoute, type RouteDefinition, type RouteGroup } from './route.js';
import {
  close,
  createHttpServer,
  listen,
  type HttpServer,
  type HttpServerOptions,
} from './server.js';

export interface LogCapture {
  logger: Logger;
  lines: Record<string, unknown>[];
  text(): string;
}

export function captureLogs(): LogCapture {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino(
    { level: 'debug', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    stream,
  );
  return {
    logger,
    get lines() {
      return chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    text: () => chunks.join(''),
  };
}

/** Test identity: `Authorization: Bearer user:<perm>,<perm>`; anything else is anonymous. */
export async function testAuthenticate(ctx: { get(name: string): string }): Promise<Actor | null> {
  const match = /^Bearer user:(.*)$/.exec(ctx.get('authorization'));
  if (!match) return null;
  const permissions = (match[1] ?? '').split(',').filter(Boolean);
  return { kind: 'user', id: 'u-1', permissions };
}

export interface Harness {
  url: string;
  port: number;
  server: HttpServer;
  logs: LogCapture;
  /** Request ids of scopes that were disposed, in order. */
  disposed: string[];
  root: AwilixContainer;
  stop(): Promise<void>;
}

export async function startApp(
  options: Partial<HttpAppOptions> & { routeGroups: RouteGroup[]; server?: HttpServerOptions },
): Promise<Harness> {
  const logs = captureLogs();
  const disposed: string[] = [];
  const root = createContainer({ injectionMode: 'PROXY', strict: true });
  root.register({ greeting: asValue('hello') });
  const app = createHttpApp({
    logger: logs.logger,
    authenticate: testAuthenticate,
    createScope: (_ctx, init) => {
      const scope = root.createScope();
      scope.register({
        requestId: asValue(init.requestId),
        actor: asValue(init.actor),
        probe: asFunction(() => ({ requestId: init.requestId }))
          .scoped()
          .disposer((probe) => {
            disposed.push(probe.requestId);
          }),
      });
      return scope as unknown as AwilixContainer<RequestCradle>;
    },
    ...options,
  });
  const server = createHttpServer(app.callback(), options.server);
  const address = await listen(server, 0, '127.0.0.1');
  const scheme = options.server?.tls ? 'https' : 'http';
  return {
    url: `${scheme}://127.0.0.1:${address.port}`,
    port: address.port,
    server,
    logs,
    disposed,
    root,
    stop: async () => {
      await close(server, { timeoutMs: 1000 });
    },
  };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** node:http(s) request without connection pooling, for TLS (custom CA) and shutdown tests. */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; ca?: string } = {},
): Promise<RawResponse> {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      target,
      { method: options.method ?? 'GET', headers: options.headers, agent: false, ca: options.ca },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Access-log lines are written when the socket closes, a moment after the client has the response. */
export async function waitFor<T>(probe: () => T | undefined, timeoutMs = 2000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

// Routes shared by the specs: a tiny ticket resource exercising each feature of the router.
export const TicketSchema = z
  .object({ id: z.string(), subject: z.string(), priority: z.enum(['low', 'normal', 'high']) })
  .meta({ id: 'Ticket' });
export const CreateTicketSchema = z
  .object({
    subject: z.string().min(1),
    priority: z.enum(['low', 'normal', 'high']).default('normal'),
    tags: z.array(z.object({ name: z.string().min(1) })).optional(),
  })
  .meta({ id: 'CreateTicket' });

export function ticketRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/tickets',
      operationId: 'createTicket',
      summary: 'Create a ticket',
      tags: ['tickets'],
      access: 'public',
      request: { body: CreateTicketSchema },
      responses: { 201: { description: 'Created', schema: TicketSchema } },
      handler: ({ body }) => ({ id: 't-1', ...body }),
    }),
    defineRoute({
      method: 'get',
      path: '/tickets/:id',
      operationId: 'getTicket',
      summary: 'Get a ticket',
      tags: ['tickets'],
      access: { permission: 'tickets:read' },
      request: {
        params: z.object({ id: z.uuid() }),
        query: z.object({ limit: z.coerce.number().int().max(100).default(20) }),
      },
      responses: { 200: { description: 'The ticket', schema: TicketSchema } },
      handler: ({ params, query }) => ({
        id: params.id,
        subject: `limit ${query.limit}`,
        priority: 'low',
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/tickets/:id',
      operationId: 'deleteTicket',
      summary: 'Delete a ticket',
      tags: ['tickets'],
      access: 'authenticated',
      responses: { 204: { description: 'Deleted' } },
      handler: () => undefined,
    }),
    defineRoute({
      method: 'get',
      path: '/conflict',
      operationId: 'conflict',
      summary: 'Always a NovumError',
      access: 'public',
      responses: { 200: { description: 'never' }, 409: { description: 'Locked' } },
      handler: () => {
        throw errors.conflict('ticket_locked', 'Ticket is locked', { ticketId: 't-9' });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/boom',
      operationId: 'boom',
      summary: 'Always a bug',
      access: 'public',
      responses: { 200: { description: 'never' } },
      handler: () => {
        throw new Error('boom-marker: password=hunter2 at db.internal:5432');
      },
    }),
    defineRoute({
      method: 'get',
      path: '/scope',
      operationId: 'whoAmI',
      summary: 'Reads the request scope',
      access: 'public',
      responses: { 200: { description: 'ok' } },
      handler: ({ scope, actor }) => {
        const cradle = scope.cradle as unknown as {
          requestId: string;
          greeting: string;
          probe: unknown;
        };
        return {
          requestId: cradle.requestId,
          greeting: cradle.greeting,
          probe: cradle.probe,
          actor,
        };
      },
    }),
  ];
}
