/**
 * The ORM half of tenant isolation: a MikroORM filter every tenant entity includes, and the
 * parameter each request or job scope gives it. Filters apply to find*, count, nativeUpdate and
 * nativeDelete; QueryBuilder and raw SQL bypass them, which is why RLS (`sql.ts`) exists too.
 */
import type { EntityMetadata } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { NO_WORKSPACE } from './names.js';

/** MikroORM's filter definition type, which its package index does not export by name. */
type FilterDef = EntityMetadata['filters'][string];

export const WORKSPACE_FILTER = 'workspace';

export interface WorkspaceFilterParams {
  workspaceId: string | null;
}

/**
 * Include it in every tenant EntitySchema (the entity needs a `workspaceId` property):
 *
 *   new EntitySchema<Ticket>({ name: 'Ticket', filters: { workspace: workspaceFilter }, … })
 *
 * On by default. An EntityManager without the parameter (the root `orm.em` and its forks outside
 * a scope) fails with "No arguments provided for filter 'workspace'" rather than returning every
 * workspace's rows; cross-workspace kernel code must say so with `filters: { workspace: false }`.
 */
export const workspaceFilter: FilterDef = {
  name: WORKSPACE_FILTER,
  // A missing or empty id (`setFilterParams('workspace', {})`) must still match nothing, not
  // depend on how the ORM renders `{ workspaceId: undefined }`.
  cond: ({ workspaceId }: Partial<WorkspaceFilterParams>) => ({
    workspaceId: workspaceId || NO_WORKSPACE,
  }),
  default: true,
};

/** Gives `em` the scope's workspace; without one, tenant queries through it match nothing. */
export function setWorkspaceFilter<E extends EntityManager>(em: E, workspaceId: string | null): E {
  const params: WorkspaceFilterParams = { workspaceId: workspaceId || NO_WORKSPACE };
  em.setFilterParams(WORKSPACE_FILTER, params);
  return em;
}
