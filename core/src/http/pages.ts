/**
 * Public pages: what a plugin serves to the outside world beyond the JSON API — server-rendered
 * HTML, `sitemap.xml`, `robots.txt`, a form post — at paths outside `/api` (`/help/…`), and
 * optionally on whole host names (a custom domain such as `help.example.com`).
 *
 * A plugin declares a mount in `register()` with `ctx.page({ name, paths, claimsHost?, handle })`.
 * A request reaches `handle` when its path is one of `paths` or below one of them, or when
 * `claimsHost(host)` is true for its `Host` (then every path but `/api/…` is offered). The chain
 * in front of it is the API's — request id, access log, security headers (the default CSP),
 * problem+json — but then it differs on purpose:
 *
 * - **no authentication**: pages are anonymous by construction, so a session cookie can neither
 *   leak into a cached page nor be abused across sites; `handle` gets a request scope with
 *   `actor: null` and no workspace (use `withWorkspace` once the page knows its workspace);
 * - **no OpenAPI entry and no JSON body parsing**: a page reads its own body if it takes one;
 * - **its own Content-Security-Policy**: the security-headers middleware has already set the
 *   default policy when `handle` runs, and a page may replace it with a stricter one with
 *   `koa.set('Content-Security-Policy', …)` (the last `set` wins).
 *
 * `handle` answers by setting `koa.body` (and status, type, caching headers) and returning
 * `true`; returning `false` passes the request on down the chain (so an unknown path under a
 * claimed host still ends as the usual 404). A thrown error becomes a problem+json response,
 * like a route's.
 */
import type { AwilixContainer } from 'awilix';
import type Koa from 'koa';
import type { RequestCradle } from '../kernel/contract.js';
import type { CreateScope } from './scope.js';
import type { NovumState } from './state.js';

export interface PageRequest {
  koa: Koa.ParameterizedContext<NovumState>;
  /**
   * A request scope (`em`, `clock`, …) with no actor and no workspace, created on first access
   * (a page served from memory never pays for one) and disposed after the response.
   */
  readonly scope: AwilixContainer<RequestCradle>;
  /** The `Host` header's name, lower-cased, without the port. */
  host: string;
  /** True when the request came in through `claimsHost` rather than one of `paths`. */
  byHost: boolean;
}

export interface PageMount {
  /** Unique within the plugin; names the mount in errors and logs. */
  name: string;
  /**
   * Paths this mount owns: each is served itself and everything below it (`/help` owns
   * `/help`, `/help/` and `/help/a/b`). Must start with `/`, must not be `/` itself, and must
   * not overlap another mount's paths or the kernel's (`/api`, `/admin`, `/healthz`, `/readyz`).
   */
  paths: readonly string[];
  /**
   * Custom host names: true when this mount answers every request for `host` (except `/api/…`).
   * Called on every request, synchronously: keep a cached set and refresh it elsewhere.
   */
  claimsHost?: (host: string) => boolean;
  handle(page: PageRequest): Promise<boolean>;
}

export interface PageMountDeclaration {
  pluginId: string;
  mount: PageMount;
}

/** Paths the kernel serves itself; a page mount may not claim them or anything under them. */
export const RESERVED_PAGE_PATHS: readonly string[] = ['/api', '/admin', '/healthz', '/readyz'];

const PAGE_PATH = /^\/[A-Za-z0-9._~\-/]*[A-Za-z0-9._~-]$/;

/** `/help` owns `/help` and `/help/…`, not `/helpdesk`. */
export function pathIsUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** Throws a message naming both owners when paths are malformed or overlap. */
export function assertPageMounts(declarations: readonly PageMountDeclaration[]): void {
  const owners: { path: string; owner: string }[] = RESERVED_PAGE_PATHS.map((path) => ({
    path,
    owner: 'the kernel',
  }));
  const names = new Set<string>();
  for (const { pluginId, mount } of declarations) {
    const owner = `plugin "${pluginId}" (page mount "${mount.name}")`;
    const key = `${pluginId}/${mount.name}`;
    if (names.has(key)) throw new Error(`${owner} is declared twice`);
    names.add(key);
    if (mount.paths.length === 0 && !mount.claimsHost) {
      throw new Error(`${owner} declares neither paths nor claimsHost`);
    }
    for (const path of mount.paths) {
      if (!PAGE_PATH.test(path) || path.includes('//')) {
        throw new Error(`${owner}: page path "${path}" must look like "/help" (no trailing "/")`);
      }
      const clash = owners.find((o) => pathIsUnder(path, o.path) || pathIsUnder(o.path, path));
      if (clash) {
        throw new Error(`${owner}: page path "${path}" overlaps "${clash.path}" of ${clash.owner}`);
      }
      owners.push({ path, owner });
    }
  }
}

/** The `Host` header without its port, lower-cased (`Help.Example.com:8080` → `help.example.com`). */
export function hostName(ctx: Koa.Context | Koa.ParameterizedContext): string {
  return ctx.hostname.toLowerCase();
}

/**
 * The middleware that routes requests to page mounts. Mount it after the problem middleware and
 * before anything that authenticates (the admin UI's static files may come after it, so a
 * claimed host's `/` is the mount's, not a redirect to `/admin/`).
 */
export function pagesMiddleware(
  declarations: readonly PageMountDeclaration[],
  createScope: CreateScope,
): Koa.Middleware<NovumState> {
  assertPageMounts(declarations);
  const mounts = declarations.map((d) => d.mount);
  if (mounts.length === 0) return (_ctx, next) => next();
  return async function pages(ctx, next) {
    const path = ctx.path;
    let mount = mounts.find((m) => m.paths.some((p) => pathIsUnder(path, p)));
    let byHost = false;
    if (!mount && !pathIsUnder(path, '/api')) {
      const claimed = hostName(ctx);
      mount = mounts.find((m) => m.claimsHost?.(claimed) === true);
      byHost = mount !== undefined;
    }
    if (!mount) return next();
    const host = hostName(ctx);
    const state = ctx.state.novumdesk;
    // Created on first use: a page answered from memory needs no scope (and no EntityManager).
    let scope: AwilixContainer<RequestCradle> | undefined;
    const page: PageRequest = {
      koa: ctx,
      host,
      byHost,
      get scope() {
        scope ??= createScope(ctx as unknown as Koa.Context, {
          requestId: state.requestId,
          actor: null,
          logger: state.logger,
        });
        return scope;
      },
    };
    let handled: boolean;
    try {
      handled = await mount.handle(page);
    } finally {
      await scope?.dispose().catch((err: unknown) => {
        state.logger.error({ err }, 'disposing the page scope failed');
      });
    }
    if (!handled) await next();
  };
}
