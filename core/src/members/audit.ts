/**
 * The security log, read by admins (`GET /audit-events`) and pruned by its own retention.
 *
 * Reading: newest first, keyset-paginated on `(occurred_at, id)` (the identity migration's index
 * `audit_event (workspace_id, occurred_at desc)` serves it), in the caller's workspace
 * transaction. Instance-level events (no workspace: a failed sign-in for an unknown address, a
 * password reset) are not shown to any workspace.
 *
 * Retention: a daily job deletes events older than `auditRetentionDays` in every workspace. The
 * table is FORCE-RLS, so with a non-superuser login role a cross-workspace delete sees nothing;
 * this module's migration adds a policy that lets a transaction delete (and, as a DELETE with a
 * WHERE needs, read) rows older than the cutoff it names in `novumdesk.audit_retention_cutoff`.
 * Only this job sets that setting; the job runs as the application role, so the policy is what
 * lets it through in every mode, and the tests exercise it even on a superuser login.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { errors } from '../kernel/errors.js';
import { APP_ROLE } from '../tenancy/index.js';
import { sqlFor, type Row, type Sql } from '../identity/db.js';
import { iso } from './context.js';

export const RETENTION_SETTING = 'novumdesk.audit_retention_cutoff';

export interface AuditEventView {
  id: string;
  action: string;
  actorKind: string | null;
  actorId: string | null;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  metadata: Record<string, unknown>;
  occurredAt: string;
}

function eventView(row: Row): AuditEventView {
  return {
    id: row.id,
    action: row.action,
    actorKind: row.actor_kind,
    actorId: row.actor_id,
    targetType: row.target_type,
    targetId: row.target_id,
    ip: row.ip,
    userAgent: row.user_agent,
    metadata: (typeof row.metadata === 'string' ? JSON.parse(row.metadata) : row.metadata) ?? {},
    occurredAt: iso(row.occurred_at),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An opaque cursor: the last row's `(occurredAt, id)`. */
export function encodeCursor(event: { occurredAt: string; id: string }): string {
  return Buffer.from(JSON.stringify([event.occurredAt, event.id])).toString('base64url');
}

export function decodeCursor(cursor: string): { occurredAt: Date; id: string } {
  try {
    const [occurredAt, id] = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    ) as unknown[];
    const at = new Date(occurredAt as string);
    if (typeof id === 'string' && UUID.test(id) && !Number.isNaN(at.getTime()))
      return { occurredAt: at, id };
  } catch {
    // reported below
  }
  throw errors.badRequest('invalid_cursor', 'The cursor is not valid; start again without one');
}

export async function listAuditEvents(
  sql: Sql,
  workspaceId: string,
  query: { cursor?: string | undefined; limit: number; action?: string | undefined },
): Promise<{ data: AuditEventView[]; nextCursor: string | null }> {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const conditions = ['workspace_id = ?'];
  const params: unknown[] = [workspaceId];
  if (query.action) {
    conditions.push('action = ?');
    params.push(query.action);
  }
  if (after) {
    conditions.push('(occurred_at, id) < (?::timestamptz, ?::uuid)');
    params.push(after.occurredAt, after.id);
  }
  const rows = await sql(
    `select id, action, actor_kind, actor_id, target_type, target_id, ip, user_agent, metadata, occurred_at
       from audit_event
      where ${conditions.join(' and ')}
      order by occurred_at desc, id desc
      limit ?`,
    [...params, query.limit + 1],
  );
  const data = rows.slice(0, query.limit).map(eventView);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}

/** Deletes security events older than `retentionDays`, in every workspace; returns how many. */
export async function purgeAuditEvents(
  orm: MikroORM,
  now: Date,
  retentionDays: number,
): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 24 * 3600 * 1000);
  return orm.em.fork().transactional(async (tx) => {
    const sql = sqlFor(tx);
    await sql(`select set_config('role', ?, true), set_config(?, ?, true)`, [
      APP_ROLE,
      RETENTION_SETTING,
      cutoff.toISOString(),
    ]);
    const [row] = await sql(
      `with gone as (delete from audit_event where occurred_at < ? returning 1) select count(*)::int as n from gone`,
      [cutoff],
    );
    return Number(row?.n ?? 0);
  });
}
