/**
 * `GET /members`, `PATCH /members/:userId`, `DELETE /members/:userId`. They run in the caller's
 * workspace transaction: another workspace's member is a 404, like one that does not exist.
 */
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { sqlFor } from '../identity/db.js';
import { PERMISSIONS } from '../identity/permissions.js';
import { auditSource, inWorkspace } from './context.js';
import { changeRole, listMembers, removeMember } from './members.js';
import { MemberSchema, MemberUpdateBody, UserIdParams } from './schemas.js';
import { assertSeatsAfterRoleChange, seatsChanged } from '../billing/seats.js';

const TAGS = ['members'];

export function memberRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/members',
      operationId: 'listMembers',
      summary: 'Members of the current workspace, with their role and teams',
      tags: TAGS,
      access: { permission: PERMISSIONS.membersRead },
      responses: { 200: { description: 'Members, oldest first', schema: z.array(MemberSchema) } },
      handler: ({ scope, actor }) =>
        listMembers(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId),
    }),
    defineRoute({
      method: 'patch',
      path: '/members/:userId',
      operationId: 'updateMember',
      summary: "Change a member's role",
      description:
        'You can only assign a role whose permissions you hold yourself; only an owner can ' +
        'change an owner, and the last owner cannot be demoted (409 `last_owner`).',
      tags: TAGS,
      access: { permission: PERMISSIONS.membersManage },
      request: { params: UserIdParams, body: MemberUpdateBody },
      responses: {
        200: { description: 'The member', schema: MemberSchema },
        403: { description: '`owner_protected` or `permission_not_grantable`' },
        404: { description: 'No such member in this workspace' },
        402: { description: 'No seat left for an agent role (`PLAN_LIMIT_REACHED`)' },
        409: { description: 'The last owner (`last_owner`)' },
        422: { description: 'No such role in this workspace (`unknown_role`)' },
      },
      async handler({ params, body, scope, actor, koa }) {
        const { em, identity } = scope.cradle;
        const { workspaceId, actor: who } = inWorkspace(actor);
        const sql = sqlFor(em);
        const { member, change } = await changeRole(
          sql,
          who,
          workspaceId,
          params.userId,
          body.roleId,
        );
        // Read-only to agent takes a seat (billing module): 402 PLAN_LIMIT_REACHED past the plan's.
        if (change) await assertSeatsAfterRoleChange(scope, workspaceId, change);
        if (change) {
          await identity.audit.record(
            {
              action: 'role_changed',
              workspaceId,
              ...auditSource(actor, koa),
              target: { type: 'user', id: params.userId },
              metadata: { fromRoleId: change.from, toRoleId: change.to },
            },
            sql,
          );
        }
        return member;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/members/:userId',
      operationId: 'removeMember',
      summary: 'Remove a member from the workspace; their sessions here end at once',
      tags: TAGS,
      access: { permission: PERMISSIONS.membersManage },
      request: { params: UserIdParams },
      responses: {
        204: { description: 'Removed' },
        403: { description: 'Only an owner can remove an owner (`owner_protected`)' },
        404: { description: 'No such member in this workspace' },
        409: { description: 'The last owner (`last_owner`)' },
      },
      async handler({ params, scope, actor, koa }) {
        const { em, identity } = scope.cradle;
        const { workspaceId, actor: who } = inWorkspace(actor);
        const sql = sqlFor(em);
        const removed = await removeMember(
          sql,
          who,
          workspaceId,
          params.userId,
          identity.clock.now(),
        );
        await identity.audit.record(
          {
            action: 'member_removed',
            workspaceId,
            ...auditSource(actor, koa),
            target: { type: 'user', id: params.userId },
            metadata: { roleId: removed.roleId, revokedSessions: removed.revokedSessions },
          },
          sql,
        );
        await seatsChanged(scope, workspaceId);
        return undefined;
      },
    }),
  ];
}
