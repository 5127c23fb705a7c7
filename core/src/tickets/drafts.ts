/**
 * Drafts: one per user per ticket (a reply or a note being written), private to that user —
 * every query is keyed by the user, so nobody else reads, replaces or deletes it. Uploads a
 * draft references are kept from expiring while it exists.
 */
import type { AwilixContainer } from 'awilix';
import type { RequestCradle } from '../kernel/contract.js';
import { errors } from '../kernel/errors.js';
import { textArray, type Row, type Sql } from '../identity/db.js';
import { iso } from '../members/context.js';
import { ATTACHMENT_COLUMNS } from '../attachments/attachments.js';
import { sanitizeHtml } from './html.js';
import { getTicket } from './tickets.js';
import { attachmentView, textList, type AttachmentView } from './views.js';

export interface DraftView {
  ticketId: string;
  kind: 'reply' | 'note';
  body: string;
  bodyHtml: string | null;
  attachmentIds: string[];
  attachments: AttachmentView[];
  updatedAt: string;
}

async function draftView(sql: Sql, workspaceId: string, row: Row): Promise<DraftView> {
  const ids = textList(row.attachment_ids);
  const files =
    ids.length === 0
      ? []
      : await sql(
          `select ${ATTACHMENT_COLUMNS} from attachment a
            where a.workspace_id = ? and a.id = any(?::uuid[]) order by a.created_at, a.id`,
          [workspaceId, textArray(ids)],
        );
  const attachments = files.map(attachmentView);
  return {
    ticketId: row.ticket_id,
    kind: row.kind,
    body: row.body,
    bodyHtml: row.body_html ?? null,
    // Uploads that expired or were attached elsewhere drop out.
    attachmentIds: attachments.map((a) => a.id),
    attachments,
    updatedAt: iso(row.updated_at),
  };
}

export async function getDraft(
  sql: Sql,
  workspaceId: string,
  ticketId: string,
  userId: string,
): Promise<DraftView> {
  await getTicket(sql, workspaceId, ticketId);
  const rows = await sql(
    `select * from ticket_draft where workspace_id = ? and ticket_id = ? and user_id = ?`,
    [workspaceId, ticketId, userId],
  );
  if (!rows[0]) throw errors.notFound('Draft');
  return draftView(sql, workspaceId, rows[0]);
}

export async function saveDraft(
  scope: AwilixContainer<RequestCradle>,
  sql: Sql,
  workspaceId: string,
  ticketId: string,
  userId: string,
  input: {
    kind: 'reply' | 'note';
    body?: string | undefined;
    bodyHtml?: string | null | undefined;
    attachmentIds?: string[] | undefined;
  },
): Promise<DraftView> {
  const { attachments, clock } = scope.cradle;
  const now = clock.now();
  await getTicket(sql, workspaceId, ticketId);
  const ids = [...new Set(input.attachmentIds ?? [])];
  await attachments.assertAttachable(sql, workspaceId, ids, now);
  await attachments.keepAlive(sql, workspaceId, ids, now);
  const rows = await sql(
    `insert into ticket_draft (workspace_id, ticket_id, user_id, kind, body, body_html,
                               attachment_ids, updated_at)
     values (?, ?, ?, ?, ?, ?, ?::uuid[], ?)
     on conflict (ticket_id, user_id) do update set kind = excluded.kind, body = excluded.body,
       body_html = excluded.body_html, attachment_ids = excluded.attachment_ids,
       updated_at = excluded.updated_at
     returning *`,
    [
      workspaceId,
      ticketId,
      userId,
      input.kind,
      input.body ?? '',
      input.bodyHtml ? sanitizeHtml(input.bodyHtml) || null : null,
      textArray(ids),
      now,
    ],
  );
  return draftView(sql, workspaceId, rows[0]!);
}

export async function deleteDraft(
  sql: Sql,
  workspaceId: string,
  ticketId: string,
  userId: string,
): Promise<void> {
  await getTicket(sql, workspaceId, ticketId);
  const rows = await sql(
    `delete from ticket_draft where workspace_id = ? and ticket_id = ? and user_id = ? returning 1`,
    [workspaceId, ticketId, userId],
  );
  if (!rows[0]) throw errors.notFound('Draft');
}
