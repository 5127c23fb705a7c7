/**
 * Plain SQL in the caller's transaction, the way the core's modules write their queries: the
 * scope's `em` (inside a workspace transaction: the application role, RLS applies) runs the text
 * with `?` bindings.
 */
import type { EntityManager } from '@mikro-orm/postgresql';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Row = Record<string, any>;
export type Sql = (text: string, params?: readonly unknown[]) => Promise<Row[]>;

/**
 * Arrays are sent as one PostgreSQL array literal (`{"a","b"}`), for `?::text[]` / `?::uuid[]`
 * parameters: knex would otherwise expand an array into a list of parameters.
 */
export function arrayLiteral(values: readonly unknown[]): string {
  return `{${values.map((v) => `"${String(v).replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

export function sqlFor(em: EntityManager): Sql {
  return (text, params = []) =>
    em.getConnection().execute<Row[]>(
      text,
      params.map((p) => (Array.isArray(p) ? arrayLiteral(p) : p)),
      'all',
      em.getTransactionContext(),
    );
}

/** A timestamp column as ISO text (PGlite and pg return Date; raw JSON paths return strings). */
export function iso(value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

export function isoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : iso(value);
}

/** `text[]` comes back as an array from pg, and sometimes as `{a,b}` text. */
export function textArray(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string' || value === '{}' || value === '') return [];
  return value
    .replace(/^\{|\}$/g, '')
    .split(',')
    .map((item) => item.replace(/^"|"$/g, ''));
}

/** jsonb may arrive parsed or as text depending on the driver path. */
export function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
