/**
 * Serves the admin SPA and what it loads at run time:
 *
 *   /                          → 302 /admin/
 *   /admin                     → 302 /admin/
 *   /admin/assets/*            → Vite's hashed files (immutable)
 *   /admin/shared/<file>       → vue, pinia, vue-router and the admin SDK, the targets of the
 *                                import map (from the build's shared-deps.json)
 *   /admin/plugins/<id>/<file> → a plugin's built admin bundle, from the directory it declares
 *   /admin/<other files>       → files in dist/ (favicon), revalidated
 *   /admin/<anything else>     → index.html (client-side routes), CSP nonce injected, no-cache
 *
 * Anything else, and methods other than GET/HEAD, go to the next middleware (the API router),
 * so unknown paths still end as a problem+json 404/405.
 *
 * Mount it after the security-headers middleware (it reads `ctx.state.novumdesk.cspNonce`) and
 * the problem middleware (a 400/404 left without a body becomes a problem). Before the scope
 * middleware is best: static files need no DI scope.
 */
import { stat, readFile } from 'node:fs/promises';
import type Koa from 'koa';
import type { Logger } from '../kernel/logger.js';
import { PLUGIN_ID_PATTERN } from '../kernel/plugins/manifest.js';
import type { NovumState } from '../http/state.js';
import { locateAdminUi, type AdminUiBuild, type Located } from './locate.js';
import { renderNotBuiltPage } from './not-built-page.js';
import {
  BadPathError,
  contentTypeFor,
  IMMUTABLE,
  resolveInside,
  REVALIDATE,
  safeSegments,
  sendFile,
} from './static-files.js';

export const ADMIN_BASE_PATH = '/admin';
const SHARED_PREFIX = `${ADMIN_BASE_PATH}/shared/`;
const PLUGINS_PREFIX = `${ADMIN_BASE_PATH}/plugins/`;
const ASSETS_PREFIX = `${ADMIN_BASE_PATH}/assets/`;

export interface AdminUiOptions {
  logger: Logger;
  /** The built SPA; default: `dist/` of the installed `@novumdesk/admin-ui` package. */
  distDir?: string;
  /**
   * Plugin id → directory of its built admin bundle, served at `/admin/plugins/<id>/`. Served
   * even when the SPA itself is not built.
   */
  pluginAssets?: Readonly<Record<string, string>>;
  /** Redirect `/` to `/admin/`; default true. An embedding host with its own `/` turns it off. */
  redirectRoot?: boolean;
}

/** The URL of a file in a plugin's admin bundle, e.g. for `entry` in `/api/v1/admin/extensions`. */
export function pluginAssetUrl(pluginId: string, file: string): string {
  const encoded = file
    .split('/')
    .filter(Boolean)
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  return `${PLUGINS_PREFIX}${encodeURIComponent(pluginId)}/${encoded}`;
}

function checkPluginAssets(map: Readonly<Record<string, string>>): Map<string, string> {
  const dirs = new Map<string, string>();
  for (const [pluginId, dir] of Object.entries(map)) {
    if (!PLUGIN_ID_PATTERN.test(pluginId)) {
      throw new Error(`adminUiMiddleware: pluginAssets key "${pluginId}" is not a plugin id`);
    }
    dirs.set(pluginId, dir);
  }
  return dirs;
}

const isKnownFileType = (name: string): boolean =>
  /\.[A-Za-z0-9]+$/.test(name) && contentTypeFor(name) !== 'application/octet-stream';

/** The index.html text with the placeholder, re-read only when the file changes (a rebuild). */
function indexCache() {
  let cached: { mtimeMs: number; size: number; html: string } | undefined;
  return async (file: string): Promise<string> => {
    const stats = await stat(file);
    if (!cached || cached.mtimeMs !== stats.mtimeMs || cached.size !== stats.size) {
      cached = { mtimeMs: stats.mtimeMs, size: stats.size, html: await readFile(file, 'utf8') };
    }
    return cached.html;
  };
}

