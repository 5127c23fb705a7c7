/** Tenant isolation: the ORM filter, RLS policies for migrations, per-transaction workspace. */
export { APP_ROLE, NO_WORKSPACE, WORKSPACE_SETTING, assertWorkspaceId } from './names.js';
export { WORKSPACE_POLICY, tenantTableDownSql, tenantTableSql } from './sql.js';
export {
  WORKSPACE_FILTER,
  setWorkspaceFilter,
  workspaceFilter,
  type WorkspaceFilterParams,
} from './filter.js';
export { inWorkspaceScope, jobWorkspaceId, withWorkspace } from './with-workspace.js';
export { runInActorWorkspace } from './http.js';
