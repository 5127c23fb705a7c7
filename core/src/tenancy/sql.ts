/**
 * SQL that migrations add for tenant-owned tables. Isolation is enforced twice (ARCHITECTURE §4):
 * the ORM's `workspace` filter, and these row-level security policies, which hold even for a
 * QueryBuilder or raw SQL path that forgot to filter.
 */
import { APP_ROLE, WORKSPACE_SETTING } from './names.js';

/** One policy name on every tenant table (policy names are per table), so `down` can find it. */
export const WORKSPACE_POLICY = 'workspace_isolation';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The workspace of the current transaction, or NULL. `current_setting(name, true)` is NULL
 * before the setting was ever set in the session but `''` afterwards (the embedded bridge shares
 * one session between all connections, and pooled server connections are reused), so `''` must
 * mean "no workspace" too: NULL never equals anything, so no row matches.
 */
const CURRENT_WORKSPACE = `nullif(current_setting('${WORKSPACE_SETTING}', true), '')::uuid`;

/** Plain lower-case identifiers only: these strings go into DDL unescaped by any driver. */
function identifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new Error(`tenancy: ${what} "${name}" must be a lower-case SQL identifier`);
  }
  return `"${name}"`;
}

function tableName(table: string): string {
  const parts = table.split('.');
  if (parts.length > 2) throw new Error(`tenancy: table "${table}" has too many dots`);
  return parts.map((part) => identifier(part, 'table')).join('.');
}

/**
 * The statements a migration adds for each tenant-owned table (after creating it):
 *
 *   for (const sql of tenantTableSql('ticket')) this.addSql(sql);
 *
 * ENABLE + FORCE row-level security (FORCE so a non-superuser table owner is bound too), one
 * policy for all commands whose USING hides other workspaces' rows from SELECT/UPDATE/DELETE
 * and whose WITH CHECK rejects INSERTs and UPDATEs that would write another workspace's id, and
 * the DML grants for the application role. `column` must be of type uuid.
 *
 * Consequence of FORCE: outside `withWorkspace`, a non-superuser login role sees no rows of the
 * table at all (a superuser still sees all of them); see docs/security.md.
 */
export function tenantTableSql(table: string, column = 'workspace_id'): string[] {
  const t = tableName(table);
  const c = identifier(column, 'column');
  return [
    `alter table ${t} enable row level security`,
    `alter table ${t} force row level security`,
    // PostgreSQL 15 has no CREATE OR REPLACE POLICY: dropping first makes the list re-runnable.
    `drop policy if exists ${WORKSPACE_POLICY} on ${t}`,
    `create policy ${WORKSPACE_POLICY} on ${t} for all ` +
      `using (${c} = ${CURRENT_WORKSPACE}) with check (${c} = ${CURRENT_WORKSPACE})`,
    `grant select, insert, update, delete on ${t} to ${APP_ROLE}`,
  ];
}

/** The reverse of `tenantTableSql`, for a migration's `down()` (when the table stays). */
export function tenantTableDownSql(table: string): string[] {
  const t = tableName(table);
  return [
    `drop policy if exists ${WORKSPACE_POLICY} on ${t}`,
    `alter table ${t} no force row level security`,
    `alter table ${t} disable row level security`,
    `revoke select, insert, update, delete on ${t} from ${APP_ROLE}`,
  ];
}
