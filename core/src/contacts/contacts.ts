/**
 * Contacts and their addresses: plain SQL in the caller's transaction (`sqlFor(em)`), like the
 * members module. Every function takes the workspace id and filters on it (RLS holds as well).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import type { EventBus } from '../events/event-bus.js';
import type { Actor } from '../kernel/contract.js';
import { errors } from '../kernel/errors.js';
import { sqlFor, textArray, type Row, type Sql } from '../identity/db.js';
import { iso, isoOrNull } from '../members/context.js';

export interface ContactView {
  id: string;
  name: string | null;
  emails: string[];
  phones: string[];
  customAttributes: Record<string, unknown>;
  organizationId: string | null;
  mergedIntoId: string | null;
  restrictedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ContactInput {
  name?: string | null | undefined;
  emails?: string[] | undefined;
  phones?: string[] | undefined;
  customAttributes?: Record<string, unknown> | undefined;
  organizationId?: string | null | undefined;
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

const CONTACT_SELECT = `
  select c.id, c.name, c.phones, c.custom_attributes, c.organization_id, c.merged_into_id,
         c.restricted_at, c.created_at, c.updated_at, c.created_at::text as cursor_at,
         coalesce((select json_agg(e.email order by e.is_primary desc, e.created_at, e.email)
                     from contact_email e
                    where e.workspace_id = c.workspace_id and e.contact_id = c.id), '[]'::json) as emails
    from contact c
   where c.workspace_id = ?`;

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

export function contactView(row: Row): ContactView {
  return {
    id: row.id,
    name: row.name,
    emails: json<string[]>(row.emails),
    phones: textList(row.phones),
    customAttributes: json<Record<string, unknown>>(row.custom_attributes) ?? {},
    organizationId: row.organization_id,
    mergedIntoId: row.merged_into_id,
    restrictedAt: isoOrNull(row.restricted_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export async function getContact(sql: Sql, workspaceId: string, id: string): Promise<ContactView> {
  const rows = await sql(`${CONTACT_SELECT} and c.id = ?`, [workspaceId, id]);
  if (!rows[0]) throw errors.notFound('Contact');
  return contactView(rows[0]);
}

async function lockContact(sql: Sql, workspaceId: string, id: string): Promise<Row> {
  const rows = await sql(`select * from contact where workspace_id = ? and id = ? for update`, [
    workspaceId,
    id,
  ]);
  if (!rows[0]) throw errors.notFound('Contact');
  return rows[0];
}

const placeholders = (values: readonly unknown[]) => values.map(() => '?').join(', ');

/** 409 `contact_email_taken` when another contact of the workspace has one of `emails`. */
async function assertEmailsFree(
  sql: Sql,
  workspaceId: string,
  emails: readonly string[],
  exceptContactId?: string,
): Promise<void> {
  if (emails.length === 0) return;
  const rows = await sql(
    `select email from contact_email where workspace_id = ? and email in (${placeholders(emails)})
        and contact_id <> ?`,
    [workspaceId, ...emails, exceptContactId ?? '00000000-0000-0000-0000-000000000000'],
  );
  if (rows.length > 0) {
    throw errors.conflict(
      'contact_email_taken',
      'Another contact of this workspace has this email',
      {
        emails: rows.map((row) => row.email as string),
      },
    );
  }
}

async function assertOrganization(
  sql: Sql,
  workspaceId: string,
  organizationId: string | null | undefined,
): Promise<void> {
  if (!organizationId) return;
  const rows = await sql(`select id from organization where workspace_id = ? and id = ?`, [
    workspaceId,
    organizationId,
  ]);
  if (!rows[0]) {
    throw errors.badRequest('unknown_organization', 'No such organization in this workspace', {
      organizationId,
    });
  }
}

const dedupe = (values: readonly string[]) => [...new Set(values)];

async function insertEmails(
  sql: Sql,
  workspaceId: string,
  contactId: string,
  emails: readonly string[],
  now: Date,
  primaryFirst: boolean,
): Promise<void> {
  for (const [index, email] of emails.entries()) {
    await sql(
      `insert into contact_email (workspace_id, email, contact_id, is_primary, created_at)
       values (?, ?, ?, ?, ?)`,
      [workspaceId, email, contactId, primaryFirst && index === 0, now],
    );
  }
}

/** Inserts a contact; the caller checked that its (normalized, deduped) emails are free. */
async function insertContact(
  sql: Sql,
  workspaceId: string,
  input: ContactInput,
  emails: readonly string[],
  now: Date,
): Promise<string> {
  const id = uuidv7();
  await sql(
    `insert into contact (id, workspace_id, name, phones, custom_attributes, organization_id,
                          created_at, updated_at)
     values (?, ?, ?, ?::text[], ?::jsonb, ?, ?, ?)`,
    [
      id,
      workspaceId,
      input.name ?? null,
      textArray(dedupe(input.phones ?? [])),
      JSON.stringify(input.customAttributes ?? {}),
      input.organizationId ?? null,
      now,
      now,
    ],
  );
  await insertEmails(sql, workspaceId, id, emails, now, true);
  return id;
}

