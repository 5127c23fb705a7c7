/**
 * Inboxes and their inbound messages: plain SQL in the caller's transaction (`sqlFor(em)`).
 * Tickets and messages are created through the tickets module's own functions.
 */
import { v7 as uuidv7 } from 'uuid';
import type { core } from 'zod';
import { errors } from '../kernel/errors.js';
import type { ChannelProviderDeclaration } from '../kernel/contract.js';
import type { Row, Sql } from '../identity/db.js';
import { iso } from '../members/context.js';
import { validationFailed } from '../http/problem.js';
import { redactSecrets } from './secrets.js';

export interface InboxView {
  id: string;
  channelType: string;
  name: string;
  /** Without the provider's secrets (`secretsSet` names those that are set). */
  settings: Record<string, unknown>;
  secretsSet: string[];
  enabled: boolean;
  createdAt: string;
}

const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/** The stored settings of a row (secrets still sealed). */
export const storedSettings = (row: Row): Record<string, unknown> =>
  json<Record<string, unknown>>(row.settings) ?? {};

function inboxView(row: Row): InboxView {
  const { settings, secretsSet } = redactSecrets(storedSettings(row));
  return {
    id: row.id,
    channelType: row.channel_type,
    name: row.name,
    settings,
    secretsSet,
    enabled: row.enabled,
    createdAt: iso(row.created_at),
  };
}

/** The provider's parse of `settings`; 400 with `body.settings.*` paths when it refuses them. */
export function parseSettings(
  declaration: ChannelProviderDeclaration,
  settings: Record<string, unknown>,
): Record<string, unknown> {
  const parsed = declaration.provider.settings.safeParse(settings);
  if (!parsed.success) {
    throw validationFailed(
      parsed.error.issues.map((issue: core.$ZodIssue) => ({
        path: ['body', 'settings', ...issue.path.map(String)].join('.'),
        message: issue.message,
      })),
    );
  }
  return (parsed.data ?? {}) as Record<string, unknown>;
}

export function providerFor(
  providers: ReadonlyMap<string, ChannelProviderDeclaration>,
  type: string,
): ChannelProviderDeclaration {
  const declaration = providers.get(type);
  if (!declaration) {
    throw errors.badRequest('unknown_channel_type', `No channel provider of type "${type}"`, {
      channelType: type,
      known: [...providers.keys()],
    });
  }
  return declaration;
}

export async function insertInbox(
  sql: Sql,
  workspaceId: string,
  input: { channelType: string; name: string; settings: Record<string, unknown>; enabled: boolean },
  now: Date,
): Promise<InboxView> {
  const rows = await sql(
    `insert into inbox (id, workspace_id, channel_type, name, settings, enabled, created_at)
     values (?, ?, ?, ?, ?::jsonb, ?, ?) returning *`,
    [
      uuidv7(),
      workspaceId,
      input.channelType,
      input.name,
      JSON.stringify(input.settings),
      input.enabled,
      now,
    ],
  );
  return inboxView(rows[0]!);
}

export async function listInboxes(sql: Sql, workspaceId: string): Promise<InboxView[]> {
  const rows = await sql(`select * from inbox where workspace_id = ? order by created_at, id`, [
    workspaceId,
  ]);
  return rows.map(inboxView);
}

export async function getInbox(sql: Sql, workspaceId: string, id: string): Promise<InboxView> {
  const rows = await sql(`select * from inbox where workspace_id = ? and id = ?`, [
    workspaceId,
    id,
  ]);
  if (!rows[0]) throw errors.notFound('Inbox');
  return inboxView(rows[0]);
}

export async function updateInbox(
  sql: Sql,
  workspaceId: string,
  id: string,
  changes: {
    name?: string | undefined;
    settings?: Record<string, unknown>;
    enabled?: boolean | undefined;
  },
): Promise<InboxView> {
  const sets: string[] = [];
  const params: unknown[] = [];
  if (changes.name !== undefined) {
    sets.push('name = ?');
    params.push(changes.name);
  }
  if (changes.settings !== undefined) {
    sets.push('settings = ?::jsonb');
    params.push(JSON.stringify(changes.settings));
  }
  if (changes.enabled !== undefined) {
    sets.push('enabled = ?');
    params.push(changes.enabled);
  }
  if (sets.length === 0) return getInbox(sql, workspaceId, id);
  const rows = await sql(
    `update inbox set ${sets.join(', ')} where workspace_id = ? and id = ? returning *`,
    [...params, workspaceId, id],
  );
  if (!rows[0]) throw errors.notFound('Inbox');
  return inboxView(rows[0]);
}

export async function deleteInbox(sql: Sql, workspaceId: string, id: string): Promise<void> {
  const rows = await sql(`delete from inbox where workspace_id = ? and id = ? returning id`, [
    workspaceId,
    id,
  ]);
  if (!rows[0]) throw errors.notFound('Inbox');
}

export interface MessageRef {
  ticketId: string;
  messageId: string;
}

/**
 * Serializes inbound messages carrying the same external id (a transaction-scoped advisory
 * lock), so that two concurrent deliveries of one message cannot both create a ticket.
 */
export async function lockExternalId(sql: Sql, inboxId: string, externalId: string): Promise<void> {
  await sql(`select pg_advisory_xact_lock(hashtext(?))`, [`inbox:${inboxId}:${externalId}`]);
}

export async function findByExternalId(
  sql: Sql,
  workspaceId: string,
  inboxId: string,
  externalId: string,
): Promise<MessageRef | null> {
  const rows = await sql(
    `select ticket_id, message_id from inbox_message_ref
      where workspace_id = ? and inbox_id = ? and external_id = ?`,
    [workspaceId, inboxId, externalId],
  );
  return rows[0] ? { ticketId: rows[0].ticket_id, messageId: rows[0].message_id } : null;
}

/** The latest ticket of this thread that is not solved or closed, locked for the append. */
export async function openTicketOfThread(
  sql: Sql,
  workspaceId: string,
  inboxId: string,
  threadKey: string,
): Promise<string | null> {
  const rows = await sql(
    `select t.id from inbox_message_ref r
       join ticket t on t.id = r.ticket_id and t.workspace_id = r.workspace_id
      where r.workspace_id = ? and r.inbox_id = ? and r.thread_key = ?
        and t.status not in ('solved', 'closed')
      order by r.created_at desc limit 1
      for update of t`,
    [workspaceId, inboxId, threadKey],
  );
  return (rows[0]?.id as string | undefined) ?? null;
}

export async function insertRef(
  sql: Sql,
  workspaceId: string,
  inboxId: string,
  ref: MessageRef & { externalId: string | null; threadKey: string | null },
  now: Date,
): Promise<void> {
  await sql(
    `insert into inbox_message_ref (id, workspace_id, inbox_id, external_id, thread_key, ticket_id,
                                    message_id, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      uuidv7(),
      workspaceId,
      inboxId,
      ref.externalId,
      ref.threadKey,
      ref.ticketId,
      ref.messageId,
      now,
    ],
  );
}

/** One inbox row (settings still sealed), or null. */
export async function inboxRow(sql: Sql, workspaceId: string, id: string): Promise<Row | null> {
  const rows = await sql(`select * from inbox where workspace_id = ? and id = ?`, [
    workspaceId,
    id,
  ]);
  return rows[0] ?? null;
}
