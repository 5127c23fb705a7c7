/** Shared pieces of the plugin's routes: permissions, the caller's workspace, schemas. */
import { z } from 'zod';
import { NovumError, type RouteInput } from '@novumdesk/core';
import { sqlOf, type Scope } from '../db.js';

export const PRIVACY_PERMISSIONS = {
  read: 'privacy:read',
  manage: 'privacy:manage',
} as const;

type AnyInput = RouteInput<unknown, unknown, unknown>;

/** The caller's workspace; registers it for the scheduled sweep. */
export async function workspaceOf(scope: AnyInput['scope']): Promise<string> {
  const { workspaceId } = scope.cradle;
  if (!workspaceId) {
    throw new NovumError('workspace_required', 'The caller belongs to no workspace', {
      status: 403,
    });
  }
  await registerWorkspace(scope, workspaceId);
  return workspaceId;
}

export async function registerWorkspace(scope: Scope, workspaceId: string): Promise<void> {
  await sqlOf(scope)(
    `insert into privacy_workspace (workspace_id, registered_at) values (?, ?) on conflict do nothing`,
    [workspaceId, scope.cradle.clock.now()],
  );
}

export const SubjectRefSchema = z
  .object({ kind: z.enum(['contact', 'user']), id: z.uuid() })
  .meta({ id: 'PrivacySubjectRef' });

export const SubjectInputSchema = z
  .union([SubjectRefSchema, z.object({ email: z.email().max(254) })])
  .meta({ id: 'PrivacySubjectInput' });

export const SubjectParams = z.object({ kind: z.enum(['contact', 'user']), id: z.uuid() });
export const IdParams = z.object({ id: z.uuid() });

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

/** Keyset cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(value: unknown[]): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, length: number): unknown[] | null {
  if (!cursor) return null;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === length) return value;
  } catch {
    /* fall through */
  }
  throw new NovumError('invalid_cursor', 'The cursor is not valid', {
    status: 400,
    details: { fields: [{ path: 'query.cursor', message: 'invalid cursor' }] },
  });
}
