/**
 * The request register: rows of `privacy_request` and their trail (`privacy_request_event`),
 * read and written in the caller's workspace transaction. Every change of state goes through
 * `transition`, which checks the state machine and records who moved it, when and why, both in
 * the request's trail and as a security event.
 */
import { randomUUID } from 'node:crypto';
import { errors, type Actor, type AuditRecord } from '@novumdesk/core';
import { iso, sqlOf, type Row, type Scope, type Sql } from '../db.js';
import { assertTransition, type RequestState, type RequestType } from './state.js';
import type { SubjectId } from '../subjects.js';

export interface RequestView {
  id: string;
  type: RequestType;
  state: RequestState;
  subject: { kind: 'contact' | 'user'; id: string; ref: string };
  receivedAt: string;
  dueAt: string;
  overdue: boolean;
  extensionReason: string | null;
  refusalReason: string | null;
  verification: { method: string | null; note: string | null; verifiedAt: string | null };
  eraseMethod: string | null;
  details: Record<string, unknown>;
  progress: number;
  preview: Record<string, unknown> | null;
  result: Record<string, unknown> | null;
  export: { ready: boolean; expiresAt: string | null; downloadedAt: string | null };
  completedAt: string | null;
  createdAt: string;
}

export interface TrailEntry {
  from: string | null;
  to: string;
  actor: { kind: string; id: string } | null;
  reason: string | null;
  at: string;
}

export function toView(row: Row, now: Date): RequestView {
  const open = !['completed', 'refused'].includes(row.state as string);
  return {
    id: row.id,
    type: row.type,
    state: row.state,
    subject: { kind: row.subject_kind, id: row.subject_id, ref: row.subject_ref },
    receivedAt: iso(row.received_at)!,
    dueAt: iso(row.due_at)!,
    overdue: open && new Date(row.due_at as string).getTime() < now.getTime(),
    extensionReason: row.extension_reason ?? null,
    refusalReason: row.refusal_reason ?? null,
    verification: {
      method: row.verification_method ?? null,
      note: row.verification_note ?? null,
      verifiedAt: iso(row.verified_at),
    },
    eraseMethod: row.erase_method ?? null,
    details: (row.details as Record<string, unknown>) ?? {},
    progress: Number(row.progress),
    preview: (row.preview as Record<string, unknown> | null) ?? null,
    result: (row.result as Record<string, unknown> | null) ?? null,
    export: {
      ready: !!row.export_key,
      expiresAt: iso(row.export_expires_at),
      downloadedAt: iso(row.export_downloaded_at),
    },
    completedAt: iso(row.completed_at),
    createdAt: iso(row.created_at)!,
  };
}

export const actorRef = (actor: Actor | null | undefined) =>
  actor ? { kind: actor.kind, id: actor.id } : null;

export async function findRequest(scope: Scope, workspaceId: string, id: string): Promise<Row> {
  const [row] = await sqlOf(scope)(
    `select * from privacy_request where workspace_id = ? and id = ?`,
    [workspaceId, id],
  );
  if (!row) throw errors.notFound('Privacy request', { id });
  return row;
}

export interface NewRequest {
  workspaceId: string;
  type: RequestType;
  subject: SubjectId;
  subjectRef: string;
  requestedBy: Actor | null;
  dueAt: Date;
  details: Record<string, unknown>;
  eraseMethod: string | null;
  preview: Record<string, unknown> | null;
}

export async function insertRequest(scope: Scope, input: NewRequest): Promise<Row> {
  const now = scope.cradle.clock.now();
  const id = randomUUID();
  const [row] = await sqlOf(scope)(
    `insert into privacy_request
       (id, workspace_id, type, state, subject_kind, subject_id, subject_ref, requested_by,
        details, erase_method, received_at, due_at, preview, created_at, updated_at)
     values (?, ?, ?, 'received', ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?::jsonb, ?, ?) returning *`,
    [
      id,
      input.workspaceId,
      input.type,
      input.subject.kind,
      input.subject.id,
      input.subjectRef,
      JSON.stringify(actorRef(input.requestedBy)),
      JSON.stringify(input.details),
      input.eraseMethod,
      now,
      input.dueAt,
      input.preview ? JSON.stringify(input.preview) : null,
      now,
      now,
    ],
  );
  await recordTrail(scope, input.workspaceId, id, null, 'received', input.requestedBy, null);
  return row!;
}

