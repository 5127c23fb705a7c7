/** Organizations: named groups of contacts with their email domains. */
import { v7 as uuidv7 } from 'uuid';
import { errors } from '../kernel/errors.js';
import { textArray, type Row, type Sql } from '../identity/db.js';
import { iso, isUniqueViolation } from '../members/context.js';
import { decodeCursor, encodeCursor } from './contacts.js';

export interface OrganizationView {
  id: string;
  name: string;
  domains: string[];
  createdAt: string;
}

const SELECT = `select id, name, domains, created_at, created_at::text as cursor_at
                  from organization where workspace_id = ?`;

const view = (row: Row): OrganizationView => ({
  id: row.id,
  name: row.name,
  domains: Array.isArray(row.domains) ? row.domains : [],
  createdAt: iso(row.created_at),
});

const nameTaken = (name: string) =>
  errors.conflict(
    'organization_name_taken',
    'An organization with this name exists in this workspace',
    { name },
  );

async function assertNameFree(sql: Sql, workspaceId: string, name: string, exceptId?: string) {
  const rows = await sql(
    `select id from organization where workspace_id = ? and lower(name) = lower(?) and id <> ?`,
    [workspaceId, name, exceptId ?? '00000000-0000-0000-0000-000000000000'],
  );
  if (rows.length > 0) throw nameTaken(name);
}

const domainList = (domains: readonly string[]) =>
  textArray([...new Set(domains.map((d) => d.trim().toLowerCase()))]);

export async function getOrganization(
  sql: Sql,
  workspaceId: string,
  id: string,
): Promise<OrganizationView> {
  const rows = await sql(`${SELECT} and id = ?`, [workspaceId, id]);
  if (!rows[0]) throw errors.notFound('Organization');
  return view(rows[0]);
}

export async function listOrganizations(
  sql: Sql,
  workspaceId: string,
  options: { limit: number; cursor?: string | undefined },
): Promise<{ data: OrganizationView[]; nextCursor: string | null }> {
  const params: unknown[] = [workspaceId];
  let where = '';
  if (options.cursor) {
    const [at, id] = decodeCursor(options.cursor);
    where = ' and (created_at, id) < (?::timestamptz, ?::uuid)';
    params.push(at, id);
  }
  const rows = await sql(`${SELECT}${where} order by created_at desc, id desc limit ?`, [
    ...params,
    options.limit + 1,
  ]);
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  return {
    data: page.map(view),
    nextCursor: rows.length > options.limit && last ? encodeCursor(last) : null,
  };
}

export async function createOrganization(
  sql: Sql,
  workspaceId: string,
  input: { name: string; domains?: string[] | undefined },
  now: Date,
): Promise<OrganizationView> {
  await assertNameFree(sql, workspaceId, input.name);
  const id = uuidv7();
  try {
    await sql(
      `insert into organization (id, workspace_id, name, domains, created_at)
       values (?, ?, ?, ?::text[], ?)`,
      [id, workspaceId, input.name, domainList(input.domains ?? []), now],
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name);
    throw error;
  }
  return getOrganization(sql, workspaceId, id);
}

export async function updateOrganization(
  sql: Sql,
  workspaceId: string,
  id: string,
  input: { name?: string | undefined; domains?: string[] | undefined },
): Promise<OrganizationView> {
  await getOrganization(sql, workspaceId, id);
  if (input.name !== undefined) await assertNameFree(sql, workspaceId, input.name, id);
  await sql(
    `update organization set name = coalesce(?, name),
            domains = case when ? then ?::text[] else domains end
      where workspace_id = ? and id = ?`,
    [
      input.name ?? null,
      input.domains !== undefined,
      domainList(input.domains ?? []),
      workspaceId,
      id,
    ],
  );
  return getOrganization(sql, workspaceId, id);
}

/** Deletes the organization; its contacts stay, without one. */
export async function deleteOrganization(sql: Sql, workspaceId: string, id: string) {
  await getOrganization(sql, workspaceId, id);
  await sql(`delete from organization where workspace_id = ? and id = ?`, [workspaceId, id]);
}
