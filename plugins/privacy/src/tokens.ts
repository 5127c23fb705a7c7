/**
 * One-time links (a contact's confirmation, an export's download) carry only a random token.
 * `privacy_token` maps its keyed hash to the request and workspace, so the public routes that
 * take a link can find the workspace before entering it; the row goes when the link is used.
 */
import { inWorkspaceScope } from '@novumdesk/core';
import { sqlOf, type Scope } from './db.js';

export type TokenPurpose = 'verification' | 'download';

export async function saveToken(
  scope: Scope,
  hash: string,
  workspaceId: string,
  requestId: string,
  purpose: TokenPurpose,
): Promise<void> {
  await sqlOf(scope)(
    `insert into privacy_token (token_hash, workspace_id, request_id, purpose, created_at)
     values (?, ?, ?, ?, ?)`,
    [hash, workspaceId, requestId, purpose, scope.cradle.clock.now()],
  );
}

/** The request a token leads to, consuming nothing (the caller deletes it on use). */
export async function findByTokenHash(
  scope: Scope,
  purpose: TokenPurpose,
  hash: string,
): Promise<{ workspaceId: string; id: string } | null> {
  const [row] = await sqlOf(scope)(
    `select workspace_id, request_id from privacy_token where token_hash = ? and purpose = ?`,
    [hash, purpose],
  );
  return row ? { workspaceId: row.workspace_id as string, id: row.request_id as string } : null;
}

export async function deleteToken(scope: Scope, hash: string): Promise<void> {
  await sqlOf(scope)(`delete from privacy_token where token_hash = ?`, [hash]);
}

export const inWorkspace = <T>(scope: Scope, workspaceId: string, fn: () => Promise<T>) =>
  inWorkspaceScope(scope, workspaceId, fn);
