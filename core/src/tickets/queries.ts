/**
 * Reads over many rows: the ticket list (keyset over `(updated_at desc, id desc)`, filters and
 * full-text search) and the timeline (messages, notes and events merged by time).
 */
import { iso } from '../members/context.js';
import { textArray, type Row, type Sql } from '../identity/db.js';
import { getTicket } from './tickets.js';
import { decodeCursor, encodeCursor } from '../contacts/contacts.js';
import {
  json,
  messageView,
  TICKET_COLUMNS,
  ticketView,
  type AttachmentView,
  type TicketView,
  type TimelineItem,
} from './views.js';
import { attachmentsOf } from '../attachments/attachments.js';

/** The list query (exported for the EXPLAIN test): keyset over `(updated_at desc, id desc)`. */
export function listTicketsQuery(
  workspaceId: string,
  options: {
    status?: string | undefined;
    assigneeId?: string | undefined;
    tag?: string | undefined;
    q?: string | undefined;
    cursor?: string | undefined;
    limit: number;
  },
): { text: string; params: unknown[] } {
  const where = ['t.workspace_id = ?'];
  const params: unknown[] = [workspaceId];
  if (options.status) {
    where.push('t.status = ?');
    params.push(options.status);
  }
  if (options.assigneeId) {
    where.push('t.assignee_id = ?');
    params.push(options.assigneeId);
  }
  if (options.tag) {
    where.push('t.tags @> ?::text[]');
    params.push(textArray([options.tag]));
  }
  if (options.q) {
    where.push(`to_tsvector('simple', t.subject) @@ websearch_to_tsquery('simple', ?)`);
    params.push(options.q);
  }
  if (options.cursor) {
    const [at, id] = decodeCursor(options.cursor);
    where.push('(t.updated_at, t.id) < (?::timestamptz, ?::uuid)');
    params.push(at, id);
  }
  return {
    text: `select ${TICKET_COLUMNS} from ticket t where ${where.join(' and ')}
            order by t.updated_at desc, t.id desc limit ?`,
    params: [...params, options.limit + 1],
  };
}

export async function listTickets(
  sql: Sql,
  workspaceId: string,
  options: Parameters<typeof listTicketsQuery>[1],
): Promise<{ data: TicketView[]; nextCursor: string | null }> {
  const query = listTicketsQuery(workspaceId, options);
  const rows = await sql(query.text, query.params);
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  return {
    data: page.map(ticketView),
    nextCursor: rows.length > options.limit && last ? encodeCursor(last) : null,
  };
}

const TIMELINE = `
  select * from (
    select m.id, m.created_at, m.created_at::text as cursor_at, 'message' as item_type,
           m.kind, m.direction, m.author_user_id, m.author_contact_id, m.body_text, m.body_html,
           m.delivery_status, m.ticket_id, null::text as type, null::jsonb as actor, null::jsonb as data
      from ticket_message m where m.workspace_id = ? and m.ticket_id = ?
    union all
    select e.id, e.created_at, e.created_at::text, 'event', null, null, null, null, null, null,
           null, e.ticket_id, e.type, e.actor, e.data
      from ticket_event e where e.workspace_id = ? and e.ticket_id = ?
  ) item`;

/** Timeline rows as items, each message with its attachments (one query for the page). */
async function timelineItems(sql: Sql, workspaceId: string, rows: Row[]): Promise<TimelineItem[]> {
  const messageIds = rows.filter((r) => r.item_type === 'message').map((r) => r.id as string);
  const attachments = await attachmentsOf(sql, workspaceId, messageIds);
  return rows.map((row) => timelineItem(row, attachments.get(row.id) ?? []));
}

function timelineItem(row: Row, attachments: AttachmentView[]): TimelineItem {
  const base = { itemType: row.item_type, id: row.id, createdAt: iso(row.created_at) };
  if (row.item_type === 'message') return { ...base, message: messageView(row, attachments) };
  return {
    ...base,
    event: {
      type: row.type,
      actor: json<{ kind: string; id: string } | null>(row.actor),
      data: json<Record<string, unknown>>(row.data) ?? {},
    },
  };
}

/** The last `count` timeline items, oldest first. */
export async function recentTimeline(
  sql: Sql,
  workspaceId: string,
  ticketId: string,
  count = 20,
): Promise<TimelineItem[]> {
  const rows = await sql(`${TIMELINE} order by created_at desc, id desc limit ?`, [
    workspaceId,
    ticketId,
    workspaceId,
    ticketId,
    count,
  ]);
  return timelineItems(sql, workspaceId, rows.reverse());
}

/** The whole timeline, oldest first, by keyset over `(created_at, id)`. */
export async function timelinePage(
  sql: Sql,
  workspaceId: string,
  ticketId: string,
  options: { limit: number; cursor?: string | undefined },
): Promise<{ data: TimelineItem[]; nextCursor: string | null }> {
  await getTicket(sql, workspaceId, ticketId);
  const params: unknown[] = [workspaceId, ticketId, workspaceId, ticketId];
  let where = '';
  if (options.cursor) {
    const [at, id] = decodeCursor(options.cursor);
    where = 'where (created_at, id) > (?::timestamptz, ?::uuid)';
    params.push(at, id);
  }
  const rows = await sql(`${TIMELINE} ${where} order by created_at, id limit ?`, [
    ...params,
    options.limit + 1,
  ]);
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  return {
    data: await timelineItems(sql, workspaceId, page),
    nextCursor: rows.length > options.limit && last ? encodeCursor(last) : null,
  };
}
