/** `GET/POST /organizations`, `GET/PATCH/DELETE /organizations/:id` (contacts permissions). */
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { sqlFor } from '../identity/db.js';
import { PERMISSIONS } from '../identity/permissions.js';
import { inWorkspace } from '../members/context.js';
import {
  createOrganization,
  deleteOrganization,
  getOrganization,
  listOrganizations,
  updateOrganization,
} from './organizations.js';
import {
  IdParams,
  ListQuery,
  OrganizationCreateBody,
  OrganizationPage,
  OrganizationSchemaOut,
  OrganizationUpdateBody,
} from './schemas.js';

const TAGS = ['contacts'];
const read = { permission: PERMISSIONS.contactsRead };
const write = { permission: PERMISSIONS.contactsWrite };
const notFound = { description: 'No such organization in this workspace' };
const nameTaken = { description: 'The name is taken (`organization_name_taken`)' };

export function organizationRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/organizations',
      operationId: 'listOrganizations',
      summary: 'Organizations, newest first (keyset pagination)',
      tags: TAGS,
      access: read,
      request: { query: ListQuery.omit({ q: true }) },
      responses: { 200: { description: 'One page', schema: OrganizationPage } },
      handler: ({ query, scope, actor }) =>
        listOrganizations(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId, query),
    }),
    defineRoute({
      method: 'post',
      path: '/organizations',
      operationId: 'createOrganization',
      summary: 'Create an organization',
      tags: TAGS,
      access: write,
      request: { body: OrganizationCreateBody },
      responses: { 201: { description: 'Created', schema: OrganizationSchemaOut }, 409: nameTaken },
      handler: ({ body, scope, actor }) =>
        createOrganization(
          sqlFor(scope.cradle.em),
          inWorkspace(actor).workspaceId,
          body,
          scope.cradle.clock.now(),
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/organizations/:id',
      operationId: 'getOrganization',
      summary: 'An organization',
      tags: TAGS,
      access: read,
      request: { params: IdParams },
      responses: {
        200: { description: 'The organization', schema: OrganizationSchemaOut },
        404: notFound,
      },
      handler: ({ params, scope, actor }) =>
        getOrganization(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId, params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/organizations/:id',
      operationId: 'updateOrganization',
      summary: 'Rename an organization or change its domains',
      tags: TAGS,
      access: write,
      request: { params: IdParams, body: OrganizationUpdateBody },
      responses: {
        200: { description: 'The organization', schema: OrganizationSchemaOut },
        404: notFound,
        409: nameTaken,
      },
      handler: ({ params, body, scope, actor }) =>
        updateOrganization(
          sqlFor(scope.cradle.em),
          inWorkspace(actor).workspaceId,
          params.id,
          body,
        ),
    }),
    defineRoute({
      method: 'delete',
      path: '/organizations/:id',
      operationId: 'deleteOrganization',
      summary: 'Delete an organization (its contacts stay, without one)',
      tags: TAGS,
      access: write,
      request: { params: IdParams },
      responses: { 204: { description: 'Deleted' }, 404: notFound },
      async handler({ params, scope, actor }) {
        await deleteOrganization(
          sqlFor(scope.cradle.em),
          inWorkspace(actor).workspaceId,
          params.id,
        );
        return undefined;
      },
    }),
  ];
}
