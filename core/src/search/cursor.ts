/**
 * The PostgreSQL provider's cursor: where each kind's ranked list stopped, as `[rank, id]`, or
 * `false` once that kind is exhausted (type `all` pages tickets and contacts side by side).
 * Opaque to clients (base64url JSON); a malformed one is a 400 with the field's path.
 */
import { validationFailed } from '../http/problem.js';

export type Position = [number, string] | false;

export interface SearchCursor {
  t?: Position;
  c?: Position;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isPosition(value: unknown): value is Position {
  if (value === false) return true;
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === 'number' &&
    Number.isFinite(value[0]) &&
    typeof value[1] === 'string' &&
    UUID.test(value[1])
  );
}

export function encodeSearchCursor(cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

export function decodeSearchCursor(cursor: string | undefined): SearchCursor {
  if (!cursor) return {};
  const invalid = () =>
    validationFailed([{ path: 'query.cursor', message: 'not a cursor this search returned' }]);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid();
  const { t, c } = value as Record<string, unknown>;
  if ((t !== undefined && !isPosition(t)) || (c !== undefined && !isPosition(c))) throw invalid();
  return { ...(t !== undefined ? { t } : {}), ...(c !== undefined ? { c } : {}) };
}
