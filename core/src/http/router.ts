/**
 * Turns RouteDefinitions into @koa/router routes: access check, validation, handler, response.
 * Mistakes in the table itself (duplicate operationId or method+path) fail at mount time, so a
 * plugin clash is a start-up error naming both routes rather than a route silently shadowed.
 */
import type Router from '@koa/router';
import type { AwilixContainer } from 'awilix';
import type Koa from 'koa';
import type { Actor, RequestCradle } from '../kernel/contract.js';
import { NovumError, errors } from '../kernel/errors.js';
import { RouteReply, type HttpMethod, type RouteAccess, type RouteDefinition } from './route.js';
import type { NovumState } from './state.js';
import { validationMiddleware } from './validate.js';

const METHODS: readonly HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

interface MountedRoutes {
  operationIds: Map<string, string>;
  signatures: Map<string, string>;
}
// Per router, so duplicates are caught across groups (core vs. a plugin) too.
const mounted = new WeakMap<object, MountedRoutes>();

/** `'/api/v1' + '/tickets'`; `'/api/v1' + '/'` is `/api/v1`; `'' + '/healthz'` is `/healthz`. */
export function joinPath(prefix: string, path: string): string {
  const base = prefix.replace(/\/+$/, '');
  if (path === '/' || path === '') return base === '' ? '/' : base;
  return `${base}${path.startsWith('/') ? path : `/${path}`}`;
}

/** Parameter names don't matter for a clash: `/t/:id` and `/t/:ticketId` are the same route. */
function signature(method: HttpMethod, fullPath: string): string {
  return `${method.toUpperCase()} ${fullPath.replace(/[:*][A-Za-z0-9_$]+/g, ':').replace(/\/$/, '')}`;
}

/** The status used for a handler's plain result: the lowest declared 2xx, else 200. */
export function successStatus(route: RouteDefinition): number {
  const codes = Object.keys(route.responses)
    .map(Number)
    .filter((code) => code >= 200 && code < 300)
    .sort((a, b) => a - b);
  return codes[0] ?? 200;
}

export function hasPermission(actor: Actor, permission: string): boolean {
  return actor.permissions?.includes(permission) ?? false;
}

/** 401 without an actor, 403 without the permission; `public` lets everyone through. */
export function checkAccess(access: RouteAccess, actor: Actor | null): void {
  if (access === 'public') return;
  if (!actor) throw errors.unauthorized();
  if (typeof access === 'object' && !hasPermission(actor, access.permission)) {
    throw new NovumError('forbidden', `Missing permission ${access.permission}`, {
      status: 403,
      details: { permission: access.permission },
    });
  }
}

/** One handler call, as a `RunHandler` sees it. */
export interface HandlerCall {
  route: RouteDefinition;
  scope: AwilixContainer<RequestCradle>;
  actor: Actor | null;
}

/**
 * Wraps every handler call (after access check and validation): the kernel's hook point for work
 * around a handler — tenancy runs it in the actor's workspace transaction. `next()` calls the
 * handler and resolves to its result; the response is written only after the wrapper resolves,
 * so whatever it wraps (a commit) is finished before the status is decided.
 */
export type RunHandler = (call: HandlerCall, next: () => Promise<unknown>) => Promise<unknown>;

export interface MountOptions {
  runHandler?: RunHandler;
}

export function mountRoutes<S, C>(
  router: Router<S, C>,
  routes: readonly RouteDefinition[],
  prefix: string,
  options: MountOptions = {},
): void {
  const seen = mounted.get(router) ?? { operationIds: new Map(), signatures: new Map() };
  mounted.set(router, seen);
  for (const route of routes) {
    const fullPath = joinPath(prefix, route.path);
    const where = `${route.method.toUpperCase()} ${fullPath}`;
    assertWellFormed(route, where);
    const previousOp = seen.operationIds.get(route.operationId);
    if (previousOp) {
      throw new Error(`Duplicate operationId "${route.operationId}": ${previousOp} and ${where}`);
    }
    const sig = signature(route.method, fullPath);
    const previousRoute = seen.signatures.get(sig);
    if (previousRoute) {
      throw new Error(`Duplicate route ${where}: already declared by "${previousRoute}"`);
    }
    seen.operationIds.set(route.operationId, where);
    seen.signatures.set(sig, route.operationId);

    // Typed for NovumState, which the app's chain guarantees; the router's own state type is
    // whatever its creator chose, hence the cast.
    const chain = [
      accessMiddleware(route),
      validationMiddleware(route),
      handlerMiddleware(route, options.runHandler),
    ];
    router.register(
      fullPath,
      [route.method.toUpperCase()],
      chain as unknown as Parameters<Router<S, C>['register']>[2],
      { name: route.operationId },
    );
  }
}

function assertWellFormed(route: RouteDefinition, where: string): void {
  if (!METHODS.includes(route.method)) throw new Error(`Unsupported method in ${where}`);
  if (!route.path.startsWith('/')) throw new Error(`Path must start with "/" in ${where}`);
  if (!/^[a-z][A-Za-z0-9]*$/.test(route.operationId)) {
    throw new Error(`operationId "${route.operationId}" of ${where} must be camelCase`);
  }
}

export function accessMiddleware(route: RouteDefinition): Koa.Middleware<NovumState> {
  return async function access(ctx, next) {
    checkAccess(route.access, ctx.state.novumdesk.actor);
    await next();
  };
}

function handlerMiddleware(
  route: RouteDefinition,
  runHandler?: RunHandler,
): Koa.Middleware<NovumState> {
  const status = successStatus(route);
  const declaresNoContent = 204 in route.responses;
  return async function handle(ctx) {
    const state = ctx.state.novumdesk;
    const { scope, input, actor } = state;
    if (!scope || !input) {
      throw new Error(`Route ${route.operationId} ran without a request scope or parsed input`);
    }
    // Anything behind authentication is private to that actor: no shared or browser caches.
    if (route.access !== 'public') ctx.set('Cache-Control', 'no-store');
    const invoke = async () => route.handler({ ...input, scope, actor, koa: ctx });
    const result = runHandler ? await runHandler({ route, scope, actor }, invoke) : await invoke();
    if (result instanceof RouteReply) {
      ctx.set({ ...result.headers });
      writeResult(ctx, route, result.status, result.body);
      return;
    }
    if (result === undefined) {
      if (ctx.body !== undefined) return; // the handler wrote the response itself
      if (declaresNoContent) {
        ctx.status = 204;
        return;
      }
      throw new Error(`Route ${route.operationId} returned nothing and declares no 204 response`);
    }
    writeResult(ctx, route, status, result);
  };
}

function writeResult(
  ctx: Koa.Context | Koa.ParameterizedContext,
  route: RouteDefinition,
  status: number,
  body: unknown,
) {
  ctx.status = status;
  if (body === undefined) return;
  const contentType = route.responses[status]?.contentType;
  if (contentType) ctx.type = contentType;
  ctx.body = body;
}
