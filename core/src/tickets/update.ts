/**
 * Changing one ticket: PATCH /tickets/:id and each ticket of a bulk update go through
 * `applyTicketChanges`, so both record the same timeline events and validate the same way.
 */
import type { Actor } from '../kernel/contract.js';
import { errors } from '../kernel/errors.js';
import { textArray, type Sql } from '../identity/db.js';
import { applyCustomFields, statusCategory } from '../ticket-fields/definitions.js';
import type { TicketChangeSet } from './hooks.js';
import { insertEvent, lockTicket } from './tickets.js';
import { json, textList } from './views.js';

/** Checks that an assignee is a member and a team a team of the workspace (400 otherwise). */
export async function assertAssignable(
  sql: Sql,
  workspaceId: string,
  changes: Pick<TicketChangeSet, 'assigneeId' | 'teamId'>,
): Promise<void> {
  if (changes.assigneeId) {
    const member = await sql(`select 1 from membership where workspace_id = ? and user_id = ?`, [
      workspaceId,
      changes.assigneeId,
    ]);
    if (!member[0]) {
      throw errors.badRequest(
        'unknown_assignee',
        'The assignee is not a member of this workspace',
        {
          assigneeId: changes.assigneeId,
        },
      );
    }
  }
  if (changes.teamId) {
    const team = await sql(`select 1 from team where workspace_id = ? and id = ?`, [
      workspaceId,
      changes.teamId,
    ]);
    if (!team[0]) {
      throw errors.badRequest('unknown_team', 'No such team in this workspace', {
        teamId: changes.teamId,
      });
    }
  }
}

/**
 * Applies the fields that differ, recording one timeline event per changed field. Returns the
 * names of the changed fields (empty: nothing changed, nothing recorded).
 *
 * `statusId` sets a custom status and its category; a plain `status` clears the custom status
 * when the category changes. `tags` replaces the tags; `addTags`/`removeTags` edit them.
 * `customFields` is merged into the stored values (`null` removes one) and validated.
 */
export async function applyTicketChanges(
  sql: Sql,
  workspaceId: string,
  id: string,
  changes: TicketChangeSet,
  actor: Actor | null,
  now: Date,
): Promise<string[]> {
  const row = await lockTicket(sql, workspaceId, id);
  await assertAssignable(sql, workspaceId, changes);
  const sets: string[] = [];
  const params: unknown[] = [];
  const changed: string[] = [];
  const event = (type: string, data: Record<string, unknown>) =>
    insertEvent(sql, workspaceId, id, actor, type, data, now);
  const set = (column: string, value: unknown, cast = '') => {
    sets.push(`${column} = ?${cast}`);
    params.push(value);
  };

  let status = changes.status;
  let statusId: string | null | undefined = changes.statusId;
  if (statusId) status = await statusCategory(sql, workspaceId, statusId);
  else if (status !== undefined && status !== row.status && statusId === undefined) statusId = null;
  if (statusId !== undefined && statusId !== row.status_id) {
    set('status_id', statusId);
    changed.push('statusId');
    await event('custom_status_changed', { from: row.status_id, to: statusId });
  }
  const scalars: [keyof TicketChangeSet, string, string, unknown][] = [
    ['subject', 'subject', 'subject_changed', changes.subject],
    ['status', 'status', 'status_changed', status],
    ['priority', 'priority', 'priority_changed', changes.priority],
    ['type', 'type', 'type_changed', changes.type],
    ['assigneeId', 'assignee_id', 'assigned', changes.assigneeId],
    ['teamId', 'team_id', 'team_changed', changes.teamId],
  ];
  for (const [field, column, eventType, next] of scalars) {
    if (next === undefined || next === row[column]) continue;
    set(column, next);
    changed.push(field);
    await event(eventType, { from: row[column], to: next });
  }
  if (status === 'solved' && row.status !== 'solved') set('solved_at', now);

  const before = textList(row.tags);
  let after = changes.tags !== undefined ? [...new Set(changes.tags)] : [...before];
  if (changes.addTags) after = [...new Set([...after, ...changes.addTags])];
  if (changes.removeTags) after = after.filter((tag) => !changes.removeTags!.includes(tag));
  const added = after.filter((tag) => !before.includes(tag));
  const removed = before.filter((tag) => !after.includes(tag));
  if (added.length > 0 || removed.length > 0) {
    set('tags', textArray(after), '::text[]');
    changed.push('tags');
    await event('tagged', { added, removed });
  }

  if (changes.customFields !== undefined) {
    const current = json<Record<string, unknown>>(row.custom_fields) ?? {};
    const next = await applyCustomFields(sql, workspaceId, current, changes.customFields, false);
    const keys = Object.keys({ ...current, ...next }).filter(
      (key) => JSON.stringify(current[key]) !== JSON.stringify(next[key]),
    );
    if (keys.length > 0) {
      set('custom_fields', JSON.stringify(next), '::jsonb');
      changed.push('customFields');
      await event('custom_fields_changed', {
        changes: Object.fromEntries(
          keys.map((k) => [k, { from: current[k] ?? null, to: next[k] ?? null }]),
        ),
      });
    }
  }

  if (changed.length === 0) return changed;
  await sql(
    `update ticket set ${sets.join(', ')}, updated_at = ? where workspace_id = ? and id = ?`,
    [...params, now, workspaceId, id],
  );
  return changed;
}
