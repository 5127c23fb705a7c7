/** What every admin route needs: the caller's workspace, SQL in its transaction, cursors. */
import type { Scope as KbScope } from '../ids.js';
import { NovumError, errors, type Actor } from '@novumdesk/core';
import type { CenterView } from '../centers.js';
import { sqlFor, type Sql } from '../db.js';

export type Scope = KbScope;

export interface Call {
  workspaceId: string;
  userId: string | null;
  sql: Sql;
  now: Date;
  unaccent: boolean;
}

/** The caller's workspace and a SQL runner in its transaction (the route's own). */
export function call(scope: Scope, actor: Actor | null): Call {
  const workspaceId = actor?.workspaceId;
  if (!workspaceId) {
    throw new NovumError('workspace_required', 'The caller belongs to no workspace', {
      status: 403,
    });
  }
  return {
    workspaceId,
    userId: actor.kind === 'user' ? actor.id : null,
    sql: sqlFor(scope.cradle.em),
    now: scope.cradle.clock.now(),
    unaccent: scope.cradle.knowledgeBase.unaccent,
  };
}

export function encodeCursor(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T>(
  cursor: string | undefined,
  check: (v: unknown) => v is T,
): T | undefined {
  if (!cursor) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (check(value)) return value;
  } catch {
    /* reported below */
  }
  throw errors.badRequest('cursor_invalid', 'The cursor is not valid', { cursor });
}

/** Where a center's public pages are: its first custom host, else `/help/<slug>` here. */
export function centerPublicUrl(center: CenterView, publicUrl: string | undefined): string {
  if (center.hosts[0]) return `https://${center.hosts[0]}/${center.defaultLocale}/`;
  return `${publicUrl?.replace(/\/+$/, '') ?? ''}/help/${center.slug}/${center.defaultLocale}/`;
}

export const notFound = { description: 'Not found in this workspace' };
export const TAGS = ['knowledge-base'];
