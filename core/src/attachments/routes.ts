/**
 * `POST /attachments` (upload) and `GET /attachments/:id` (download).
 *
 * Upload: the raw file as the body (any Content-Type but JSON; the name in `?filename=`), or
 * `multipart/form-data` with the file in the field `file`. Past the configured size: 413. The
 * stored type is sniffed from the bytes (`sniff.ts`); the client's claim is ignored.
 *
 * Download: always `Content-Disposition: attachment`, `X-Content-Type-Options: nosniff` and
 * `Content-Security-Policy: sandbox; default-src 'none'`, with the sniffed type (never HTML or
 * SVG), so a polyglot file (image magic bytes followed by markup) is never rendered as a page.
 * Attached files are readable by the workspace's agents (`tickets:read`); an upload not yet
 * attached only by whoever uploaded it.
 */
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { sqlFor } from '../identity/db.js';
import { PERMISSIONS } from '../identity/permissions.js';
import { NovumError, errors } from '../kernel/errors.js';
import { inWorkspace } from '../members/context.js';
import { payloadTooLarge, readRawBody } from '../storage/index.js';
import { inWorkspaceScope } from '../tenancy/index.js';
import { json } from '../tickets/views.js';
import { findAttachment, type AttachmentService } from './attachments.js';
import { contentDisposition } from './sniff.js';
import { AttachmentOut } from './schemas.js';

/** Room for the multipart framing around the file itself. */
const MULTIPART_OVERHEAD = 64 * 1024;

const UploadQuery = z.object({ filename: z.string().max(1000).optional() });
const IdParams = z.object({ id: z.uuid() });

async function multipartFile(
  raw: Buffer,
  contentType: string,
  limit: number,
): Promise<{ name: string; data: Buffer }> {
  let form: FormData;
  try {
    form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw errors.badRequest('invalid_multipart', 'The multipart body could not be parsed');
  }
  const file = form.get('file');
  if (!file || typeof file === 'string') {
    throw new NovumError('validation_failed', 'The request is not valid', {
      status: 400,
      details: { errors: [{ path: 'body.file', message: 'a file is required in field "file"' }] },
    });
  }
  if (file.size > limit) throw payloadTooLarge(limit);
  return { name: file.name, data: Buffer.from(await file.arrayBuffer()) };
}

export function attachmentRoutes(service: AttachmentService): RouteDefinition[] {
  const { maxBytes } = service.options;
  return [
    defineRoute({
      method: 'post',
      path: '/attachments',
      operationId: 'uploadAttachment',
      summary: 'Upload a file to attach to a reply, note or draft (`attachmentIds`)',
      description:
        'The body is the file itself (name in `?filename=`) or `multipart/form-data` with the ' +
        `file in the field \`file\`; at most ${maxBytes} bytes by default (configurable), else ` +
        '413. The content type is sniffed from the bytes. An upload no message references is ' +
        'deleted after a while (`expiresAt`).',
      tags: ['attachments'],
      access: { permission: PERMISSIONS.ticketsWrite },
      // The body is read before the workspace transaction opens: a slow upload must not hold a
      // transaction (in embedded mode, the one database session) for its whole duration.
      tenancy: 'none',
      request: { query: UploadQuery },
      responses: {
        201: { description: 'Stored', schema: AttachmentOut },
        400: { description: 'No file, or an unreadable multipart body' },
        413: { description: 'Larger than the limit (`payload_too_large`)' },
        415: { description: 'A JSON body (`unsupported_media_type`)' },
      },
      async handler({ query, scope, actor, koa }) {
        const { workspaceId } = inWorkspace(actor);
        if (koa.request.is('application/json', 'application/*+json')) {
          koa.req.resume();
          throw new NovumError('unsupported_media_type', 'Send the file itself, or multipart', {
            status: 415,
          });
        }
        const contentType = koa.get('content-type');
        let file: { name: string | null; data: Buffer };
        if (koa.request.is('multipart/form-data')) {
          const raw = await readRawBody(koa.req, maxBytes + MULTIPART_OVERHEAD);
          file = await multipartFile(raw, contentType, maxBytes);
        } else {
          file = { name: query.filename ?? null, data: await readRawBody(koa.req, maxBytes) };
        }
        if (file.data.length === 0) {
          throw errors.badRequest('empty_file', 'The file is empty');
        }
        return inWorkspaceScope(scope, workspaceId, () =>
          service.store(scope, workspaceId, {
            filename: file.name,
            data: file.data,
            uploadedBy: actor,
          }),
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/attachments/:id',
      operationId: 'downloadAttachment',
      summary: 'Download an attachment (always as an attachment, never rendered inline)',
      tags: ['attachments'],
      access: { permission: PERMISSIONS.ticketsRead },
      // The row is read in the workspace's transaction; the bytes after it has ended.
      tenancy: 'none',
      request: { params: IdParams },
      responses: {
        200: {
          description: 'The file, with its sniffed type',
          contentType: 'application/octet-stream',
        },
        404: { description: 'No such attachment in this workspace' },
      },
      async handler({ params, scope, actor, koa }) {
        const { workspaceId } = inWorkspace(actor);
        const { storage } = scope.cradle;
        const row = await inWorkspaceScope(scope, workspaceId, () =>
          findAttachment(sqlFor(scope.cradle.em), workspaceId, params.id),
        );
        if (!row.message_id) {
          const uploader = json<{ kind: string; id: string } | null>(row.uploaded_by);
          if (!uploader || uploader.id !== actor?.id) throw errors.notFound('Attachment');
        }
        const file = await storage.get(row.storage_key as string);
        if (!file) throw errors.notFound('Attachment');
        const type = row.content_type as string;
        koa.status = 200;
        koa.set({
          'Content-Type': type.startsWith('text/') ? `${type}; charset=utf-8` : type,
          'Content-Disposition': contentDisposition(row.filename as string),
          'X-Content-Type-Options': 'nosniff',
          'Content-Security-Policy': "sandbox; default-src 'none'",
          'Cross-Origin-Resource-Policy': 'same-origin',
          'Cache-Control': 'private, no-store',
        });
        koa.body = file.data;
        return undefined;
      },
    }),
  ];
}
