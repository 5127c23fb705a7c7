/**
 * Followers (members who follow a ticket) and CCs (contacts copied on public replies). Both are
 * shown on the ticket (`followerIds`, `ccs`) and every change records a timeline event.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../kernel/contract.js';
import { errors } from '../kernel/errors.js';
import { validationFailed } from '../http/problem.js';
import { textArray, type Sql } from '../identity/db.js';
import { findOrCreateContactByEmail, normalizeEmail } from '../contacts/contacts.js';
import type { EventBus } from '../events/event-bus.js';
import { insertEvent, lockTicket } from './tickets.js';
import { json } from './views.js';

export async function followerIdsOf(
  sql: Sql,
  workspaceId: string,
  ticketId: string,
): Promise<string[]> {
  const rows = await sql(
    `select user_id from ticket_follower where workspace_id = ? and ticket_id = ?
      order by created_at, user_id`,
    [workspaceId, ticketId],
  );
  return rows.map((r) => r.user_id as string);
}

/** Replaces the followers; each must be a member of the workspace (400 at `body.userIds.<i>`). */
export async function setFollowers(
  sql: Sql,
  workspaceId: string,
  ticketId: string,
  userIds: readonly string[],
  actor: Actor | null,
  now: Date,
): Promise<{ followerIds: string[]; changed: boolean }> {
  await lockTicket(sql, workspaceId, ticketId);
  const wanted = [...new Set(userIds)];
  const members = await sql(
    `select user_id from membership where workspace_id = ? and user_id = any(?::uuid[])`,
    [workspaceId, textArray(wanted)],
  );
  const known = new Set(members.map((m) => m.user_id as string));
  const unknown = userIds.findIndex((id) => !known.has(id));
  if (unknown >= 0) {
    throw validationFailed([
      { path: `body.userIds.${unknown}`, message: 'not a member of this workspace' },
    ]);
  }
  const before = await followerIdsOf(sql, workspaceId, ticketId);
  const added = wanted.filter((id) => !before.includes(id));
  const removed = before.filter((id) => !wanted.includes(id));
  if (removed.length > 0) {
    await sql(
      `delete from ticket_follower where workspace_id = ? and ticket_id = ? and user_id = any(?::uuid[])`,
      [workspaceId, ticketId, textArray(removed)],
    );
  }
  for (const userId of added) {
    await sql(
      `insert into ticket_follower (workspace_id, ticket_id, user_id, created_at) values (?, ?, ?, ?)
       on conflict do nothing`,
      [workspaceId, ticketId, userId, now],
    );
  }
  const changed = added.length > 0 || removed.length > 0;
  if (changed) {
    await insertEvent(
      sql,
      workspaceId,
      ticketId,
      actor,
      'followers_changed',
      { added, removed },
      now,
    );
    await sql(`update ticket set updated_at = ? where workspace_id = ? and id = ?`, [
      now,
      workspaceId,
      ticketId,
    ]);
  }
  return { followerIds: await followerIdsOf(sql, workspaceId, ticketId), changed };
}

export type CcInput = { email: string; name?: string | undefined } | { contactId: string };

export interface CcContext {
  em: EntityManager;
  events: EventBus;
  actor: Actor | null;
  requestId: string;
}

/**
 * The contacts behind CC entries: an address is the contact holding it (or a new one); a
 * contact id must name a contact of the workspace (400 at `<path>.<i>`). Duplicates collapse.
 */
export async function resolveCcs(
  sql: Sql,
  workspaceId: string,
  ccs: readonly CcInput[],
  context: CcContext,
  path = 'body.ccs',
): Promise<{ contactId: string; email: string }[]> {
  const out: { contactId: string; email: string }[] = [];
  for (const [index, cc] of ccs.entries()) {
    let contactId: string;
    let email: string;
    if ('contactId' in cc) {
      const rows = await sql(
        `select email from contact_email where workspace_id = ? and contact_id = ?
          order by is_primary desc, created_at limit 1`,
        [workspaceId, cc.contactId],
      );
      if (!rows[0]) {
        throw validationFailed([
          {
            path: `${path}.${index}.contactId`,
            message: 'no contact with an email in this workspace',
          },
        ]);
      }
      contactId = cc.contactId;
      email = rows[0].email as string;
    } else {
      email = normalizeEmail(cc.email);
      contactId = (
        await findOrCreateContactByEmail(context.em, workspaceId, email, cc.name ?? null, {
          events: context.events,
          actor: context.actor,
          requestId: context.requestId,
        })
      ).id;
    }
    if (!out.some((o) => o.contactId === contactId)) out.push({ contactId, email });
  }
  return out;
}

/** Replaces the CCs; records `ccs_changed` with the addresses added and removed. */
export async function setCcs(
  sql: Sql,
  workspaceId: string,
  ticketId: string,
  ccs: { contactId: string; email: string }[],
  actor: Actor | null,
  now: Date,
): Promise<boolean> {
  const row = await lockTicket(sql, workspaceId, ticketId);
  if (!row) throw errors.notFound('Ticket');
  const before = json<{ contactId: string; email: string }[]>(row.ccs) ?? [];
  const added = ccs.filter((c) => !before.some((b) => b.contactId === c.contactId));
  const removed = before.filter((b) => !ccs.some((c) => c.contactId === b.contactId));
  if (added.length === 0 && removed.length === 0) return false;
  await sql(`update ticket set ccs = ?::jsonb, updated_at = ? where workspace_id = ? and id = ?`, [
    JSON.stringify(ccs),
    now,
    workspaceId,
    ticketId,
  ]);
  await insertEvent(
    sql,
    workspaceId,
    ticketId,
    actor,
    'ccs_changed',
    { added: added.map((c) => c.email), removed: removed.map((c) => c.email) },
    now,
  );
  return true;
}
