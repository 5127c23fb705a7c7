/** The editor's and agents' tools: preview, search, image uploads, import and export. */
import { randomUUID } from 'node:crypto';
import { uuidv7 } from '../ids.js';
import { NovumError, defineRoute, errors, reply, type RouteDefinition } from '@novumdesk/core';
import { getCenter, listCenters } from '../centers.js';
import { listCategories } from '../categories.js';
import { iso } from '../db.js';
import { exportCenter } from '../export.js';
import { renderBody } from '../sanitize.js';
import type { ArticleSearchHit, ArticleSearchQuery } from '../search.js';
import { IMPORT_JOB, totalOf, type ImportJob } from '../zendesk-import.js';
import {
  AssetOut,
  AssetQuery,
  IdParams,
  ImportIn,
  ImportOut,
  PreviewIn,
  PreviewOut,
  SearchOut,
  SearchQuery,
} from './schemas.js';
import { call, centerPublicUrl, notFound, TAGS, type Scope } from './common.js';

const ASSET_MAX_BYTES = 5 * 1024 * 1024;

/** PNG, JPEG, GIF or WebP by their magic bytes (never SVG: it can carry script). */
export function sniffImage(data: Buffer): string | null {
  if (
    data.length >= 8 &&
    data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  ) {
    return 'image/png';
  }
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff)
    return 'image/jpeg';
  if (data.length >= 6 && /^GIF8[79]a$/.test(data.subarray(0, 6).toString('latin1')))
    return 'image/gif';
  if (
    data.length >= 12 &&
    data.subarray(0, 4).toString('latin1') === 'RIFF' &&
    data.subarray(8, 12).toString('latin1') === 'WEBP'
  ) {
    return 'image/webp';
  }
  return null;
}

