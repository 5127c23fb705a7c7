/**
 * SQL helpers: the plugin reads and writes with plain SQL in the caller's transaction (the
 * request's or job's workspace transaction, so row-level security applies), and derives
 * pseudonymous references with a key made from the instance secret.
 */
import { createHmac } from 'node:crypto';
import type { AwilixContainer } from 'awilix';
import type { HookContext, RequestCradle } from '@novumdesk/core';

type EntityManager = HookContext['em'];

export type Scope = AwilixContainer<RequestCradle>;
export type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type Sql = (text: string, params?: readonly unknown[]) => Promise<Row[]>;

export function sqlFor(em: EntityManager): Sql {
  return (text, params = []) =>
    em.getConnection().execute<Row[]>(text, [...params], 'all', em.getTransactionContext());
}

export const sqlOf = (scope: Scope): Sql => sqlFor(scope.cradle.em);

/** A JS array as one PostgreSQL array literal, for a `?::text[]` / `?::uuid[]` parameter. */
export function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/** Keys derived from the instance secret, one per use, so one leaked key reveals nothing else. */
function derivedKey(secret: string, use: string): Buffer {
  return createHmac('sha256', secret).update(`novumdesk-privacy:${use}`).digest();
}

/** A stable pseudonymous reference for a subject: `psn_` + 22 base64url characters. */
export function subjectRef(secret: string, workspaceId: string, kind: string, id: string): string {
  const mac = createHmac('sha256', derivedKey(secret, 'subject'))
    .update(`${workspaceId}:${kind}:${id}`)
    .digest('base64url');
  return `psn_${mac.slice(0, 22)}`;
}

/** The keyed hash of an address in the suppression list (lower-cased, trimmed). */
export function addressHash(secret: string, workspaceId: string, email: string): string {
  return createHmac('sha256', derivedKey(secret, 'suppression'))
    .update(`${workspaceId}:${email.trim().toLowerCase()}`)
    .digest('hex');
}

/** SHA-256 (hex) of a one-time token, for storage. */
export function tokenHash(secret: string, token: string): string {
  return createHmac('sha256', derivedKey(secret, 'token')).update(token).digest('hex');
}

export const iso = (value: unknown): string | null =>
  value === null || value === undefined ? null : new Date(value as string).toISOString();
