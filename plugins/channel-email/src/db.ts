/** Plain SQL in an EntityManager's transaction (knex `?` placeholders), as the core modules do. */
import type { RequestCradle } from '@novumdesk/core';

export type EntityManager = RequestCradle['em'];

export type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type Sql = (text: string, params?: readonly unknown[]) => Promise<Row[]>;

export function sqlOf(em: EntityManager): Sql {
  return (text, params = []) =>
    em.getConnection().execute<Row[]>(text, [...params], 'all', em.getTransactionContext());
}

/** A JS array as one PostgreSQL array literal, for a `?::text[]` parameter. */
export function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

export const asBuffer = (value: unknown): Buffer =>
  Buffer.isBuffer(value)
    ? value
    : value instanceof Uint8Array
      ? Buffer.from(value)
      : Buffer.from(String(value), 'binary');