export async function createContact(
  sql: Sql,
  workspaceId: string,
  input: ContactInput,
  now: Date,
): Promise<ContactView> {
  const emails = dedupe((input.emails ?? []).map(normalizeEmail));
  await assertEmailsFree(sql, workspaceId, emails);
  await assertOrganization(sql, workspaceId, input.organizationId);
  const id = await insertContact(sql, workspaceId, input, emails, now);
  return getContact(sql, workspaceId, id);
}

export async function updateContact(
  sql: Sql,
  workspaceId: string,
  id: string,
  input: ContactInput,
  now: Date,
): Promise<ContactView> {
  await lockContact(sql, workspaceId, id);
  await assertOrganization(sql, workspaceId, input.organizationId);
  if (input.emails !== undefined) {
    const emails = dedupe(input.emails.map(normalizeEmail));
    await assertEmailsFree(sql, workspaceId, emails, id);
    await sql(`delete from contact_email where workspace_id = ? and contact_id = ?`, [
      workspaceId,
      id,
    ]);
    await insertEmails(sql, workspaceId, id, emails, now, true);
  }
  await sql(
    `update contact set
       name = case when ? then ? else name end,
       phones = case when ? then ?::text[] else phones end,
       custom_attributes = case when ? then ?::jsonb else custom_attributes end,
       organization_id = case when ? then ?::uuid else organization_id end,
       updated_at = ?
     where workspace_id = ? and id = ?`,
    [
      input.name !== undefined,
      input.name ?? null,
      input.phones !== undefined,
      textArray(dedupe(input.phones ?? [])),
      input.customAttributes !== undefined,
      JSON.stringify(input.customAttributes ?? {}),
      input.organizationId !== undefined,
      input.organizationId ?? null,
      now,
      workspaceId,
      id,
    ],
  );
  return getContact(sql, workspaceId, id);
}

export async function deleteContact(sql: Sql, workspaceId: string, id: string): Promise<void> {
  await lockContact(sql, workspaceId, id);
  await sql(`delete from contact where workspace_id = ? and id = ?`, [workspaceId, id]);
}

/** Opaque keyset cursor: the last row's `(created_at, id)`. */
export const encodeCursor = (row: Row) =>
  Buffer.from(JSON.stringify([row.cursor_at, row.id])).toString('base64url');

export function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      !Number.isNaN(Date.parse(value[0])) &&
      typeof value[1] === 'string' &&
      /^[0-9a-f-]{36}$/i.test(value[1])
    ) {
      return [value[0], value[1]];
    }
  } catch {
    /* fall through */
  }
  throw errors.badRequest('invalid_cursor', 'The cursor is not one this list returned');
}

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Contacts, newest first, by keyset over `(created_at, id)`; merged contacts are left out.
 * `q` matches names by pg_trgm (similarity, word similarity, substring) and emails by prefix.
 */
export async function listContacts(
  sql: Sql,
  workspaceId: string,
  options: { limit: number; cursor?: string | undefined; q?: string | undefined },
): Promise<{ data: ContactView[]; nextCursor: string | null }> {
  const where: string[] = ['c.merged_into_id is null'];
  const params: unknown[] = [workspaceId];
  if (options.cursor) {
    const [at, id] = decodeCursor(options.cursor);
    where.push('(c.created_at, c.id) < (?::timestamptz, ?::uuid)');
    params.push(at, id);
  }
  const q = options.q?.trim().toLowerCase();
  if (q) {
    where.push(`(lower(c.name) like ? or lower(c.name) % ? or ? <% lower(c.name)
       or c.id in (select e.contact_id from contact_email e
                    where e.workspace_id = c.workspace_id and e.email like ?))`);
    params.push(`%${likeEscape(q)}%`, q, q, `${likeEscape(q)}%`);
  }
  const rows = await sql(
    `${CONTACT_SELECT} and ${where.join(' and ')} order by c.created_at desc, c.id desc limit ?`,
    [...params, options.limit + 1],
  );
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  return {
    data: page.map(contactView),
    nextCursor: rows.length > options.limit && last ? encodeCursor(last) : null,
  };
}

/** Every live contact of the workspace, oldest first (for the CSV export). */
export async function allContacts(sql: Sql, workspaceId: string): Promise<ContactView[]> {
  const rows = await sql(
    `${CONTACT_SELECT} and c.merged_into_id is null order by c.created_at, c.id`,
    [workspaceId],
  );
  return rows.map(contactView);
}

