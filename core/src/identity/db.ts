/**
 * Database access for the identity layer.
 *
 * Plain SQL on the hot and security-critical paths (authenticating every request, rotating a
 * refresh token under a row lock, rate limits), where one explicit query is clearer than the
 * unit of work; management routes use the entities through the request's `em`.
 *
 * Row-level security: the identity tables are FORCE-RLS tables (tenancy/sql.ts), so outside a
 * workspace transaction a non-superuser login role sees none of their rows. But authentication
 * is exactly the step that finds out which workspace a request belongs to. So it runs in an
 * *identity context*: the application role, plus settings that the identity policies (see the
 * migration) accept besides the workspace one —
 *  - `novumdesk.user_id`: the user's own row, memberships, sessions and tokens, across workspaces;
 *  - `novumdesk.credential_hash`: the one API key / refresh / action token with that hash;
 *  - `novumdesk.login_email`: the one user with that address (sign-in, sign-up).
 * Each names exactly the rows a presented credential entitles the caller to find; nothing lists.
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import {
  APP_ROLE,
  WORKSPACE_SETTING,
  assertWorkspaceId,
  setWorkspaceFilter,
} from '../tenancy/index.js';

export const USER_SETTING = 'novumdesk.user_id';
export const CREDENTIAL_SETTING = 'novumdesk.credential_hash';
export const LOGIN_EMAIL_SETTING = 'novumdesk.login_email';

export type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A JS array as one PostgreSQL array literal (`{"a","b"}`), for a `?::text[]` parameter: knex
 * would otherwise expand an array parameter into a list of parameters.
 */
export function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/** Runs one statement (knex `?` placeholders) in `em`'s transaction, if it has one. */
export type Sql = (text: string, params?: readonly unknown[]) => Promise<Row[]>;

export function sqlFor(em: EntityManager): Sql {
  return (text, params = []) =>
    em.getConnection().execute<Row[]>(text, [...params], 'all', em.getTransactionContext());
}

/**
 * One autocommitted statement as the login role, for the global tables without row-level
 * security (`identity_rate_limit`, `mail_message`) and for `audit_event` rows of no workspace.
 * Never call it while a workspace transaction of the same request is open: in embedded mode
 * that transaction holds the only session, and this statement would wait for it forever.
 */
export function systemSql(orm: MikroORM): Sql {
  return sqlFor(orm.em.fork());
}

export interface IdentityContext {
  workspaceId?: string | null;
  userId?: string | null;
  credentialHash?: string | null;
  loginEmail?: string | null;
}

/** Switches the open transaction to the application role and (re)sets the identity settings. */
export async function setIdentityContext(
  sql: Sql,
  em: EntityManager,
  context: IdentityContext,
): Promise<void> {
  if (context.workspaceId) assertWorkspaceId(context.workspaceId);
  // One round trip: `set_config('role', …, true)` is `SET LOCAL ROLE`.
  await sql(
    `select set_config('role', ?, true), set_config(?, ?, true), set_config(?, ?, true),
            set_config(?, ?, true), set_config(?, ?, true)`,
    [
      APP_ROLE,
      WORKSPACE_SETTING,
      context.workspaceId ?? '',
      USER_SETTING,
      context.userId ?? '',
      CREDENTIAL_SETTING,
      context.credentialHash ?? '',
      LOGIN_EMAIL_SETTING,
      context.loginEmail ?? '',
    ],
  );
  setWorkspaceFilter(em, context.workspaceId ?? null);
}

/**
 * A transaction as the application role in the given identity context, committed before this
 * returns (so a 401 thrown after it still keeps, say, a family revoked for token reuse).
 * `em` is a fresh fork of `orm.em` unless one is given (a request's own `em`, possibly already
 * in a workspace transaction: then this is a savepoint inside it and the settings stay changed
 * for the rest of that transaction, so pass the same workspace).
 */
export async function inIdentityContext<T>(
  source: MikroORM | EntityManager,
  context: IdentityContext,
  fn: (sql: Sql, em: EntityManager) => Promise<T>,
): Promise<T> {
  // Duck-typed: the ORM class may come from another copy of the package than ours.
  const em = 'transactional' in source ? source : source.em.fork();
  return em.transactional(async (tx) => {
    const sql = sqlFor(tx);
    await setIdentityContext(sql, tx, context);
    return fn(sql, tx);
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID as an SQL literal; anything else is refused (it would be a bug upstream). */
export function uuidLiteral(value: string): string {
  if (!UUID.test(value)) throw new Error('uuidLiteral: not a UUID');
  return `'${value.toLowerCase()}'`;
}

/** A hex SHA-256 digest as an SQL literal; anything else is refused. */
export function hashLiteral(value: string): string {
  if (!/^[0-9a-f]{64}$/.test(value)) throw new Error('hashLiteral: not a hex SHA-256 digest');
  return `'${value}'`;
}

/**
 * One read-only statement in an identity context, in **one round trip**: the settings and the
 * statement go to the server as a single simple-protocol query, which PostgreSQL runs as one
 * implicit transaction, so the `set_config(…, true)` values hold for the statement and vanish
 * with it, and a failure rolls everything back by itself (the pooled connection stays clean).
 *
 * The simple protocol takes no parameters, so `statement` may only embed values made with
 * `uuidLiteral` / `hashLiteral`; the context values are checked the same way. This is the
 * per-request authentication path (tokens, cookies, API keys): four round trips (BEGIN,
 * settings, SELECT, COMMIT) become one.
 */
export async function readInIdentityContext(
  orm: MikroORM,
  context: { workspaceId?: string; userId?: string; credentialHash?: string },
  statement: string,
): Promise<Row[]> {
  const settings = [`set_config('role', '${APP_ROLE}', true)`];
  if (context.workspaceId)
    settings.push(`set_config('${WORKSPACE_SETTING}', ${uuidLiteral(context.workspaceId)}, true)`);
  if (context.userId)
    settings.push(`set_config('${USER_SETTING}', ${uuidLiteral(context.userId)}, true)`);
  if (context.credentialHash)
    settings.push(
      `set_config('${CREDENTIAL_SETTING}', ${hashLiteral(context.credentialHash)}, true)`,
    );
  const text = `select ${settings.join(', ')}; ${statement}`;
  const knex = orm.em.getConnection().getKnex();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const client = knex.client as any;
  const connection = await client.acquireConnection();
  try {
    const results = (await connection.query(text)) as { rows: Row[] }[];
    return results[results.length - 1]!.rows;
  } finally {
    await client.releaseConnection(connection);
  }
}
