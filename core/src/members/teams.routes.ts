/**
 * `GET/POST /teams`, `PATCH/DELETE /teams/:id`, `PUT /teams/:id/members`. Reading needs
 * `members:read`; changing teams and their members needs `teams:manage` (identity vocabulary).
 */
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { sqlFor } from '../identity/db.js';
import { PERMISSIONS } from '../identity/permissions.js';
import { auditSource, inWorkspace } from './context.js';
import {
  IdParams,
  TeamCreateBody,
  TeamMembersBody,
  TeamSchemaOut,
  TeamUpdateBody,
} from './schemas.js';
import { createTeam, deleteTeam, listTeams, setTeamMembers, updateTeam } from './teams.js';

const TAGS = ['teams'];
const manage = { permission: PERMISSIONS.teamsManage };
const notFound = { description: 'No such team in this workspace' };
const nameTaken = { description: 'The name is taken (`team_name_taken`)' };

export function teamRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/teams',
      operationId: 'listTeams',
      summary: 'Teams of the current workspace, with their members',
      tags: TAGS,
      access: { permission: PERMISSIONS.membersRead },
      responses: { 200: { description: 'Teams by name', schema: z.array(TeamSchemaOut) } },
      handler: ({ scope, actor }) =>
        listTeams(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId),
    }),
    defineRoute({
      method: 'post',
      path: '/teams',
      operationId: 'createTeam',
      summary: 'Create a team',
      tags: TAGS,
      access: manage,
      request: { body: TeamCreateBody },
      responses: { 201: { description: 'Created', schema: TeamSchemaOut }, 409: nameTaken },
      async handler({ body, scope, actor, koa }) {
        const { em, identity } = scope.cradle;
        const { workspaceId } = inWorkspace(actor);
        const sql = sqlFor(em);
        const team = await createTeam(sql, workspaceId, body, identity.clock.now());
        await identity.audit.record(
          {
            action: 'team_created',
            workspaceId,
            ...auditSource(actor, koa),
            target: { type: 'team', id: team.id },
          },
          sql,
        );
        return team;
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/teams/:id',
      operationId: 'updateTeam',
      summary: 'Rename a team or change its description',
      tags: TAGS,
      access: manage,
      request: { params: IdParams, body: TeamUpdateBody },
      responses: {
        200: { description: 'The team', schema: TeamSchemaOut },
        404: notFound,
        409: nameTaken,
      },
      handler: ({ params, body, scope, actor }) =>
        updateTeam(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId, params.id, body),
    }),
    defineRoute({
      method: 'delete',
      path: '/teams/:id',
      operationId: 'deleteTeam',
      summary: 'Delete a team (its members stay members of the workspace)',
      tags: TAGS,
      access: manage,
      request: { params: IdParams },
      responses: { 204: { description: 'Deleted' }, 404: notFound },
      async handler({ params, scope, actor, koa }) {
        const { em, identity } = scope.cradle;
        const { workspaceId } = inWorkspace(actor);
        const sql = sqlFor(em);
        await deleteTeam(sql, workspaceId, params.id);
        await identity.audit.record(
          {
            action: 'team_deleted',
            workspaceId,
            ...auditSource(actor, koa),
            target: { type: 'team', id: params.id },
          },
          sql,
        );
        return undefined;
      },
    }),
    defineRoute({
      method: 'put',
      path: '/teams/:id/members',
      operationId: 'setTeamMembers',
      summary: "Replace a team's members",
      tags: TAGS,
      access: manage,
      request: { params: IdParams, body: TeamMembersBody },
      responses: {
        200: { description: 'The team', schema: TeamSchemaOut },
        404: notFound,
        422: { description: 'Someone who is not a member of this workspace (`not_a_member`)' },
      },
      async handler({ params, body, scope, actor, koa }) {
        const { em, identity } = scope.cradle;
        const { workspaceId } = inWorkspace(actor);
        const sql = sqlFor(em);
        const result = await setTeamMembers(
          sql,
          workspaceId,
          params.id,
          body.userIds,
          identity.clock.now(),
        );
        if (result.added > 0 || result.removed > 0) {
          await identity.audit.record(
            {
              action: 'team_members_changed',
              workspaceId,
              ...auditSource(actor, koa),
              target: { type: 'team', id: params.id },
              metadata: { added: result.added, removed: result.removed },
            },
            sql,
          );
        }
        return result.team;
      },
    }),
  ];
}
