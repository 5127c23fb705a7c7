/**
 * How ticket rows become API views: the column list the queries select and the mapping of a row
 * to `TicketView` / `MessageView`.
 */
import type { Row } from '../identity/db.js';
import { iso, isoOrNull } from '../members/context.js';
import type { TicketPriority, TicketStatus, TicketType, TicketVia } from './entities.js';

export interface TicketView {
  id: string;
  number: number;
  subject: string;
  requesterId: string;
  status: TicketStatus;
  priority: TicketPriority;
  type: TicketType | null;
  assigneeId: string | null;
  teamId: string | null;
  tags: string[];
  customFields: Record<string, unknown>;
  via: TicketVia;
  firstResponseAt: string | null;
  solvedAt: string | null;
  statusId: string | null;
  mergedIntoId: string | null;
  ccs: { contactId: string; email: string }[];
  createdAt: string;
  updatedAt: string;
}

/** An attachment as messages and the upload route show it. */
export interface AttachmentView {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  messageId: string | null;
  createdAt: string;
  expiresAt: string | null;
}

export interface MessageView {
  id: string;
  ticketId: string;
  kind: 'reply' | 'note';
  direction: 'inbound' | 'outbound' | null;
  authorUserId: string | null;
  authorContactId: string | null;
  bodyText: string;
  bodyHtml: string | null;
  deliveryStatus: string | null;
  attachments: AttachmentView[];
  createdAt: string;
}

export interface TimelineItem {
  itemType: 'message' | 'event';
  id: string;
  createdAt: string;
  message?: MessageView;
  event?: {
    type: string;
    actor: { kind: string; id: string } | null;
    data: Record<string, unknown>;
  };
}

export const json = <T>(value: unknown): T =>
  (typeof value === 'string' ? JSON.parse(value) : value) as T;

/** text[] from the driver: an array, or the literal on some paths. */
export function textList(value: unknown): string[] {
  if (Array.isArray(value)) return value as string[];
  if (typeof value !== 'string' || value === '{}') return [];
  return value
    .slice(1, -1)
    .match(/"((?:[^"\\]|\\.)*)"|[^,]+/g)!
    .map((item) => (item.startsWith('"') ? item.slice(1, -1).replace(/\\(.)/g, '$1') : item));
}

export const TICKET_COLUMNS = `t.id, t.number, t.subject, t.requester_id, t.status, t.priority, t.type,
  t.assignee_id, t.team_id, t.tags, t.custom_fields, t.via, t.first_response_at, t.solved_at,
  t.status_id, t.merged_into_id, t.ccs, t.created_at, t.updated_at, t.updated_at::text as cursor_at`;

export function ticketView(row: Row): TicketView {
  const via = json<{ channel?: string; inboxId?: string | null }>(row.via) ?? {};
  return {
    id: row.id,
    number: Number(row.number),
    subject: row.subject,
    requesterId: row.requester_id,
    status: row.status,
    priority: row.priority,
    type: row.type,
    assigneeId: row.assignee_id,
    teamId: row.team_id,
    tags: textList(row.tags),
    customFields: json<Record<string, unknown>>(row.custom_fields) ?? {},
    via: { channel: via.channel ?? 'api', inboxId: via.inboxId ?? null },
    firstResponseAt: isoOrNull(row.first_response_at),
    solvedAt: isoOrNull(row.solved_at),
    statusId: row.status_id ?? null,
    mergedIntoId: row.merged_into_id ?? null,
    ccs: json<{ contactId: string; email: string }[]>(row.ccs) ?? [],
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export function attachmentView(row: Row): AttachmentView {
  return {
    id: row.id,
    filename: row.filename,
    contentType: row.content_type,
    size: Number(row.size),
    messageId: row.message_id ?? null,
    createdAt: iso(row.created_at),
    expiresAt: isoOrNull(row.expires_at),
  };
}

/** A message row; its attachments are filled in by `withAttachments` (queries.ts). */
export function messageView(row: Row, attachments: AttachmentView[] = []): MessageView {
  return {
    id: row.id,
    ticketId: row.ticket_id,
    kind: row.kind,
    direction: row.direction,
    authorUserId: row.author_user_id,
    authorContactId: row.author_contact_id,
    bodyText: row.body_text,
    bodyHtml: row.body_html ?? null,
    deliveryStatus: row.delivery_status,
    attachments,
    createdAt: iso(row.created_at),
  };
}
