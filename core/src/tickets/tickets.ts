/**
 * Writing tickets, messages, notes and timeline events (reads over many rows are in
 * `queries.ts`, row mapping in `views.ts`): plain SQL in the caller's transaction
 * (`sqlFor(em)`), like contacts. Every function takes the workspace id and filters on it (RLS
 * holds as well).
 */
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from '../kernel/contract.js';
import { errors } from '../kernel/errors.js';
import { textArray, type Row, type Sql } from '../identity/db.js';
import { sanitizeHtml } from './html.js';
import type { TicketPriority, TicketType, TicketVia } from './entities.js';
import {
  messageView,
  TICKET_COLUMNS,
  ticketView,
  type MessageView,
  type TicketView,
} from './views.js';

export async function getTicket(sql: Sql, workspaceId: string, id: string): Promise<TicketView> {
  const rows = await sql(
    `select ${TICKET_COLUMNS} from ticket t where t.workspace_id = ? and t.id = ?`,
    [workspaceId, id],
  );
  if (!rows[0]) throw errors.notFound('Ticket');
  return ticketView(rows[0]);
}

export async function ticketIdByNumber(
  sql: Sql,
  workspaceId: string,
  number: number,
): Promise<string> {
  const rows = await sql(`select id from ticket where workspace_id = ? and number = ?`, [
    workspaceId,
    number,
  ]);
  if (!rows[0]) throw errors.notFound('Ticket');
  return rows[0].id as string;
}

export async function lockTicket(sql: Sql, workspaceId: string, id: string): Promise<Row> {
  const rows = await sql(`select * from ticket where workspace_id = ? and id = ? for update`, [
    workspaceId,
    id,
  ]);
  if (!rows[0]) throw errors.notFound('Ticket');
  return rows[0];
}

const actorJson = (actor: Actor | null) =>
  actor ? JSON.stringify({ kind: actor.kind, id: actor.id }) : null;

export async function insertEvent(
  sql: Sql,
  workspaceId: string,
  ticketId: string,
  actor: Actor | null,
  type: string,
  data: Record<string, unknown>,
  now: Date,
): Promise<void> {
  await sql(
    `insert into ticket_event (id, workspace_id, ticket_id, actor, type, data, created_at)
     values (?, ?, ?, ?::jsonb, ?, ?::jsonb, ?)`,
    [uuidv7(), workspaceId, ticketId, actorJson(actor), type, JSON.stringify(data), now],
  );
}

export interface MessageInsert {
  kind: 'reply' | 'note';
  direction: 'inbound' | 'outbound' | null;
  authorUserId: string | null;
  authorContactId: string | null;
  body: string;
  /** HTML (stored through `sanitizeHtml`); null or absent for a text-only message. */
  bodyHtml?: string | null;
}

export async function insertMessage(
  sql: Sql,
  workspaceId: string,
  ticketId: string,
  input: MessageInsert,
  now: Date,
): Promise<MessageView> {
  const id = uuidv7();
  const rows = await sql(
    `insert into ticket_message (id, workspace_id, ticket_id, kind, direction, author_user_id,
                                 author_contact_id, body_text, body_html, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning *`,
    [
      id,
      workspaceId,
      ticketId,
      input.kind,
      input.direction,
      input.authorUserId,
      input.authorContactId,
      input.body,
      // Sanitized here too, whoever calls (channel plugins included): no raw HTML is stored.
      input.bodyHtml ? sanitizeHtml(input.bodyHtml) || null : null,
      now,
    ],
  );
  return messageView(rows[0]!);
}

export interface TicketInsert {
  subject: string;
  requesterId: string;
  priority: TicketPriority;
  type: TicketType | null;
  tags: string[];
  via: TicketVia;
  /** Validated custom-field values (`applyCustomFields`). */
  customFields?: Record<string, unknown> | undefined;
}

/** The workspace's next ticket number: the counter row's lock serializes concurrent creates. */
async function nextNumber(sql: Sql, workspaceId: string): Promise<number> {
  const rows = await sql(
    `insert into ticket_counter (workspace_id, last) values (?, 1)
     on conflict (workspace_id) do update set last = ticket_counter.last + 1
     returning last`,
    [workspaceId],
  );
  return Number(rows[0]!.last);
}

export async function insertTicket(
  sql: Sql,
  workspaceId: string,
  input: TicketInsert,
  now: Date,
): Promise<string> {
  const exists = await sql(`select 1 from contact where workspace_id = ? and id = ?`, [
    workspaceId,
    input.requesterId,
  ]);
  if (!exists[0]) {
    throw errors.badRequest('unknown_requester', 'No such contact in this workspace', {
      requesterId: input.requesterId,
    });
  }
  const number = await nextNumber(sql, workspaceId);
  const id = uuidv7();
  await sql(
    `insert into ticket (id, workspace_id, number, subject, requester_id, status, priority, type,
                         tags, via, custom_fields, created_at, updated_at)
     values (?, ?, ?, ?, ?, 'new', ?, ?, ?::text[], ?::jsonb, ?::jsonb, ?, ?)`,
    [
      id,
      workspaceId,
      number,
      input.subject,
      input.requesterId,
      input.priority,
      input.type,
      textArray([...new Set(input.tags)]),
      JSON.stringify(input.via),
      JSON.stringify(input.customFields ?? {}),
      now,
      now,
    ],
  );
  return id;
}

/** Adds an agent's outbound reply or note; a reply stamps `first_response_at` once. */
export async function addAgentMessage(
  sql: Sql,
  workspaceId: string,
  ticketId: string,
  kind: 'reply' | 'note',
  body: { text: string; html: string | null },
  actor: Actor | null,
  now: Date,
): Promise<MessageView> {
  await lockTicket(sql, workspaceId, ticketId);
  const message = await insertMessage(
    sql,
    workspaceId,
    ticketId,
    {
      kind,
      direction: kind === 'reply' ? 'outbound' : null,
      authorUserId: actor?.kind === 'user' ? actor.id : null,
      authorContactId: null,
      body: body.text,
      bodyHtml: body.html,
    },
    now,
  );
  await sql(
    `update ticket set updated_at = ?,
            first_response_at = case when ? then coalesce(first_response_at, ?) else first_response_at end
      where workspace_id = ? and id = ?`,
    [now, kind === 'reply', now, workspaceId, ticketId],
  );
  return message;
}

/** `contact.merged`: the source contact's tickets and messages follow it into the target. */
export async function moveContactTickets(
  sql: Sql,
  workspaceId: string,
  sourceId: string,
  targetId: string,
): Promise<void> {
  await sql(`update ticket set requester_id = ? where workspace_id = ? and requester_id = ?`, [
    targetId,
    workspaceId,
    sourceId,
  ]);
  await sql(
    `update ticket_message set author_contact_id = ? where workspace_id = ? and author_contact_id = ?`,
    [targetId, workspaceId, sourceId],
  );
}

/**
 * Changing one ticket (one timeline event per changed field): `applyTicketChanges` in
 * update.ts, under its first name for the modules that call it (inboxes).
 */
export { applyTicketChanges as updateTicket } from './update.js';
export type { TicketChangeSet as TicketChanges } from './hooks.js';
