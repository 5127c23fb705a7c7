/** Plain SQL in the caller's transaction, like the core's modules (knex `?` placeholders). */
import type { EntityManager } from '@mikro-orm/core';

export type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type Sql = (text: string, params?: readonly unknown[]) => Promise<Row[]>;

export function sqlFor(em: EntityManager): Sql {
  return (text, params = []) =>
    em.getConnection().execute<Row[]>(text, [...params], 'all', em.getTransactionContext());
}

/**
 * A JS array as one PostgreSQL array literal (`{"a","b"}`) for a `?::text[]` / `?::uuid[]`
 * parameter: knex would otherwise expand an array parameter into a list of parameters.
 */
export function pgArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

export const iso = (value: unknown): string | null =>
  value == null ? null : new Date(value as string | Date).toISOString();

/** A `text[]` column as returned by the driver (an array, or the literal on some paths). */
export function textList(value: unknown): string[] {
  if (Array.isArray(value)) return value as string[];
  if (typeof value === 'string' && value.startsWith('{')) {
    const inner = value.slice(1, -1);
    if (inner === '') return [];
    return inner.split(',').map((s) => s.replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1'));
  }
  return [];
}
