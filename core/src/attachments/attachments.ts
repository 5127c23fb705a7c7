/**
 * Attachments of messages and notes, stored through the storage provider (`storage`).
 *
 * An upload is stored at once under a server-made key and recorded unattached, with an expiry;
 * a reply, note or draft then references it by id (`attachmentIds`). Attaching is only possible
 * within the upload's workspace and before the expiry; an upload nobody attached is deleted
 * (row and file) by the `tickets.expire-attachment` job, scheduled with the upload.
 *
 * `AttachmentService` is in the root container as `attachments`, for channel plugins that store
 * inbound files: `scope.cradle.attachments.store(scope, { filename, data })` inside the
 * workspace transaction, then `attach(sql, workspaceId, messageId, ids)` once the message exists.
 */
import type { AwilixContainer } from 'awilix';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { Actor, RequestCradle } from '../kernel/contract.js';
import { errors } from '../kernel/errors.js';
import { validationFailed } from '../http/problem.js';
import { sqlFor, textArray, type Sql } from '../identity/db.js';
import { newStorageKey, payloadTooLarge } from '../storage/index.js';
import { attachmentView, type AttachmentView } from '../tickets/views.js';
import { sanitizeFilename, sniffContentType } from './sniff.js';

export const EXPIRE_JOB_NAME = 'expire-attachment';
export const EXPIRE_JOB = `tickets.${EXPIRE_JOB_NAME}`;

export const attachmentOptionsSchema = z
  .object({
    /** Largest file accepted, in bytes (413 past it). */
    maxBytes: z
      .number()
      .int()
      .min(1)
      .max(1024 * 1024 * 1024)
      .default(25 * 1024 * 1024),
    /** How long an upload may stay unattached before it is deleted. */
    unattachedTtlSeconds: z
      .number()
      .int()
      .min(1)
      .default(24 * 3600),
    /** Attachments one message may reference. */
    maxPerMessage: z.number().int().min(1).max(100).default(20),
  })
  .default({ maxBytes: 25 * 1024 * 1024, unattachedTtlSeconds: 24 * 3600, maxPerMessage: 20 });
export type AttachmentOptions = z.output<typeof attachmentOptionsSchema>;

export interface StoreInput {
  /** The client's name for the file; sanitized before it is stored. */
  filename: string | null;
  data: Buffer;
  /** Who uploaded it (a user, an API key, or null for a channel). */
  uploadedBy?: Actor | null;
}

export interface ExpireJobData {
  workspaceId: string;
  attachmentId: string;
}

export const ATTACHMENT_COLUMNS = `a.id, a.filename, a.content_type, a.size, a.message_id,
  a.created_at, a.expires_at`;

export class AttachmentService {
  constructor(readonly options: AttachmentOptions) {}

