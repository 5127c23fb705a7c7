/**
 * A workspace's custom statuses (each mapped to a fixed category) and typed custom-field
 * definitions, and the validation of `customFields` values against the definitions.
 */
import { v7 as uuidv7 } from 'uuid';
import { errors } from '../kernel/errors.js';
import { validationFailed, type FieldError } from '../http/problem.js';
import type { Row, Sql } from '../identity/db.js';
import { iso, isUniqueViolation } from '../members/context.js';
import type { TicketFieldType, TicketStatus } from '../tickets/entities.js';
import { json } from '../tickets/views.js';

/** Caps that keep these settings lists small enough to answer whole. */
export const MAX_STATUSES = 100;
export const MAX_FIELDS = 200;

export interface StatusView {
  id: string;
  name: string;
  category: TicketStatus;
  position: number;
  createdAt: string;
  updatedAt: string;
}

export interface FieldView {
  id: string;
  key: string;
  label: string;
  type: TicketFieldType;
  required: boolean;
  options: { value: string; label: string }[];
  position: number;
  createdAt: string;
  updatedAt: string;
}

const statusView = (row: Row): StatusView => ({
  id: row.id,
  name: row.name,
  category: row.category,
  position: Number(row.position),
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});

const fieldView = (row: Row): FieldView => ({
  id: row.id,
  key: row.key,
  label: row.label,
  type: row.type,
  required: row.required === true,
  options: json<{ value: string; label: string }[]>(row.options) ?? [],
  position: Number(row.position),
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});

const statusTaken = (value: string) =>
  errors.conflict('status_name_taken', 'A status with this name exists in this workspace', {
    name: value,
  });

export async function listStatuses(sql: Sql, workspaceId: string): Promise<StatusView[]> {
  const rows = await sql(
    `select * from ticket_status where workspace_id = ? order by position, lower(name), id`,
    [workspaceId],
  );
  return rows.map(statusView);
}

export async function getStatus(sql: Sql, workspaceId: string, id: string): Promise<StatusView> {
  const rows = await sql(`select * from ticket_status where workspace_id = ? and id = ?`, [
    workspaceId,
    id,
  ]);
  if (!rows[0]) throw errors.notFound('Ticket status');
  return statusView(rows[0]);
}

export async function createStatus(
  sql: Sql,
  workspaceId: string,
  input: { name: string; category: TicketStatus; position?: number | undefined },
  now: Date,
): Promise<StatusView> {
  const [count] = await sql(`select count(*)::int as n from ticket_status where workspace_id = ?`, [
    workspaceId,
  ]);
  if (Number(count?.n) >= MAX_STATUSES) {
    throw errors.conflict('too_many_statuses', `A workspace has at most ${MAX_STATUSES} statuses`);
  }
  try {
    const rows = await sql(
      `insert into ticket_status (id, workspace_id, name, category, position, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?) returning *`,
      [uuidv7(), workspaceId, input.name, input.category, input.position ?? 0, now, now],
    );
    return statusView(rows[0]!);
  } catch (error) {
    if (isUniqueViolation(error)) throw statusTaken(input.name);
    throw error;
  }
}

/** A category change moves the tickets holding the status to the new category. */
export async function updateStatus(
  sql: Sql,
  workspaceId: string,
  id: string,
  input: {
    name?: string | undefined;
    category?: TicketStatus | undefined;
    position?: number | undefined;
  },
  now: Date,
): Promise<StatusView> {
  const before = await getStatus(sql, workspaceId, id);
  try {
    await sql(
      `update ticket_status set name = ?, category = ?, position = ?, updated_at = ?
        where workspace_id = ? and id = ?`,
      [
        input.name ?? before.name,
        input.category ?? before.category,
        input.position ?? before.position,
        now,
        workspaceId,
        id,
      ],
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw statusTaken(input.name ?? before.name);
    throw error;
  }
  if (input.category && input.category !== before.category) {
    await sql(
      `update ticket set status = ?, updated_at = ? where workspace_id = ? and status_id = ?`,
      [input.category, now, workspaceId, id],
    );
  }
  return getStatus(sql, workspaceId, id);
}

/** Tickets holding the status keep its category (`status_id` is set to null). */
export async function deleteStatus(sql: Sql, workspaceId: string, id: string): Promise<void> {
  const rows = await sql(
    `delete from ticket_status where workspace_id = ? and id = ? returning id`,
    [workspaceId, id],
  );
  if (!rows[0]) throw errors.notFound('Ticket status');
}

export async function listFields(sql: Sql, workspaceId: string): Promise<FieldView[]> {
  const rows = await sql(
    `select * from ticket_field where workspace_id = ? order by position, key`,
    [workspaceId],
  );
  return rows.map(fieldView);
}

export async function getField(sql: Sql, workspaceId: string, id: string): Promise<FieldView> {
  const rows = await sql(`select * from ticket_field where workspace_id = ? and id = ?`, [
    workspaceId,
    id,
  ]);
  if (!rows[0]) throw errors.notFound('Ticket field');
  return fieldView(rows[0]);
}

export async function createField(
  sql: Sql,
  workspaceId: string,
  input: {
    key: string;
    label: string;
    type: TicketFieldType;
    required?: boolean | undefined;
    options?: { value: string; label: string }[] | undefined;
    position?: number | undefined;
  },
  now: Date,
): Promise<FieldView> {
  const [count] = await sql(`select count(*)::int as n from ticket_field where workspace_id = ?`, [
    workspaceId,
  ]);
  if (Number(count?.n) >= MAX_FIELDS) {
    throw errors.conflict('too_many_fields', `A workspace has at most ${MAX_FIELDS} fields`);
  }
  try {
    const rows = await sql(
      `insert into ticket_field (id, workspace_id, key, label, type, required, options, position,
                                 created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?) returning *`,
      [
        uuidv7(),
        workspaceId,
        input.key,
        input.label,
        input.type,
        input.required ?? false,
        JSON.stringify(input.options ?? []),
        input.position ?? 0,
        now,
        now,
      ],
    );
    return fieldView(rows[0]!);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw errors.conflict('field_key_taken', 'A field with this key exists in this workspace', {
        key: input.key,
      });
    }
    throw error;
  }
}

