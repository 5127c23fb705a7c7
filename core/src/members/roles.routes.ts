/**
 * `GET/POST /roles`, `PATCH/DELETE /roles/:id` and `GET /permissions` (what a role may hold).
 * Reading needs `members:read` (whoever sees members sees what their roles mean); writing needs
 * `roles:manage`, the identity vocabulary's permission for it.
 */
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { sqlFor } from '../identity/db.js';
import { PERMISSIONS } from '../identity/permissions.js';
import { auditSource, inWorkspace } from './context.js';
import { assignablePermissions } from './grants.js';
import { createRole, deleteRole, listRoles, updateRole } from './roles.js';
import {
  IdParams,
  PermissionInfo,
  RoleCreateBody,
  RoleSchemaOut,
  RoleUpdateBody,
} from './schemas.js';

const TAGS = ['roles'];
const read = { permission: PERMISSIONS.membersRead };
const manage = { permission: PERMISSIONS.rolesManage };
const grantErrors = {
  403: { description: 'A permission you do not hold (`permission_not_grantable`)' },
  422: {
    description:
      'Unknown or reserved permission (`unknown_permission`, `permission_not_assignable`)',
  },
};

export function roleRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/permissions',
      operationId: 'listPermissions',
      summary: 'Every permission this instance knows (core and loaded plugins)',
      tags: TAGS,
      access: read,
      // The catalog is instance-wide and in memory: no workspace data is read.
      tenancy: 'none',
      responses: { 200: { description: 'Permissions', schema: z.array(PermissionInfo) } },
      handler({ scope }) {
        const catalog = scope.cradle.permissionCatalog;
        const assignable = new Set(assignablePermissions(catalog));
        return catalog.permissions.map((permission) => ({
          permission,
          declaredBy: catalog.ownerOf(permission) ?? 'core',
          assignable: assignable.has(permission),
        }));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/roles',
      operationId: 'listRoles',
      summary: 'Roles of the current workspace: built-in first, then custom ones',
      tags: TAGS,
      access: read,
      responses: { 200: { description: 'Roles', schema: z.array(RoleSchemaOut) } },
      handler: ({ scope, actor }) =>
        listRoles(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId),
    }),
    defineRoute({
      method: 'post',
      path: '/roles',
      operationId: 'createRole',
      summary: 'Create a custom role',
      tags: TAGS,
      access: manage,
      request: { body: RoleCreateBody },
      responses: {
        201: { description: 'Created', schema: RoleSchemaOut },
        ...grantErrors,
        409: { description: 'The name is taken (`role_name_taken`)' },
      },
      async handler({ body, scope, actor, koa }) {
        const { em, identity, permissionCatalog } = scope.cradle;
        const { workspaceId, actor: who } = inWorkspace(actor);
        const sql = sqlFor(em);
        const role = await createRole(
          sql,
          permissionCatalog,
          who,
          workspaceId,
          body,
          identity.clock.now(),
        );
        await identity.audit.record(
          {
            action: 'role_created',
            workspaceId,
            ...auditSource(actor, koa),
            target: { type: 'role', id: role.id },
            metadata: { permissions: role.permissions },
          },
          sql,
        );
        return role;
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/roles/:id',
      operationId: 'updateRole',
      summary:
        'Rename a custom role or change its permissions (members feel it on their next request)',
      tags: TAGS,
      access: manage,
      request: { params: IdParams, body: RoleUpdateBody },
      responses: {
        200: { description: 'The role', schema: RoleSchemaOut },
        ...grantErrors,
        404: { description: 'No such role in this workspace' },
        409: { description: 'A built-in role (`role_builtin`), or the name is taken' },
      },
      async handler({ params, body, scope, actor, koa }) {
        const { em, identity, permissionCatalog } = scope.cradle;
        const { workspaceId, actor: who } = inWorkspace(actor);
        const sql = sqlFor(em);
        const updated = await updateRole(sql, permissionCatalog, who, workspaceId, params.id, body);
        await identity.audit.record(
          {
            action: 'role_updated',
            workspaceId,
            ...auditSource(actor, koa),
            target: { type: 'role', id: params.id },
            metadata: { added: updated.added, removed: updated.removed, renamed: updated.renamed },
          },
          sql,
        );
        return updated.role;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/roles/:id',
      operationId: 'deleteRole',
      summary: 'Delete a custom role nobody holds',
      tags: TAGS,
      access: manage,
      request: { params: IdParams },
      responses: {
        204: { description: 'Deleted' },
        404: { description: 'No such role in this workspace' },
        409: { description: 'A built-in role (`role_builtin`) or one in use (`role_in_use`)' },
      },
      async handler({ params, scope, actor, koa }) {
        const { em, identity } = scope.cradle;
        const { workspaceId } = inWorkspace(actor);
        const sql = sqlFor(em);
        await deleteRole(sql, workspaceId, params.id, identity.clock.now());
        await identity.audit.record(
          {
            action: 'role_deleted',
            workspaceId,
            ...auditSource(actor, koa),
            target: { type: 'role', id: params.id },
          },
          sql,
        );
        return undefined;
      },
    }),
  ];
}