async function recordTrail(
  scope: Scope,
  workspaceId: string,
  requestId: string,
  from: string | null,
  to: string,
  actor: Actor | null,
  reason: string | null,
): Promise<void> {
  const now = scope.cradle.clock.now();
  const sql = sqlOf(scope);
  await sql(
    `insert into privacy_request_event (id, workspace_id, request_id, from_state, to_state, actor, reason, occurred_at)
     values (?, ?, ?, ?, ?, ?::jsonb, ?, ?)`,
    [randomUUID(), workspaceId, requestId, from, to, JSON.stringify(actorRef(actor)), reason, now],
  );
  const identity = (
    scope.cradle as { identity?: { audit: { record(e: AuditRecord, s: Sql): Promise<void> } } }
  ).identity;
  await identity?.audit.record(
    {
      action: 'privacy_request_transition',
      workspaceId,
      actor: actorRef(actor),
      target: { type: 'privacy_request', id: requestId },
      metadata: { from, to },
    },
    sql,
  );
}

/**
 * Moves a request to `to` (checked against the state machine), with the extra columns to set,
 * and records the transition. Returns the updated row.
 */
export async function transition(
  scope: Scope,
  row: Row,
  to: RequestState,
  actor: Actor | null,
  options: { reason?: string | null; set?: Record<string, unknown> } = {},
): Promise<Row> {
  const from = row.state as RequestState;
  assertTransition(from, to);
  const now = scope.cradle.clock.now();
  const set: Record<string, unknown> = { ...options.set, state: to, updated_at: now };
  if (to === 'completed' || to === 'refused') set.completed_at = now;
  const columns = Object.keys(set);
  const assignments = columns
    .map((c) => `${c} = ?${['preview', 'result', 'work', 'details'].includes(c) ? '::jsonb' : ''}`)
    .join(', ');
  const values = columns.map((c) => {
    const value = set[c];
    return value !== null && typeof value === 'object' && !(value instanceof Date)
      ? JSON.stringify(value)
      : value;
  });
  const [updated] = await sqlOf(scope)(
    `update privacy_request set ${assignments} where workspace_id = ? and id = ? and state = ? returning *`,
    [...values, row.workspace_id, row.id, from],
  );
  if (!updated) {
    throw errors.conflict('request_changed', 'The request changed meanwhile; reload it');
  }
  await recordTrail(scope, row.workspace_id, row.id, from, to, actor, options.reason ?? null);
  return updated;
}

/** Updates bookkeeping columns that are not a change of state (progress, work, result). */
export async function updateRequest(
  scope: Scope,
  row: Row,
  set: Record<string, unknown>,
): Promise<Row> {
  const columns = Object.keys(set);
  const assignments = columns
    .map((c) => `${c} = ?${['preview', 'result', 'work', 'details'].includes(c) ? '::jsonb' : ''}`)
    .join(', ');
  const values = columns.map((c) => {
    const value = set[c];
    return value !== null && typeof value === 'object' && !(value instanceof Date)
      ? JSON.stringify(value)
      : value;
  });
  const [updated] = await sqlOf(scope)(
    `update privacy_request set ${assignments}, updated_at = ? where workspace_id = ? and id = ? returning *`,
    [...values, scope.cradle.clock.now(), row.workspace_id, row.id],
  );
  return updated!;
}

export async function trailOf(
  scope: Scope,
  workspaceId: string,
  id: string,
): Promise<TrailEntry[]> {
  const rows = await sqlOf(scope)(
    `select from_state, to_state, actor, reason, occurred_at from privacy_request_event
      where workspace_id = ? and request_id = ? order by seq`,
    [workspaceId, id],
  );
  return rows.map((r) => ({
    from: r.from_state ?? null,
    to: r.to_state,
    actor: r.actor ?? null,
    reason: r.reason ?? null,
    at: iso(r.occurred_at)!,
  }));
}
