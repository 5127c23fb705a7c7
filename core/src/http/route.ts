/**
 * A route is declared once, with zod schemas for its input and output. The same declaration
 * drives three things: validation at the edge (`validate.ts`), the OpenAPI document
 * (`openapi.ts`) and, for the identity issue, the authorization matrix test.
 */
import type { AwilixContainer } from 'awilix';
import type Koa from 'koa';
import type { ZodType, output } from 'zod';
import type { Actor, RequestCradle } from '../kernel/contract.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteResponse {
  description: string;
  schema?: ZodType;
  /** Defaults to application/json. */
  contentType?: string;
}

/**
 * `public`: no authentication. `authenticated`: any signed-in actor. A permission string
 * (`tickets:read`) implies authenticated. Enforced by the auth middleware (identity issue).
 */
export type RouteAccess = 'public' | 'authenticated' | { permission: string };

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  scope: AwilixContainer<RequestCradle>;
  actor: Actor | null;
  koa: Koa.ParameterizedContext;
}

export interface RouteDefinition<
  P extends ZodType = ZodType,
  Q extends ZodType = ZodType,
  B extends ZodType = ZodType,
> {
  method: HttpMethod;
  /** koa-router path, e.g. `/tickets/:id`; relative to the mount point (`/api/v1` or `/api/p/<id>`). */
  path: string;
  /** Unique, camelCase: `getTicket`. Becomes the OpenAPI operationId. */
  operationId: string;
  summary: string;
  description?: string;
  tags?: string[];
  access: RouteAccess;
  /**
   * `'workspace'` (default): for an actor with a workspace, the handler runs inside that
   * workspace's transaction (`tenancy/http.ts`). `'none'`: it never does — for operator routes
   * that work across workspaces or wait on another database connection (the job queue's).
   */
  tenancy?: 'workspace' | 'none';
  request?: { params?: P; query?: Q; body?: B };
  /** Status code -> response. The lowest 2xx is the status used for the handler's result. */
  responses: Record<number, RouteResponse>;
  /**
   * Returns the response body (serialised as JSON), a `reply(status, body)` for a status other
   * than the lowest declared 2xx, or sets `input.koa.body` itself and returns undefined.
   */
  handler(input: RouteInput<output<P>, output<Q>, output<B>>): Promise<unknown> | unknown;
}

/** Routes mounted together under one prefix: `/api/v1`, `/api/p/<pluginId>` or `''` (probes). */
export interface RouteGroup {
  prefix: string;
  routes: RouteDefinition[];
  /** OpenAPI tag for routes that declare none (a plugin's id, say). */
  tag?: string;
}

/**
 * A handler result with an explicit status (and headers), for routes that answer with more than
 * one success or error shape, e.g. readiness: 200 or 503 with the same body schema.
 */
export class RouteReply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

export function reply(
  status: number,
  body?: unknown,
  headers?: Readonly<Record<string, string>>,
): RouteReply {
  return new RouteReply(status, body, headers);
}

/** Identity function that gives the handler typed input from the schemas. */
export function defineRoute<P extends ZodType, Q extends ZodType, B extends ZodType>(
  definition: RouteDefinition<P, Q, B>,
): RouteDefinition {
  return definition as unknown as RouteDefinition;
}
