/**
 * `/ticket-statuses` and `/ticket-fields`: a workspace's custom statuses and custom-field
 * definitions. Agents read them (`tickets:read`, to render forms); changing them is workspace
 * configuration (`settings:manage`). Both lists are small and answered whole, ordered by
 * `position`.
 */
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { sqlFor } from '../identity/db.js';
import { PERMISSIONS } from '../identity/permissions.js';
import { inWorkspace } from '../members/context.js';
import {
  createField,
  createStatus,
  deleteField,
  deleteStatus,
  getField,
  listFields,
  listStatuses,
  updateField,
  updateStatus,
} from './definitions.js';
import {
  FieldCreateBody,
  FieldOut,
  FieldUpdateBody,
  IdParams,
  StatusCreateBody,
  StatusOut,
  StatusUpdateBody,
} from './schemas.js';

const read = { permission: PERMISSIONS.ticketsRead };
const manage = { permission: PERMISSIONS.settingsManage };
const STATUS_TAGS = ['ticket-statuses'];
const FIELD_TAGS = ['ticket-fields'];
const noStatus = { description: 'No such status in this workspace' };
const noField = { description: 'No such field in this workspace' };

export function ticketFieldRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/ticket-statuses',
      operationId: 'listTicketStatuses',
      summary: "The workspace's custom statuses, each mapped to a fixed category",
      tags: STATUS_TAGS,
      access: read,
      responses: { 200: { description: 'All of them', schema: z.array(StatusOut) } },
      handler: ({ scope, actor }) =>
        listStatuses(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId),
    }),
    defineRoute({
      method: 'post',
      path: '/ticket-statuses',
      operationId: 'createTicketStatus',
      summary: 'Add a custom status (names are unique per workspace, case-insensitively)',
      tags: STATUS_TAGS,
      access: manage,
      request: { body: StatusCreateBody },
      responses: {
        201: { description: 'Created', schema: StatusOut },
        409: { description: 'The name is taken (`status_name_taken`) or the cap reached' },
      },
      handler: ({ body, scope, actor }) =>
        createStatus(
          sqlFor(scope.cradle.em),
          inWorkspace(actor).workspaceId,
          body,
          scope.cradle.clock.now(),
        ),
    }),
    defineRoute({
      method: 'patch',
      path: '/ticket-statuses/:id',
      operationId: 'updateTicketStatus',
      summary: 'Rename, reorder or re-categorize a status (its tickets follow the category)',
      tags: STATUS_TAGS,
      access: manage,
      request: { params: IdParams, body: StatusUpdateBody },
      responses: {
        200: { description: 'The status', schema: StatusOut },
        404: noStatus,
        409: { description: 'The name is taken' },
      },
      handler: ({ params, body, scope, actor }) =>
        updateStatus(
          sqlFor(scope.cradle.em),
          inWorkspace(actor).workspaceId,
          params.id,
          body,
          scope.cradle.clock.now(),
        ),
    }),
    defineRoute({
      method: 'delete',
      path: '/ticket-statuses/:id',
      operationId: 'deleteTicketStatus',
      summary: 'Delete a custom status (its tickets keep the category)',
      tags: STATUS_TAGS,
      access: manage,
      request: { params: IdParams },
      responses: { 204: { description: 'Deleted' }, 404: noStatus },
      async handler({ params, scope, actor }) {
        await deleteStatus(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId, params.id);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/ticket-fields',
      operationId: 'listTicketFields',
      summary: "The workspace's custom-field definitions",
      tags: FIELD_TAGS,
      access: read,
      responses: { 200: { description: 'All of them', schema: z.array(FieldOut) } },
      handler: ({ scope, actor }) =>
        listFields(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId),
    }),
    defineRoute({
      method: 'post',
      path: '/ticket-fields',
      operationId: 'createTicketField',
      summary: 'Define a custom field (text, number, checkbox, date or dropdown)',
      description:
        'Ticket create and update validate `customFields` against the definitions: unknown keys, ' +
        'wrong types, unknown dropdown values and missing required fields are 400 with the path ' +
        '`body.customFields.<key>`.',
      tags: FIELD_TAGS,
      access: manage,
      request: { body: FieldCreateBody },
      responses: {
        201: { description: 'Created', schema: FieldOut },
        409: { description: 'The key is taken (`field_key_taken`) or the cap reached' },
      },
      handler: ({ body, scope, actor }) =>
        createField(
          sqlFor(scope.cradle.em),
          inWorkspace(actor).workspaceId,
          body,
          scope.cradle.clock.now(),
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/ticket-fields/:id',
      operationId: 'getTicketField',
      summary: 'One custom-field definition',
      tags: FIELD_TAGS,
      access: read,
      request: { params: IdParams },
      responses: { 200: { description: 'The field', schema: FieldOut }, 404: noField },
      handler: ({ params, scope, actor }) =>
        getField(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId, params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/ticket-fields/:id',
      operationId: 'updateTicketField',
      summary: 'Change a field’s label, required flag, options or position (not key or type)',
      tags: FIELD_TAGS,
      access: manage,
      request: { params: IdParams, body: FieldUpdateBody },
      responses: { 200: { description: 'The field', schema: FieldOut }, 404: noField },
      handler: ({ params, body, scope, actor }) =>
        updateField(
          sqlFor(scope.cradle.em),
          inWorkspace(actor).workspaceId,
          params.id,
          body,
          scope.cradle.clock.now(),
        ),
    }),
    defineRoute({
      method: 'delete',
      path: '/ticket-fields/:id',
      operationId: 'deleteTicketField',
      summary: 'Delete a field definition and its values on every ticket',
      tags: FIELD_TAGS,
      access: manage,
      request: { params: IdParams },
      responses: { 204: { description: 'Deleted' }, 404: noField },
      async handler({ params, scope, actor }) {
        await deleteField(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId, params.id);
        return undefined;
      },
    }),
  ];
}