async function readBody(req: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size > limit) {
      throw new NovumError('payload_too_large', `Larger than ${limit} bytes`, { status: 413 });
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

const importView = (row: Record<string, unknown>) => ({
  id: row.id as string,
  centerId: row.center_id as string,
  status: row.status as 'queued' | 'running' | 'succeeded' | 'failed',
  total: Number(row.total),
  done: Number(row.done),
  error: (row.error as string | null) ?? null,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});

export function toolRoutes(
  search: (scope: Scope, query: ArticleSearchQuery) => Promise<ArticleSearchHit[]>,
): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/preview',
      operationId: 'knowledgeBasePreview',
      summary:
        'Render a body as the help center would (sanitized HTML), for the editor’s live preview',
      tags: TAGS,
      access: { permission: 'kb:write' },
      request: { body: PreviewIn },
      responses: { 200: { description: 'Sanitized HTML', schema: PreviewOut } },
      handler({ body }) {
        return { html: renderBody(body.body, body.bodyFormat) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/search',
      operationId: 'knowledgeBaseSearch',
      summary:
        'Search published articles (public and internal) for agents: ticket suggestions, link insertion',
      tags: TAGS,
      access: { permission: 'kb:read' },
      request: { query: SearchQuery },
      responses: { 200: { description: 'Best matches first', schema: SearchOut } },
      async handler({ scope, actor, query }) {
        const c = call(scope, actor);
        const centers = await listCenters(c.sql, c.workspaceId);
        const chosen = query.centerId ? centers.filter((x) => x.id === query.centerId) : centers;
        const data = [];
        for (const center of chosen) {
          const locale =
            query.locale && center.locales.includes(query.locale)
              ? query.locale
              : center.defaultLocale;
          const hits = await search(scope, {
            workspaceId: c.workspaceId,
            centerId: center.id,
            locale,
            defaultLocale: center.defaultLocale,
            q: query.q,
            audience: 'agents',
            limit: query.limit,
          });
          const base = centerPublicUrl(center, scope.cradle.config.publicUrl).replace(
            /[a-z-]+\/$/,
            '',
          );
          data.push(
            ...hits.map((h) => ({
              ...h,
              centerId: center.id,
              url: `${base}${h.locale}/articles/${encodeURIComponent(h.slug)}`,
            })),
          );
        }
        data.sort((a, b) => b.score - a.score);
        return { data: data.slice(0, query.limit) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/centers/:id/assets',
      operationId: 'knowledgeBaseUploadAsset',
      summary:
        'Upload an image for articles or the logo (raw PNG, JPEG, GIF or WebP body, at most 5 MB)',
      description: 'Served publicly at `<center>/assets/<id>`; use that URL in article bodies.',
      tags: TAGS,
      access: { permission: 'kb:write' },
      request: { params: IdParams, query: AssetQuery },
      responses: {
        201: { description: 'Stored', schema: AssetOut },
        404: notFound,
        413: { description: 'Larger than 5 MB (`payload_too_large`)' },
        415: { description: 'Not a PNG, JPEG, GIF or WebP image (`unsupported_media_type`)' },
      },
      async handler({ scope, actor, params, query, koa }) {
        const c = call(scope, actor);
        const center = await getCenter(c.sql, c.workspaceId, params.id);
        const unsupported = () =>
          new NovumError('unsupported_media_type', 'Expected a PNG, JPEG, GIF or WebP image', {
            status: 415,
          });
        if (koa.request.is('image/*') === false || !koa.get('content-type')) {
          koa.req.resume();
          throw unsupported();
        }
        const data = await readBody(koa.req, ASSET_MAX_BYTES);
        const contentType = sniffImage(data);
        if (!contentType) throw unsupported();
        const key = `${c.workspaceId}/${randomUUID()}`;
        await scope.cradle.storage.put(key, data, { contentType });
        const id = uuidv7();
        await c.sql(
          `insert into knowledge_base_asset (id, workspace_id, center_id, storage_key, content_type, size,
             filename, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)`,
          [id, c.workspaceId, center.id, key, contentType, data.length, query.filename, c.now],
        );
        return {
          id,
          centerId: center.id,
          contentType,
          size: data.length,
          filename: query.filename,
          url: `/help/${center.slug}/assets/${id}`,
          createdAt: c.now.toISOString(),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/centers/:id/imports',
      operationId: 'knowledgeBaseImportZendesk',
      summary: 'Import a Zendesk Guide export into the center (a background job with progress)',
      tags: TAGS,
      access: { permission: 'kb:write' },
      request: { params: IdParams, body: ImportIn },
      responses: { 202: { description: 'Queued', schema: ImportOut }, 404: notFound },
      async handler({ scope, actor, params, body }) {
        const c = call(scope, actor);
        await getCenter(c.sql, c.workspaceId, params.id);
        const id = uuidv7();
        const rows = await c.sql(
          `insert into knowledge_base_import (id, workspace_id, center_id, status, total, done, source,
             created_at, updated_at) values (?, ?, ?, 'queued', ?, 0, ?::jsonb, ?, ?) returning *`,
          [id, c.workspaceId, params.id, totalOf(body), JSON.stringify(body), c.now, c.now],
        );
        const job: ImportJob = { importWorkspace: c.workspaceId, importId: id };
        await scope.cradle.jobs.send(IMPORT_JOB, job, { em: scope.cradle.em });
        return reply(202, importView(rows[0]!));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/imports/:id',
      operationId: 'knowledgeBaseGetImport',
      summary: 'Progress of an import',
      tags: TAGS,
      access: { permission: 'kb:read' },
      request: { params: IdParams },
      responses: { 200: { description: 'The import', schema: ImportOut }, 404: notFound },
      async handler({ scope, actor, params }) {
        const c = call(scope, actor);
        const rows = await c.sql(
          `select id, center_id, status, total, done, error, created_at, updated_at
             from knowledge_base_import where workspace_id = ? and id = ?`,
          [c.workspaceId, params.id],
        );
        if (!rows[0]) throw errors.notFound('Import', { id: params.id });
        return importView(rows[0]);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/centers/:id/export',
      operationId: 'knowledgeBaseExportCenter',
      summary: 'Export the center as Markdown files with front matter (a tar archive)',
      tags: TAGS,
      access: { permission: 'kb:read' },
      request: { params: IdParams },
      responses: {
        200: { description: 'A tar archive', contentType: 'application/x-tar' },
        404: notFound,
      },
      async handler({ scope, actor, params, koa }) {
        const c = call(scope, actor);
        const center = await getCenter(c.sql, c.workspaceId, params.id);
        const categories = await listCategories(c.sql, c.workspaceId, center.id);
        const archive = await exportCenter(c.sql, center, categories);
        koa.set('Content-Disposition', `attachment; filename="${center.slug}.tar"`);
        koa.type = 'application/x-tar';
        koa.body = archive;
        return undefined;
      },
    }),
  ];
}