/** The key and type never change (stored values would no longer match them). */
export async function updateField(
  sql: Sql,
  workspaceId: string,
  id: string,
  input: {
    label?: string | undefined;
    required?: boolean | undefined;
    options?: { value: string; label: string }[] | undefined;
    position?: number | undefined;
  },
  now: Date,
): Promise<FieldView> {
  const before = await getField(sql, workspaceId, id);
  if (input.options !== undefined && before.type !== 'dropdown') {
    throw validationFailed([{ path: 'body.options', message: 'only a dropdown has options' }]);
  }
  if (input.options !== undefined && input.options.length === 0) {
    throw validationFailed([
      { path: 'body.options', message: 'a dropdown needs at least one option' },
    ]);
  }
  await sql(
    `update ticket_field set label = ?, required = ?, options = ?::jsonb, position = ?,
            updated_at = ? where workspace_id = ? and id = ?`,
    [
      input.label ?? before.label,
      input.required ?? before.required,
      JSON.stringify(input.options ?? before.options),
      input.position ?? before.position,
      now,
      workspaceId,
      id,
    ],
  );
  return getField(sql, workspaceId, id);
}

/** Removes the definition and its values from the workspace's tickets. */
export async function deleteField(sql: Sql, workspaceId: string, id: string): Promise<void> {
  const rows = await sql(
    `delete from ticket_field where workspace_id = ? and id = ? returning key`,
    [workspaceId, id],
  );
  if (!rows[0]) throw errors.notFound('Ticket field');
  await sql(
    `update ticket set custom_fields = custom_fields - ?::text
      where workspace_id = ? and jsonb_exists(custom_fields, ?::text)`,
    [rows[0].key, workspaceId, rows[0].key],
  );
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkValue(field: FieldView, value: unknown): string | null {
  switch (field.type) {
    case 'text':
      return typeof value === 'string' && value.length <= 10_000
        ? null
        : 'expected a text of at most 10000 characters';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'expected a number';
    case 'checkbox':
      return typeof value === 'boolean' ? null : 'expected true or false';
    case 'date':
      return typeof value === 'string' &&
        DATE.test(value) &&
        new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)
        ? null
        : 'expected a date YYYY-MM-DD';
    case 'dropdown':
      return typeof value === 'string' && field.options.some((o) => o.value === value)
        ? null
        : `expected one of: ${field.options.map((o) => o.value).join(', ')}`;
  }
}

/**
 * `current` with `changes` applied (a `null` value removes one), every changed value checked
 * against its definition. On create (`requireAll`) every required field must have a value; on
 * update only a change may not remove one. 400 `validation_failed` with `body.customFields.<key>`.
 */
export async function applyCustomFields(
  sql: Sql,
  workspaceId: string,
  current: Record<string, unknown>,
  changes: Record<string, unknown> | undefined,
  requireAll: boolean,
  path = 'body.customFields',
): Promise<Record<string, unknown>> {
  if (!changes && !requireAll) return current;
  const fields = new Map((await listFields(sql, workspaceId)).map((f) => [f.key, f]));
  const problems: FieldError[] = [];
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(changes ?? {})) {
    const field = fields.get(key);
    if (!field) {
      problems.push({ path: `${path}.${key}`, message: 'no such custom field in this workspace' });
      continue;
    }
    if (value === null) {
      if (field.required)
        problems.push({ path: `${path}.${key}`, message: 'this field is required' });
      delete next[key];
      continue;
    }
    const problem = checkValue(field, value);
    if (problem) problems.push({ path: `${path}.${key}`, message: problem });
    else next[key] = value;
  }
  if (requireAll) {
    for (const field of fields.values()) {
      const value = next[field.key];
      if (field.required && (value === undefined || value === '')) {
        if (!problems.some((p) => p.path === `${path}.${field.key}`)) {
          problems.push({ path: `${path}.${field.key}`, message: 'this field is required' });
        }
      }
    }
  }
  if (problems.length > 0) throw validationFailed(problems);
  return next;
}

/** The category of a custom status of the workspace; 400 (at `path`) for an unknown id. */
export async function statusCategory(
  sql: Sql,
  workspaceId: string,
  statusId: string,
  path = 'body.statusId',
): Promise<TicketStatus> {
  const rows = await sql(`select category from ticket_status where workspace_id = ? and id = ?`, [
    workspaceId,
    statusId,
  ]);
  if (!rows[0]) throw validationFailed([{ path, message: 'no such status in this workspace' }]);
  return rows[0].category as TicketStatus;
}
