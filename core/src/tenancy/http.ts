/**
 * Tenancy's part of the HTTP layer, plugged in through the router's generic `runHandler` hook:
 * every handler called for an actor with a workspace runs inside that workspace's transaction
 * (`inWorkspaceScope`), core modules' and plugins' routes alike. The response is written after
 * the wrapper returns, so the transaction has committed (or rolled back) by then.
 */
import type { RunHandler } from '../http/router.js';
import { inWorkspaceScope } from './with-workspace.js';

/**
 * Exempt, running as before (the scope's `em` is still filtered to the actor's workspace):
 * - routes without a workspace: anonymous callers, workspace-less actors (sign-up, login);
 * - `public` routes: they serve anonymous callers, so they cannot depend on a workspace, and
 *   some (readiness) use the kernel's own connection, which a workspace transaction would block
 *   in embedded mode;
 * - routes declaring `tenancy: 'none'` (operator routes that work across workspaces or call the
 *   job queue's connection).
 */
export const runInActorWorkspace: RunHandler = (call, next) => {
  if (call.route.access === 'public' || call.route.tenancy === 'none') return next();
  const workspaceId = call.scope.cradle.workspaceId;
  return workspaceId ? inWorkspaceScope(call.scope, workspaceId, next) : next();
};
