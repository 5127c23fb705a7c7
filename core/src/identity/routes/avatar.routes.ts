/**
 * Avatars: `PUT /me/avatar` (raw image body), `DELETE /me/avatar`, `GET /users/:id/avatar`.
 *
 * Upload: the body is the image itself (`Content-Type: image/png|jpeg|gif|webp`, at most 2 MB,
 * else 413). The type is sniffed from the bytes; the header is never trusted. Anything that is
 * not a PNG, JPEG, GIF or WebP is 415 `unsupported_media_type` — HTML, and SVG always (it is XML
 * that can carry script). A file is stored under a server-made key `<userId>/<uuid>` (the avatar
 * belongs to the account, not to one workspace); the previous file is deleted once the new key
 * is committed.
 *
 * Download: members of the caller's workspace only; anyone else's id is 404, like a missing one.
 * A polyglot (valid magic bytes followed by markup) can pass the sniffer, so the bytes are always
 * served as an attachment, with `nosniff` and a sandboxing `default-src 'none'` CSP: a browser
 * never renders them as a document. `<img src>` ignores Content-Disposition, so avatars still
 * display in the UI.
 */
import type Koa from 'koa';
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../http/route.js';
import { errors, NovumError } from '../../kernel/errors.js';
import type { Actor } from '../../kernel/contract.js';
import {
  newStorageKey,
  readRawBody,
  sniffImage,
  type StorageProvider,
} from '../../storage/index.js';
import { inIdentityContext } from '../db.js';

export const AVATAR_MAX_BYTES = 2 * 1024 * 1024;

const AvatarSchema = z
  .object({
    avatarFile: z.string(),
    contentType: z.enum(['image/png', 'image/jpeg', 'image/gif', 'image/webp']),
    size: z.number().int(),
  })
  .meta({ id: 'Avatar' });

const UserIdParams = z.object({ id: z.uuid() });

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

function unsupported(): NovumError {
  return new NovumError(
    'unsupported_media_type',
    'The body must be a PNG, JPEG, GIF or WebP image',
    { status: 415 },
  );
}

function requireUser(actor: Actor | null): Actor {
  if (actor?.kind !== 'user') {
    throw errors.forbidden('users_only', 'Only a signed-in user has an avatar');
  }
  return actor;
}

/** Deletes a replaced or cleared file; a failure leaves an orphan, never a broken reference. */
async function discard(
  storage: StorageProvider,
  key: string | null,
  logger: { warn(obj: object, msg: string): void },
): Promise<void> {
  if (!key) return;
  await storage.delete(key).catch((error: unknown) => {
    logger.warn({ err: error, key }, 'could not delete an avatar file');
  });
}

export function avatarRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'put',
      path: '/me/avatar',
      operationId: 'putMyAvatar',
      summary: 'Upload your avatar (the raw image as the body)',
      description:
        'The request body is the image itself, `Content-Type: image/png`, `image/jpeg`, ' +
        '`image/gif` or `image/webp`, at most 2 MB. The type is taken from the bytes, not the ' +
        'header; SVG and anything else are refused with 415. Replaces (and deletes) the previous avatar.',
      tags: ['auth'],
      access: 'authenticated',
      // The user row is the account's, written in the user's own identity context.
      tenancy: 'none',
      responses: {
        200: { description: 'The stored avatar', schema: AvatarSchema },
        403: { description: 'Not a user (API keys have no avatar)' },
        413: { description: 'Larger than 2 MB (`payload_too_large`)' },
        415: { description: 'Not a PNG, JPEG, GIF or WebP image (`unsupported_media_type`)' },
      },
      async handler({ scope, actor, koa }) {
        const user = requireUser(actor);
        if (koa.request.is('image/*') === false || !koa.get('content-type')) {
          koa.req.resume();
          throw unsupported();
        }
        const data = await readRawBody(koa.req, AVATAR_MAX_BYTES);
        const contentType = sniffImage(data);
        if (!contentType) throw unsupported();
        const { identity, storage, logger } = scope.cradle;
        const key = newStorageKey(user.id);
        await storage.put(key, data, { contentType });
        let previous: string | null;
        try {
          previous = await inIdentityContext(identity.orm, { userId: user.id }, async (sql) => {
            const [row] = await sql(
              `select avatar_file from user_account where id = ? for update`,
              [user.id],
            );
            if (!row) throw errors.notFound('User');
            await sql(`update user_account set avatar_file = ? where id = ?`, [key, user.id]);
            return (row.avatar_file as string | null) ?? null;
          });
        } catch (error) {
          await discard(storage, key, logger);
          throw error;
        }
        if (previous !== key) await discard(storage, previous, logger);
        return { avatarFile: key, contentType, size: data.length };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/me/avatar',
      operationId: 'deleteMyAvatar',
      summary: 'Remove your avatar',
      tags: ['auth'],
      access: 'authenticated',
      tenancy: 'none',
      responses: {
        204: { description: 'Removed (or there was none)' },
        403: { description: 'Not a user (API keys have no avatar)' },
      },
      async handler({ scope, actor }) {
        const user = requireUser(actor);
        const { identity, storage, logger } = scope.cradle;
        const previous = await inIdentityContext(identity.orm, { userId: user.id }, async (sql) => {
          const [row] = await sql(`select avatar_file from user_account where id = ? for update`, [
            user.id,
          ]);
          await sql(`update user_account set avatar_file = null where id = ?`, [user.id]);
          return (row?.avatar_file as string | null | undefined) ?? null;
        });
        await discard(storage, previous, logger);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/users/:id/avatar',
      operationId: 'getUserAvatar',
      summary: "A member's avatar image",
      description:
        'The image bytes (PNG, JPEG, GIF or WebP), served as an attachment with `nosniff` and a ' +
        "sandboxing CSP. Only for members of the caller's workspace; anyone else is 404.",
      tags: ['auth'],
      access: 'authenticated',
      // Reads in an identity context of its own (the member's row), not a workspace transaction.
      tenancy: 'none',
      request: { params: UserIdParams },
      responses: {
        200: { description: 'The image (`image/png`, `image/jpeg`, `image/gif` or `image/webp`)' },
      },
      async handler({ params, scope, actor, koa }) {
        if (!actor?.workspaceId) throw errors.notFound('Avatar');
        const workspaceId = actor.workspaceId;
        const { identity, storage } = scope.cradle;
        const rows = await inIdentityContext(
          identity.orm,
          { workspaceId, userId: actor.kind === 'user' ? actor.id : null },
          (sql) =>
            sql(
              `select u.avatar_file from user_account u
                 join membership m on m.user_id = u.id and m.workspace_id = ?
                where u.id = ?`,
              [workspaceId, params.id],
            ),
        );
        const key = rows[0]?.avatar_file as string | null | undefined;
        if (!key) throw errors.notFound('Avatar');
        const file = await storage.get(key);
        if (!file) throw errors.notFound('Avatar');
        sendImage(koa, file.data);
        return undefined;
      },
    }),
  ];
}

/** The bytes with the sniffed type (re-checked on the way out) and the hardening headers. */
function sendImage(koa: Koa.ParameterizedContext, data: Buffer): void {
  const type = sniffImage(data);
  koa.status = 200;
  koa.set({
    'Content-Type': type ?? 'application/octet-stream',
    'Content-Disposition': `attachment; filename="avatar.${type ? EXTENSIONS[type] : 'bin'}"`,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cache-Control': 'private, max-age=300',
  });
  koa.body = data;
}
