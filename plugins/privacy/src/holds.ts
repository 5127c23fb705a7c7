/** Legal holds: while one is in force for a subject, erasure and retention leave their data alone. */
import { sqlOf, type Scope } from './db.js';
import type { SubjectId } from './subjects.js';
import type { HeldSubjects } from '@novumdesk/core';

export async function activeHold(
  scope: Scope,
  workspaceId: string,
  subject: SubjectId,
): Promise<{ id: string; reason: string } | null> {
  const [row] = await sqlOf(scope)(
    `select id, reason from privacy_legal_hold
      where workspace_id = ? and subject_kind = ? and subject_id = ? and released_at is null
      order by placed_at limit 1`,
    [workspaceId, subject.kind, subject.id],
  );
  return row ? { id: row.id as string, reason: row.reason as string } : null;
}

export async function heldSubjects(scope: Scope, workspaceId: string): Promise<HeldSubjects> {
  const rows = await sqlOf(scope)(
    `select distinct subject_kind, subject_id from privacy_legal_hold
      where workspace_id = ? and released_at is null`,
    [workspaceId],
  );
  return {
    contactIds: rows.filter((r) => r.subject_kind === 'contact').map((r) => r.subject_id as string),
    userIds: rows.filter((r) => r.subject_kind === 'user').map((r) => r.subject_id as string),
  };
}
