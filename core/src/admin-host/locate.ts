/**
 * Finding the built admin UI at run time. `@novumdesk/admin-ui` is an optional dependency: an
 * install without it (or a checkout that was never built) must still start and say what to do.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Logger } from '../kernel/logger.js';
import { IMMUTABLE, REVALIDATE } from './static-files.js';

export const ADMIN_UI_PACKAGE = '@novumdesk/admin-ui';
/** Written by the admin UI's build (admin-ui/build/shared-deps.ts): the import map's files. */
export const SHARED_MANIFEST = 'shared-deps.json';

/** `admin-ui/build/shared-deps.ts` `SharedManifest`, as the server reads it. */
interface SharedManifest {
  imports: Record<string, string>;
  files: Record<string, { package: string; version: string; file: string } | { dist: string }>;
  noncePlaceholder: string;
}

export interface SharedFile {
  path: string;
  cacheControl: string;
}

export interface AdminUiBuild {
  distDir: string;
  indexHtml: string;
  noncePlaceholder: string;
  /** File name under `/admin/shared/` → what answers it. */
  shared: Map<string, SharedFile>;
}

export type Located = { ok: true; build: AdminUiBuild } | { ok: false; reason: string };

/** dist/ of the installed `@novumdesk/admin-ui`, or why there is none. */
function defaultDistDir(): { dir: string } | { reason: string } {
  try {
    const pkgJson = createRequire(import.meta.url).resolve(`${ADMIN_UI_PACKAGE}/package.json`);
    return { dir: path.join(path.dirname(pkgJson), 'dist') };
  } catch {
    return { reason: `the ${ADMIN_UI_PACKAGE} package is not installed` };
  }
}

function isManifest(value: unknown): value is SharedManifest {
  const v = value as Partial<SharedManifest> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.files === 'object' &&
    v.files !== null &&
    typeof v.noncePlaceholder === 'string' &&
    v.noncePlaceholder.length > 0
  );
}

/**
 * The shared files, resolved from the admin UI package's own dependencies (the versions it was
 * built against), falling back to the core's. A file that cannot be found is logged and left
 * out: its URL then answers 404 and the browser console names it.
 */
function resolveShared(
  distDir: string,
  manifest: SharedManifest,
  logger: Logger,
): Map<string, SharedFile> {
  const requires = [
    createRequire(path.join(distDir, '..', 'package.json')),
    createRequire(import.meta.url),
  ];
  const shared = new Map<string, SharedFile>();
  for (const [name, source] of Object.entries(manifest.files)) {
    if ('dist' in source) {
      const file = path.resolve(distDir, source.dist);
      if (existsSync(file) && file.startsWith(distDir + path.sep)) {
        shared.set(name, { path: file, cacheControl: REVALIDATE });
      } else {
        logger.error({ file }, `admin UI: shared file ${name} missing from the build`);
      }
      continue;
    }
    let pkgJson: string | undefined;
    for (const req of requires) {
      try {
        pkgJson = req.resolve(`${source.package}/package.json`);
        break;
      } catch {
        // try the next location
      }
    }
    const file = pkgJson && path.join(path.dirname(pkgJson), source.file);
    if (!pkgJson || !file || !existsSync(file)) {
      logger.error(
        { package: source.package, file: source.file },
        `admin UI: shared module ${name} not found; the admin UI will not load (run npm ci)`,
      );
      continue;
    }
    const { version } = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version?: string };
    if (version !== source.version) {
      // The URL promises the built-against version; serving another one must not be cached.
      logger.warn(
        { package: source.package, built: source.version, installed: version },
        'admin UI: installed version differs from the one the UI was built with; rebuild it',
      );
    }
    shared.set(name, {
      path: file,
      cacheControl: version === source.version ? IMMUTABLE : REVALIDATE,
    });
  }
  return shared;
}

export function locateAdminUi(options: { distDir?: string; logger: Logger }): Located {
  let distDir = options.distDir;
  if (!distDir) {
    const found = defaultDistDir();
    if ('reason' in found) return { ok: false, reason: found.reason };
    distDir = found.dir;
  }
  distDir = path.resolve(distDir);
  const indexHtml = path.join(distDir, 'index.html');
  if (!existsSync(indexHtml)) {
    return { ok: false, reason: `the admin UI is not built (${indexHtml} not found)` };
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(path.join(distDir, SHARED_MANIFEST), 'utf8'));
  } catch {
    manifest = undefined;
  }
  if (!isManifest(manifest)) {
    return {
      ok: false,
      reason: `the admin UI build is incomplete (${SHARED_MANIFEST} missing or invalid in ${distDir})`,
    };
  }
  return {
    ok: true,
    build: {
      distDir,
      indexHtml,
      noncePlaceholder: manifest.noncePlaceholder,
      shared: resolveShared(distDir, manifest, options.logger),
    },
  };
}