/**
 * Merges `sourceId` into `targetId`: the source's addresses and phones move to the target, its
 * attributes fill the target's gaps (the target wins), and the source stays as a tombstone
 * with `merged_into_id` (as do contacts merged into it before, now pointing at the target).
 */
export async function mergeContacts(
  sql: Sql,
  workspaceId: string,
  targetId: string,
  sourceId: string,
  now: Date,
): Promise<ContactView> {
  if (targetId === sourceId) {
    throw errors.badRequest('merge_into_self', 'A contact cannot be merged into itself');
  }
  // Lock in id order so two opposite merges cannot deadlock.
  const [first, second] = [targetId, sourceId].sort();
  const locked = new Map<string, Row>();
  for (const id of [first!, second!]) locked.set(id, await lockContact(sql, workspaceId, id));
  const target = locked.get(targetId)!;
  const source = locked.get(sourceId)!;
  if (target.merged_into_id || source.merged_into_id) {
    throw errors.conflict('contact_merged', 'This contact was already merged into another', {
      contactId: target.merged_into_id ? targetId : sourceId,
    });
  }
  await sql(
    `update contact_email set contact_id = ?, is_primary = false
      where workspace_id = ? and contact_id = ?`,
    [targetId, workspaceId, sourceId],
  );
  const phones = dedupe([...textList(target.phones), ...textList(source.phones)]);
  const attributes = {
    ...json<Record<string, unknown>>(source.custom_attributes),
    ...json<Record<string, unknown>>(target.custom_attributes),
  };
  await sql(
    `update contact set name = coalesce(name, ?), phones = ?::text[], custom_attributes = ?::jsonb,
            organization_id = coalesce(organization_id, ?::uuid), updated_at = ?
      where workspace_id = ? and id = ?`,
    [
      source.name ?? null,
      textArray(phones),
      JSON.stringify(attributes),
      source.organization_id ?? null,
      now,
      workspaceId,
      targetId,
    ],
  );
  await sql(
    `update contact set merged_into_id = ?, phones = '{}', updated_at = ?
      where workspace_id = ? and (id = ? or merged_into_id = ?)`,
    [targetId, now, workspaceId, sourceId, sourceId],
  );
  return getContact(sql, workspaceId, targetId);
}

/** Domain-event context for service calls made outside this module's routes. */
export interface RecordContext {
  events: EventBus;
  actor?: Actor | null;
  requestId?: string | null;
}

/**
 * The contact owning `email` in the workspace, or a new one with that address (and `name`).
 * For other modules (tickets, channels), inside their handler's or job's transaction `em`.
 * Concurrent callers for one new address end with one contact: the address's unique key
 * decides, and the loser's contact row is removed again. With `record`, a created contact
 * records `contact.created`.
 */
export async function findOrCreateContactByEmail(
  em: EntityManager,
  workspaceId: string,
  email: string,
  name?: string | null,
  record?: RecordContext,
): Promise<{ id: string; created: boolean }> {
  const sql = sqlFor(em);
  const address = normalizeEmail(email);
  const existing = async () =>
    (
      await sql(`select contact_id from contact_email where workspace_id = ? and email = ?`, [
        workspaceId,
        address,
      ])
    )[0]?.contact_id as string | undefined;
  const found = await existing();
  if (found) return { id: found, created: false };
  const now = new Date();
  const id = uuidv7();
  await sql(
    `insert into contact (id, workspace_id, name, created_at, updated_at) values (?, ?, ?, ?, ?)`,
    [id, workspaceId, name ?? null, now, now],
  );
  const inserted = await sql(
    `insert into contact_email (workspace_id, email, contact_id, is_primary, created_at)
     values (?, ?, ?, true, ?) on conflict do nothing returning email`,
    [workspaceId, address, id, now],
  );
  if (inserted.length === 0) {
    await sql(`delete from contact where workspace_id = ? and id = ?`, [workspaceId, id]);
    const winner = await existing();
    if (!winner) throw new Error('contact_email conflict without a row');
    return { id: winner, created: false };
  }
  record?.events.record(
    em,
    'contact.created',
    { contactId: id },
    { workspaceId, actor: record.actor ?? null, requestId: record.requestId ?? null },
  );
  return { id, created: true };
}

/** For the import: inserts a contact unless one of its addresses is already known. */
export async function importContact(
  sql: Sql,
  workspaceId: string,
  input: ContactInput & { emails: string[] },
  now: Date,
): Promise<string | null> {
  const emails = dedupe(input.emails.map(normalizeEmail));
  const known = await sql(
    `select 1 from contact_email where workspace_id = ? and email in (${placeholders(emails)}) limit 1`,
    [workspaceId, ...emails],
  );
  if (known.length > 0) return null;
  return insertContact(sql, workspaceId, { ...input, organizationId: null }, emails, now);
}