  /**
   * Stores a file and records it, unattached, in the scope's workspace transaction. The type is
   * sniffed from the bytes; `attachment.beforeStore` taps may rename or veto it. If recording
   * fails the stored file is deleted again.
   */
  async store(
    scope: AwilixContainer<RequestCradle>,
    workspaceId: string,
    input: StoreInput,
  ): Promise<AttachmentView> {
    const { em, storage, clock, hooks, jobs, requestId } = scope.cradle;
    if (input.data.length > this.options.maxBytes) throw payloadTooLarge(this.options.maxBytes);
    const draft = await hooks['attachment.beforeStore'].promise(
      {
        filename: sanitizeFilename(input.filename),
        contentType: sniffContentType(input.data),
        size: input.data.length,
        data: input.data,
      },
      { em, scope, actor: input.uploadedBy ?? null, workspaceId, requestId },
    );
    const filename = sanitizeFilename(draft.filename);
    const key = newStorageKey(workspaceId);
    await storage.put(key, input.data, { contentType: draft.contentType });
    try {
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + this.options.unattachedTtlSeconds * 1000);
      const id = uuidv7();
      const actor = input.uploadedBy;
      const rows = await sqlFor(em)(
        `insert into attachment (id, workspace_id, storage_key, filename, content_type, size,
                                 uploaded_by, created_at, expires_at)
         values (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?) returning *`,
        [
          id,
          workspaceId,
          key,
          filename,
          draft.contentType,
          input.data.length,
          actor ? JSON.stringify({ kind: actor.kind, id: actor.id }) : null,
          now,
          expiresAt,
        ],
      );
      await jobs.send(EXPIRE_JOB, { workspaceId, attachmentId: id } satisfies ExpireJobData, {
        em,
        startAfter: expiresAt,
      });
      return attachmentView(rows[0]!);
    } catch (error) {
      await storage.delete(key).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Checks that every id names a live, unattached upload of the workspace, and answers 400 with
   * the field path (`<path>.<index>`) of the first that does not.
   */
  async assertAttachable(
    sql: Sql,
    workspaceId: string,
    ids: readonly string[],
    now: Date,
    path = 'body.attachmentIds',
  ): Promise<void> {
    if (ids.length === 0) return;
    if (ids.length > this.options.maxPerMessage) {
      throw validationFailed([
        { path, message: `at most ${this.options.maxPerMessage} attachments per message` },
      ]);
    }
    const rows = await sql(
      `select id from attachment where workspace_id = ? and id = any(?::uuid[])
          and message_id is null and expires_at > ?`,
      [workspaceId, textArray([...ids]), now],
    );
    const found = new Set(rows.map((r) => r.id as string));
    const missing = ids.findIndex((id) => !found.has(id));
    if (missing >= 0) {
      throw validationFailed([
        {
          path: `${path}.${missing}`,
          message: 'no unattached upload with this id in this workspace (or it expired)',
        },
      ]);
    }
  }

  /** References the uploads from a message (after `assertAttachable`); they no longer expire. */
  async attach(
    sql: Sql,
    workspaceId: string,
    messageId: string,
    ids: readonly string[],
    now: Date,
    path = 'body.attachmentIds',
  ): Promise<void> {
    if (ids.length === 0) return;
    await this.assertAttachable(sql, workspaceId, ids, now, path);
    await sql(
      `update attachment set message_id = ?, expires_at = null
        where workspace_id = ? and id = any(?::uuid[]) and message_id is null`,
      [messageId, workspaceId, textArray([...new Set(ids)])],
    );
  }

  /** Pushes the expiry of unattached uploads back (a draft keeps its files alive). */
  async keepAlive(sql: Sql, workspaceId: string, ids: readonly string[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    const expiresAt = new Date(now.getTime() + this.options.unattachedTtlSeconds * 1000);
    await sql(
      `update attachment set expires_at = greatest(expires_at, ?)
        where workspace_id = ? and id = any(?::uuid[]) and message_id is null`,
      [expiresAt, workspaceId, textArray([...ids])],
    );
  }
}

/** The attachments of these messages, by message id, oldest first. */
export async function attachmentsOf(
  sql: Sql,
  workspaceId: string,
  messageIds: readonly string[],
): Promise<Map<string, AttachmentView[]>> {
  const byMessage = new Map<string, AttachmentView[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await sql(
    `select ${ATTACHMENT_COLUMNS} from attachment a
      where a.workspace_id = ? and a.message_id = any(?::uuid[]) order by a.created_at, a.id`,
    [workspaceId, textArray([...messageIds])],
  );
  for (const row of rows) {
    const list = byMessage.get(row.message_id) ?? [];
    list.push(attachmentView(row));
    byMessage.set(row.message_id, list);
  }
  return byMessage;
}

/** One attachment row with its storage key, or 404. */
export async function findAttachment(sql: Sql, workspaceId: string, id: string) {
  const rows = await sql(
    `select ${ATTACHMENT_COLUMNS}, a.storage_key, a.uploaded_by from attachment a
      where a.workspace_id = ? and a.id = ?`,
    [workspaceId, id],
  );
  if (!rows[0]) throw errors.notFound('Attachment');
  return rows[0];
}

/**
 * The expiry job: deletes the upload (row, then file) if it is still unattached and expired; one
 * whose expiry a draft pushed back is rescheduled for the new time.
 */
export async function expireAttachment(
  data: ExpireJobData,
  scope: AwilixContainer<RequestCradle>,
): Promise<void> {
  const { em, storage, clock, jobs } = scope.cradle;
  const sql = sqlFor(em);
  const [row] = await sql(
    `select storage_key, expires_at from attachment
      where workspace_id = ? and id = ? and message_id is null for update`,
    [data.workspaceId, data.attachmentId],
  );
  if (!row) return;
  const expiresAt = new Date(row.expires_at as string | Date);
  if (expiresAt > clock.now()) {
    await jobs.send(EXPIRE_JOB, data, { em, startAfter: expiresAt });
    return;
  }
  await sql(`delete from attachment where workspace_id = ? and id = ?`, [
    data.workspaceId,
    data.attachmentId,
  ]);
  await storage.delete(row.storage_key as string);
}

declare module '../kernel/contract.js' {
  interface CoreCradle {
    /** Attachments of messages and notes: store and attach files (tickets module). */
    attachments: AttachmentService;
  }
}