export function adminUiMiddleware(options: AdminUiOptions): Koa.Middleware<NovumState> {
  const { logger } = options;
  const pluginDirs = checkPluginAssets(options.pluginAssets ?? {});
  const redirectRoot = options.redirectRoot ?? true;
  const readIndex = indexCache();

  let located: Located = locateAdminUi(options);
  if (located.ok) {
    logger.info({ distDir: located.build.distDir }, 'admin UI served at /admin');
  } else {
    logger.warn(`admin UI unavailable: ${located.reason}; run \`npm run build\``);
  }
  /** The build, looking again while there is none: building while the server runs just works. */
  const current = (): Located => {
    if (!located.ok) {
      const again = locateAdminUi(options);
      if (again.ok) logger.info({ distDir: again.build.distDir }, 'admin UI found');
      located = again;
    }
    return located;
  };

  async function serveIndex(ctx: Koa.ParameterizedContext<NovumState>, build: AdminUiBuild) {
    const html = await readIndex(build.indexHtml);
    const nonce = ctx.state.novumdesk?.cspNonce ?? '';
    ctx.status = 200;
    // The nonce changes per response: the page itself must never be reused from a cache.
    ctx.set('Cache-Control', REVALIDATE);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = html.replaceAll(build.noncePlaceholder, nonce);
  }

  function serveNotBuilt(ctx: Koa.ParameterizedContext<NovumState>, reason: string) {
    ctx.status = 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = renderNotBuiltPage({ reason, nonce: ctx.state.novumdesk?.cspNonce ?? '' });
  }

  /** Serves `rest` from `dir`; returns false when there is no such file. */
  async function serveFrom(
    ctx: Koa.ParameterizedContext<NovumState>,
    dir: string,
    rest: string,
    cacheControl: string,
  ): Promise<boolean> {
    const found = await resolveInside(dir, rest);
    if (!found) return false;
    sendFile(ctx, found.file, found.stats, cacheControl);
    return true;
  }

  async function handle(ctx: Koa.ParameterizedContext<NovumState>): Promise<boolean> {
    const p = ctx.path;
    if (p === '/' && redirectRoot) {
      ctx.redirect(`${ADMIN_BASE_PATH}/`);
      return true;
    }
    if (p === ADMIN_BASE_PATH) {
      ctx.redirect(`${ADMIN_BASE_PATH}/${ctx.querystring ? `?${ctx.querystring}` : ''}`);
      return true;
    }
    if (!p.startsWith(`${ADMIN_BASE_PATH}/`)) return false;

    if (p.startsWith(PLUGINS_PREFIX)) {
      const rest = p.slice(PLUGINS_PREFIX.length);
      const slash = rest.indexOf('/');
      const dir = slash > 0 ? pluginDirs.get(rest.slice(0, slash)) : undefined;
      // Plugin bundles are usually not content-hashed: revalidate.
      if (dir && (await serveFrom(ctx, dir, rest.slice(slash + 1), REVALIDATE))) return true;
      // `/admin/plugins/<id>/<page>` is also the SPA's route of a plugin page: a name that is
      // not a file goes on to index.html below (reloading a plugin page must not 404).
      if (isKnownFileType(rest)) {
        ctx.status = 404;
        return true;
      }
    }

    const state = current();
    if (!state.ok) {
      if (p.startsWith(ASSETS_PREFIX) || p.startsWith(SHARED_PREFIX)) ctx.status = 404;
      else serveNotBuilt(ctx, state.reason);
      return true;
    }
    const { build } = state;

    if (p.startsWith(SHARED_PREFIX)) {
      const shared = build.shared.get(p.slice(SHARED_PREFIX.length));
      const stats = shared && (await stat(shared.path).catch(() => undefined));
      if (shared && stats) sendFile(ctx, shared.path, stats, shared.cacheControl);
      else ctx.status = 404;
      return true;
    }

    const rest = p.slice(ADMIN_BASE_PATH.length + 1);
    if (rest === '' || rest === 'index.html') {
      await serveIndex(ctx, build);
      return true;
    }
    // Vite puts a content hash in every file name under assets/.
    const cacheControl = p.startsWith(ASSETS_PREFIX) ? IMMUTABLE : REVALIDATE;
    if (await serveFrom(ctx, build.distDir, rest, cacheControl)) return true;
    // A missing asset (under assets/, or named like a script, stylesheet, image…) is a 404, not
    // the SPA: answering a script request with HTML hides the real problem behind a MIME-type
    // error. Other names (`/admin/contacts/ann@example.com`) are client-side routes.
    // Empty segments (`/admin/system/`) are fine for a route; `..` or hidden names are not.
    const segments = safeSegments(rest.split('/').filter(Boolean).join('/') || 'index');
    if (!segments || p.startsWith(ASSETS_PREFIX) || isKnownFileType(segments.at(-1) ?? '')) {
      ctx.status = 404;
      return true;
    }
    await serveIndex(ctx, build);
    return true;
  }

  return async function adminUi(ctx, next) {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    let handled: boolean;
    try {
      handled = await handle(ctx);
    } catch (err) {
      if (!(err instanceof BadPathError)) throw err;
      ctx.status = 400;
      return;
    }
    if (!handled) await next();
  };
}
