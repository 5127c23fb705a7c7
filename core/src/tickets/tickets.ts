/**
 * Tickets, messages, notes and the timeline: plain SQL in the caller's transaction
 * (`sqlFor(em)`), like contacts. Every function takes the workspace id and filters on it (RLS
 * holds as well).
 */
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from '../kernel/contract.js';
import { errors } from '../kernel/errors.js';
import { textArray, type Row, type Sql } from '../identity/db.js';
import { iso, isoOrNull } from '../members/context.js';
import { decodeCursor, encodeCursor } from '../contacts/contacts.js';
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
  createdAt: string;
  updatedAt: string;
}

export interface MessageView {
  id: string;
  ticketId: string;
  kind: 'reply' | 'note';
  direction: 'inbound' | 'outbound' | null;
  authorUserId: string | null;
  authorContactId: string | null;
  bodyText: string;
  deliveryStatus: string | null;
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

const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/** text[] from the driver: an array, or the literal on some paths. */
function textList(value: unknown): string[] {
  if (Array.isArray(value)) return value as string[];
  if (typeof value !== 'string' || value === '{}') return [];
  return value
    .slice(1, -1)
    .match(/"((?:[^"\\]|\\.)*)"|[^,]+/g)!
    .map((item) => (item.startsWith('"') ? item.slice(1, -1).replace(/\\(.)/g, '$1') : item));
}

const TICKET_COLUMNS = `t.id, t.number, t.subject, t.requester_id, t.status, t.priority, t.type,
  t.assignee_id, t.team_id, t.tags, t.custom_fields, t.via, t.first_response_at, t.solved_at,
  t.created_at, t.updated_at, t.updated_at::text as cursor_at`;

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
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

function messageView(row: Row): MessageView {
  return {
    id: row.id,
    ticketId: row.ticket_id,
    kind: row.kind,
    direction: row.direction,
    authorUserId: row.author_user_id,
    authorContactId: row.author_contact_id,
    bodyText: row.body_text,
    deliveryStatus: row.delivery_status,
    createdAt: iso(row.created_at),
  };
}

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

async function lockTicket(sql: Sql, workspaceId: string, id: string): Promise<Row> {
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
                                 author_contact_id, body_text, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning *`,
    [
      id,
      workspaceId,
      ticketId,
      input.kind,
      input.direction,
      input.authorUserId,
      input.authorContactId,
      input.body,
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
                         tags, via, created_at, updated_at)
     values (?, ?, ?, ?, ?, 'new', ?, ?, ?::text[], ?::jsonb, ?, ?)`,
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
      now,
      now,
    ],
  );
  return id;
}

export interface TicketChanges {
  subject?: string | undefined;
  status?: TicketStatus | undefined;
  priority?: TicketPriority | undefined;
  type?: TicketType | null | undefined;
  assigneeId?: string | null | undefined;
  teamId?: string | null | undefined;
  tags?: string[] | undefined;
}

/**
 * Applies the fields that differ, recording one timeline event per changed field. Returns the
 * names of the changed fields (empty: nothing changed, nothing recorded).
 */
export async function updateTicket(
  sql: Sql,
  workspaceId: string,
  id: string,
  changes: TicketChanges,
  actor: Actor | null,
  now: Date,
): Promise<string[]> {
  const row = await lockTicket(sql, workspaceId, id);
  if (changes.assigneeId) {
    const member = await sql(`select 1 from membership where workspace_id = ? and user_id = ?`, [
      workspaceId,
      changes.assigneeId,
    ]);
    if (!member[0]) {
      throw errors.badRequest(
        'unknown_assignee',
        'The assignee is not a member of this workspace',
        {
          assigneeId: changes.assigneeId,
        },
      );
    }
  }
  if (changes.teamId) {
    const team = await sql(`select 1 from team where workspace_id = ? and id = ?`, [
      workspaceId,
      changes.teamId,
    ]);
    if (!team[0]) {
      throw errors.badRequest('unknown_team', 'No such team in this workspace', {
        teamId: changes.teamId,
      });
    }
  }
  const sets: string[] = [];
  const params: unknown[] = [];
  const changed: string[] = [];
  const scalar = async (
    field: keyof TicketChanges,
    column: string,
    eventType: string,
  ): Promise<void> => {
    const next = changes[field];
    if (next === undefined || next === row[column]) return;
    sets.push(`${column} = ?`);
    params.push(next);
    changed.push(field);
    await insertEvent(sql, workspaceId, id, actor, eventType, { from: row[column], to: next }, now);
  };
  await scalar('subject', 'subject', 'subject_changed');
  await scalar('status', 'status', 'status_changed');
  await scalar('priority', 'priority', 'priority_changed');
  await scalar('type', 'type', 'type_changed');
  await scalar('assigneeId', 'assignee_id', 'assigned');
  await scalar('teamId', 'team_id', 'team_changed');
  if (changes.status === 'solved' && row.status !== 'solved') {
    sets.push('solved_at = ?');
    params.push(now);
  }
  if (changes.tags !== undefined) {
    const before = textList(row.tags);
    const after = [...new Set(changes.tags)];
    const added = after.filter((tag) => !before.includes(tag));
    const removed = before.filter((tag) => !after.includes(tag));
    if (added.length > 0 || removed.length > 0) {
      sets.push('tags = ?::text[]');
      params.push(textArray(after));
      changed.push('tags');
      await insertEvent(sql, workspaceId, id, actor, 'tagged', { added, removed }, now);
    }
  }
  if (changed.length === 0) return changed;
  await sql(
    `update ticket set ${sets.join(', ')}, updated_at = ? where workspace_id = ? and id = ?`,
    [...params, now, workspaceId, id],
  );
  return changed;
}

/** Adds an agent's outbound reply or note; a reply stamps `first_response_at` once. */
export async function addAgentMessage(
  sql: Sql,
  workspaceId: string,
  ticketId: string,
  kind: 'reply' | 'note',
  body: string,
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
      body,
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
           m.kind, m.direction, m.author_user_id, m.author_contact_id, m.body_text,
           m.delivery_status, m.ticket_id, null::text as type, null::jsonb as actor, null::jsonb as data
      from ticket_message m where m.workspace_id = ? and m.ticket_id = ?
    union all
    select e.id, e.created_at, e.created_at::text, 'event', null, null, null, null, null, null,
           e.ticket_id, e.type, e.actor, e.data
      from ticket_event e where e.workspace_id = ? and e.ticket_id = ?
  ) item`;

function timelineItem(row: Row): TimelineItem {
  const base = { itemType: row.item_type, id: row.id, createdAt: iso(row.created_at) };
  if (row.item_type === 'message') return { ...base, message: messageView(row) };
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
  return rows.reverse().map(timelineItem);
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
    data: page.map(timelineItem),
    nextCursor: rows.length > options.limit && last ? encodeCursor(last) : null,
  };
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
