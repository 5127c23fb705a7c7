/**
 * CSV import as a background job. `POST /contacts/imports` stores the file in a
 * `contact_import` row and enqueues `contacts.import` in the same transaction. Each run of the
 * job processes the next chunk of records in the workspace's transaction, together with the
 * progress update, and enqueues the next chunk: a crash rolls back only the current chunk, and
 * the retry resumes from `done`. Rows are deduplicated by email (a row whose address is known is
 * skipped), so re-importing a file, or a replayed chunk, creates nothing twice.
 *
 * Columns (header row, any order, case-insensitive): `name`, `email`/`emails`, `phone`/`phones`
 * (several separated by `;`), `custom_attributes` (a JSON object). Others (`id`, `created_at`,
 * … of the export) are ignored, so an export imports back.
 */
import type { AwilixContainer } from 'awilix';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { RequestCradle } from '../kernel/contract.js';
import { errors } from '../kernel/errors.js';
import { sqlFor, type Row, type Sql } from '../identity/db.js';
import { iso, isoOrNull } from '../members/context.js';
import { importContact } from './contacts.js';
import { parseCsv } from './csv.js';

export const IMPORT_JOB_NAME = 'import';
export const CONTACT_IMPORT_JOB = `contacts.${IMPORT_JOB_NAME}`;
/** Records per job run (one transaction). */
export const IMPORT_CHUNK = 500;
/** Row errors kept per import; the rest are counted in `done` only. */
const MAX_ERRORS = 1000;

export interface ImportJobData {
  importId: string;
  workspaceId: string;
}

export interface ImportView {
  id: string;
  status: string;
  total: number;
  done: number;
  created: number;
  errors: { line: number; message: string }[];
  createdAt: string;
  finishedAt: string | null;
}

const view = (row: Row): ImportView => ({
  id: row.id,
  status: row.status,
  total: row.total,
  done: row.done,
  created: row.created,
  errors: typeof row.errors === 'string' ? JSON.parse(row.errors) : row.errors,
  createdAt: iso(row.created_at),
  finishedAt: isoOrNull(row.finished_at),
});

export async function createImport(
  sql: Sql,
  workspaceId: string,
  csv: string,
  now: Date,
): Promise<ImportView> {
  const id = uuidv7();
  await sql(
    `insert into contact_import (id, workspace_id, status, source, created_at, updated_at)
     values (?, ?, 'queued', ?, ?, ?)`,
    [id, workspaceId, csv, now, now],
  );
  return getImport(sql, workspaceId, id);
}

export async function getImport(sql: Sql, workspaceId: string, id: string): Promise<ImportView> {
  const rows = await sql(
    `select id, status, total, done, created, errors, created_at, finished_at
       from contact_import where workspace_id = ? and id = ?`,
    [workspaceId, id],
  );
  if (!rows[0]) throw errors.notFound('Import');
  return view(rows[0]);
}

const emailSchema = z.email();
const attributesSchema = z.record(z.string(), z.unknown());
const split = (value: string | undefined) =>
  (value ?? '')
    .split(';')
    .map((v) => v.trim())
    .filter(Boolean);

type Parsed =
  | {
      ok: true;
      input: {
        name: string | null;
        emails: string[];
        phones: string[];
        customAttributes: Record<string, unknown>;
      };
    }
  | { ok: false; message: string };

function parseRow(header: Map<string, number>, fields: string[]): Parsed {
  const get = (...names: string[]) => {
    for (const name of names) {
      const index = header.get(name);
      if (index !== undefined) return fields[index];
    }
    return undefined;
  };
  const emails = split(get('emails', 'email')).map((e) => e.toLowerCase());
  if (emails.length === 0) return { ok: false, message: 'email is required' };
  const bad = emails.find((e) => !emailSchema.safeParse(e).success);
  if (bad !== undefined) return { ok: false, message: 'email is not a valid address' };
  let customAttributes: Record<string, unknown> = {};
  const rawAttributes = get('custom_attributes')?.trim();
  if (rawAttributes) {
    try {
      customAttributes = attributesSchema.parse(JSON.parse(rawAttributes));
    } catch {
      return { ok: false, message: 'custom_attributes is not a JSON object' };
    }
  }
  const name = get('name')?.trim() || null;
  if (name && name.length > 200) return { ok: false, message: 'name is too long' };
  return {
    ok: true,
    input: { name, emails, phones: split(get('phones', 'phone')), customAttributes },
  };
}

/** One run of the import job: the next chunk, in the scope's workspace transaction. */
export async function runImportChunk(
  data: ImportJobData,
  scope: AwilixContainer<RequestCradle>,
): Promise<void> {
  const { em, clock, jobs, events } = scope.cradle;
  const sql = sqlFor(em);
  const [row] = await sql(
    `select * from contact_import where workspace_id = ? and id = ? for update`,
    [data.workspaceId, data.importId],
  );
  if (!row || row.status === 'completed') return;
  const now = clock.now();
  const records = parseCsv(row.source as string);
  const importErrors: { line: number; message: string }[] =
    typeof row.errors === 'string' ? JSON.parse(row.errors) : row.errors;
  const [head, ...body] = records;
  const header = new Map(
    (head?.fields ?? []).map((name, index) => [name.trim().toLowerCase(), index]),
  );
  let done = row.done as number;
  let created = row.created as number;
  const total = body.length;
  if (!head || (!header.has('email') && !header.has('emails'))) {
    importErrors.push({ line: head?.line ?? 1, message: 'the header names no email column' });
    done = total;
  }
  const end = Math.min(total, done + IMPORT_CHUNK);
  for (; done < end; done++) {
    const record = body[done]!;
    const parsed = parseRow(header, record.fields);
    if (!parsed.ok) {
      if (importErrors.length < MAX_ERRORS) {
        importErrors.push({ line: record.line, message: parsed.message });
      }
      continue;
    }
    const id = await importContact(sql, data.workspaceId, parsed.input, now);
    if (id) {
      created++;
      events.record(em, 'contact.created', { contactId: id }, { workspaceId: data.workspaceId });
    }
  }
  const finished = done >= total;
  await sql(
    `update contact_import set status = ?, total = ?, done = ?, created = ?, errors = ?::jsonb,
            updated_at = ?, finished_at = ?, source = case when ? then '' else source end
      where workspace_id = ? and id = ?`,
    [
      finished ? 'completed' : 'running',
      total,
      done,
      created,
      JSON.stringify(importErrors),
      now,
      finished ? now : null,
      finished,
      data.workspaceId,
      data.importId,
    ],
  );
  if (!finished) await jobs.send(CONTACT_IMPORT_JOB, data, { em });
}
