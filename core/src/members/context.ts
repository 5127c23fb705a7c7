/**
 * Small guards shared by the members routes: who is acting, in which workspace, and how that
 * actor appears in the security log.
 */
import type Koa from 'koa';
import type { Actor } from '../kernel/contract.js';
import { errors } from '../kernel/errors.js';
import type { Sql } from '../identity/db.js';

export interface WorkspaceActor {
  actor: Actor;
  workspaceId: string;
}

/**
 * The route's access check already refused anonymous callers; an actor without a workspace (an
 * embedder's session bridge, say) has nothing to manage here.
 */
export function inWorkspace(actor: Actor | null): WorkspaceActor {
  if (!actor?.workspaceId) throw errors.forbidden('workspace_required', 'No workspace selected');
  return { actor, workspaceId: actor.workspaceId };
}

/** Routes about a person's own account: API keys and system actors have none. */
export function requireUser(actor: Actor | null): Actor & { kind: 'user' } {
  if (actor?.kind !== 'user') {
    throw errors.forbidden('users_only', 'Only a signed-in user can do this');
  }
  return actor as Actor & { kind: 'user' };
}

/** The fields every audit record of a request shares. */
export function auditSource(actor: Actor | null, koa: Koa.Context | Koa.ParameterizedContext) {
  return {
    actor: actor ? { kind: actor.kind, id: actor.id } : null,
    ip: koa.ip || null,
    userAgent: koa.get('user-agent') || null,
  };
}

/** Dates from the driver (Date, or a string on some paths) as ISO-8601 UTC. */
export function iso(value: unknown): string {
  return new Date(value as string | Date).toISOString();
}

export function isoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : iso(value);
}

/** PostgreSQL's unique_violation, however the driver or MikroORM wraps it. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || (error as Error | null)?.name === 'UniqueConstraintViolationException';
}

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** Names of roles and teams are unique per workspace, case-insensitively. */
export const nameTaken = (kind: 'role' | 'team', name: string) =>
  errors.conflict(`${kind}_name_taken`, `A ${kind} with this name exists in this workspace`, {
    name,
  });

/** Throws `<kind>_name_taken` when another row of the workspace has this name. */
export async function assertNameFree(
  sql: Sql,
  kind: 'role' | 'team',
  workspaceId: string,
  name: string,
  exceptId?: string,
): Promise<void> {
  // `kind` is one of two literals, never input: safe to name the table with it.
  const rows = await sql(
    `select id from ${kind} where workspace_id = ? and lower(name) = lower(?) and id <> ?`,
    [workspaceId, name, exceptId ?? NIL_UUID],
  );
  if (rows.length > 0) throw nameTaken(kind, name);
}
