/**
 * The Koa application: the middleware chain of ARCHITECTURE §1 and the routes. The order is
 * the point of this file:
 *
 *   request id → access log → security headers → problem+json → auth + scope → JSON body → router
 *
 * so every response, errors included, carries the request id and the security headers and is
 * logged once; and no handler runs without a scope.
 */
import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from '../kernel/logger.js';
import { accessLogMiddleware } from './access-log.js';
import { DEFAULT_BODY_LIMIT, jsonBodyMiddleware } from './body.js';
import { problemMiddleware } from './error-handler.js';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi.js';
import { openApiRoutes } from './openapi.routes.js';
import { pagesMiddleware, type PageMountDeclaration } from './pages.js';
import { requestIdMiddleware } from './request-id.js';
import type { RouteGroup } from './route.js';
import { mountRoutes, type RunHandler } from './router.js';
import { scopeMiddleware, type Authenticate, type CreateScope } from './scope.js';
import { securityHeadersMiddleware, type CspDirectives } from './security-headers.js';
import type { NovumState } from './state.js';

export const API_PREFIX = '/api/v1';
export const pluginPrefix = (pluginId: string): string => `/api/p/${pluginId}`;

export interface HttpAppOptions {
  logger: Logger;
  /** Per-request DI scope, supplied by the kernel; disposed when the request ends. */
  createScope: CreateScope;
  /** Identity layer (or an embedding host's session bridge). Default: everyone is anonymous. */
  authenticate?: Authenticate;
  /** Mounted in order; duplicates across groups fail here. */
  routeGroups?: readonly RouteGroup[];
  /** JSON body limit (`'1mb'`, `'256kb'`); larger bodies get 413. */
  bodyLimit?: string;
  /**
   * Trust X-Forwarded-For/-Proto/-Host (TLS-terminating proxy in front). Off by default: then
   * any client could claim to be HTTPS or spoof its address.
   */
  trustProxy?: boolean;
  /** Proxies in front of us when `trustProxy`: `ctx.ip` is the address the outermost one saw. */
  proxyHops?: number;
  /** Serve `/api/v1/openapi.json` and `/api/v1/docs` for all route groups. */
  openapi?: {
    title: string;
    version: string;
    description?: string;
    sessionCookieName?: string;
    /** Last word on the generated document (the kernel runs the `http.openapi` hook here). */
    transform?: (document: OpenApiDocument) => Promise<OpenApiDocument>;
  };
  cspDirectives?: CspDirectives;
  /**
   * Middleware that answers before authentication and the request scope (static files such as
   * the admin UI): they get request ids, security headers and problem+json, nothing more.
   */
  beforeScope?: readonly Koa.Middleware<NovumState>[];
  /**
   * Public page mounts (`ctx.page`): served after problem+json and before `beforeScope` and
   * authentication, each with a scope of its own without an actor (`pages.ts`).
   */
  pages?: readonly PageMountDeclaration[];
  /** Wraps every route handler call (the kernel passes tenancy's workspace transaction). */
  runHandler?: RunHandler;
}

export function createHttpApp(options: HttpAppOptions): Koa<NovumState> {
  const app = new Koa<NovumState>({
    proxy: options.trustProxy ?? false,
    // X-Forwarded-For is "client, proxy1, …": entries left of what our own proxies added are
    // whatever the client sent, so only the last `proxyHops` are believed.
    maxIpsCount: options.trustProxy ? (options.proxyHops ?? 1) : 0,
  });

  // Errors the problem middleware could not turn into a response (the body was already
  // streaming, the socket died). Registering a listener also silences Koa's stderr default.
  app.on('error', (err: unknown, ctx?: Koa.Context) => {
    const log =
      (ctx?.state as Partial<NovumState> | undefined)?.novumdesk?.logger ?? options.logger;
    log.error({ err }, 'error after the response started');
  });

  const router = new Router<NovumState>();
  const groups = [...(options.routeGroups ?? [])];
  const mount = options.runHandler ? { runHandler: options.runHandler } : {};
  for (const group of groups) mountRoutes(router, group.routes, group.prefix, mount);
  if (options.openapi) {
    const openapi = options.openapi;
    let document: Promise<OpenApiDocument> | undefined;
    const metaGroup: RouteGroup = {
      prefix: API_PREFIX,
      tag: 'meta',
      routes: openApiRoutes({
        document: () =>
          (document ??= (async () => {
            const built = buildOpenApiDocument({ ...openapi, routeGroups: groups });
            return openapi.transform ? openapi.transform(built) : built;
          })()),
        specUrl: `${API_PREFIX}/openapi.json`,
      }),
    };
    groups.push(metaGroup);
    mountRoutes(router, metaGroup.routes, metaGroup.prefix, mount);
  }

  app.use(requestIdMiddleware(options.logger));
  app.use(accessLogMiddleware());
  app.use(securityHeadersMiddleware({ cspDirectives: options.cspDirectives }));
  app.use(problemMiddleware());
  if (options.pages?.length) app.use(pagesMiddleware(options.pages, options.createScope));
  for (const middleware of options.beforeScope ?? []) app.use(middleware);
  app.use(scopeMiddleware(options));
  app.use(jsonBodyMiddleware(options.bodyLimit ?? DEFAULT_BODY_LIMIT));
  app.use(router.routes());
  // Without `throw`: the router then sets 405/501 with an `Allow` header and no body, and the
  // problem middleware fills in the body while the header stays.
  app.use(router.allowedMethods());
  return app;
}
