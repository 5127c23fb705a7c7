/**
 * Serving files from a directory, safely: the URL path is decoded segment by segment and every
 * segment that could leave the directory (`..`, an encoded `/` or `\`, NUL) or reveal a hidden
 * file (`.env`, `.vite/`) is refused before the file system is touched; the real path (symlinks
 * resolved) must still lie inside the directory. No library installed here fits (koa-send and
 * koa-static are not dependencies), and this is small.
 */
import { createReadStream, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type Koa from 'koa';

/** Long-lived, never revalidated: for URLs whose content never changes (hash or version in the name). */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Cacheable, but revalidated (ETag) on every use. */
export const REVALIDATE = 'no-cache';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export class BadPathError extends Error {}

/**
 * `a/b%20c.js` → `['a', 'b c.js']`, or `undefined` when a segment is unsafe (traversal,
 * separators, NUL, hidden) or empty. Throws BadPathError on malformed percent-encoding.
 */
export function safeSegments(rawPath: string): string[] | undefined {
  const segments: string[] = [];
  for (const raw of rawPath.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      throw new BadPathError(`malformed percent-encoding in ${JSON.stringify(raw)}`);
    }
    if (
      segment === '' ||
      segment.startsWith('.') ||
      segment.includes('/') ||
      segment.includes('\\') ||
      segment.includes('\0')
    ) {
      return undefined;
    }
    segments.push(segment);
  }
  return segments;
}

const realRoots = new Map<string, Promise<string>>();

/**
 * The file under `root` that the URL path `rawPath` (still percent-encoded, relative to the
 * mount point) names, or `undefined` when there is none or the path is not allowed.
 */
export async function resolveInside(
  root: string,
  rawPath: string,
): Promise<{ file: string; stats: Stats } | undefined> {
  const segments = safeSegments(rawPath);
  if (!segments || segments.length === 0) return undefined;
  const candidate = path.resolve(root, ...segments);
  // Belt and braces: the segment checks already make this impossible.
  if (!isInside(path.resolve(root), candidate)) return undefined;
  try {
    let realRoot = realRoots.get(root);
    if (!realRoot) {
      realRoot = realpath(root);
      realRoots.set(root, realRoot);
      realRoot.catch(() => realRoots.delete(root));
    }
    const [rootReal, fileReal] = await Promise.all([realRoot, realpath(candidate)]);
    // A symlink inside the directory must not lead out of it.
    if (!isInside(rootReal, fileReal)) return undefined;
    const stats = await stat(fileReal);
    return stats.isFile() ? { file: fileReal, stats } : undefined;
  } catch {
    return undefined;
  }
}

function isInside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * Sends a file with its content type, length, validators (ETag, Last-Modified) and the given
 * Cache-Control, answering a conditional request with 304 and HEAD without opening the file.
 */
export function sendFile(
  ctx: Koa.Context | Koa.ParameterizedContext,
  file: string,
  stats: Stats,
  cacheControl: string,
): void {
  ctx.status = 200;
  ctx.set('Cache-Control', cacheControl);
  ctx.type = contentTypeFor(file);
  ctx.length = stats.size;
  ctx.lastModified = stats.mtime;
  ctx.etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  if (ctx.method === 'HEAD') return;
  ctx.body = createReadStream(file);
}
