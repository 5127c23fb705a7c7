/**
 * `/views`: saved ticket views. Everyone with `tickets:read` lists the shared views and their
 * own, creates personal ones and pages through a view's tickets; shared views are changed with
 * `settings:manage`. `GET /views/counts` answers a capped count per view (cheap: each count
 * stops at `COUNT_CAP` rows, on the view's index).
 */
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { sqlFor } from '../identity/db.js';
import { PERMISSIONS } from '../identity/permissions.js';
import { inWorkspace } from '../members/context.js';
import { TicketPage } from '../tickets/schemas.js';
import { viewCount, viewTickets } from './query.js';
import {
  IdParams,
  ViewCountsOut,
  ViewCreateBody,
  ViewOut,
  ViewTicketsQuery,
  ViewUpdateBody,
} from './schemas.js';
import { createView, deleteView, getView, listViews, updateView } from './views.js';

const TAGS = ['views'];
const read = { permission: PERMISSIONS.ticketsRead };
const notFound = { description: 'No such view (or a personal view of someone else)' };
const forbidden = { description: 'Changing a shared view needs `settings:manage`' };

export function viewRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/views',
      operationId: 'listViews',
      summary: 'The shared views and your personal ones (defaults are created on first use)',
      tags: TAGS,
      access: read,
      responses: { 200: { description: 'All of them', schema: z.array(ViewOut) } },
      handler: ({ scope, actor }) =>
        listViews(
          sqlFor(scope.cradle.em),
          inWorkspace(actor).workspaceId,
          actor,
          scope.cradle.clock.now(),
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/views/counts',
      operationId: 'countViews',
      summary: 'How many tickets each of your views holds (counted up to 1000)',
      tags: TAGS,
      access: read,
      responses: { 200: { description: 'A count per view', schema: ViewCountsOut } },
      async handler({ scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const sql = sqlFor(scope.cradle.em);
        const views = await listViews(sql, workspaceId, actor, scope.cradle.clock.now());
        const counts = [];
        for (const view of views) {
          counts.push({
            viewId: view.id,
            ...(await viewCount(sql, workspaceId, view.filters, actor)),
          });
        }
        return counts;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/views',
      operationId: 'createView',
      summary: 'Save a view: personal, or shared with the workspace (`settings:manage`)',
      tags: TAGS,
      access: read,
      request: { body: ViewCreateBody },
      responses: {
        201: { description: 'Created', schema: ViewOut },
        403: forbidden,
        409: { description: 'Too many views' },
      },
      handler: ({ body, scope, actor }) =>
        createView(
          sqlFor(scope.cradle.em),
          inWorkspace(actor).workspaceId,
          actor,
          body,
          scope.cradle.clock.now(),
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/views/:id',
      operationId: 'getView',
      summary: 'One view',
      tags: TAGS,
      access: read,
      request: { params: IdParams },
      responses: { 200: { description: 'The view', schema: ViewOut }, 404: notFound },
      handler: ({ params, scope, actor }) =>
        getView(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId, params.id, actor),
    }),
    defineRoute({
      method: 'patch',
      path: '/views/:id',
      operationId: 'updateView',
      summary: 'Change a view (only the fields sent)',
      tags: TAGS,
      access: read,
      request: { params: IdParams, body: ViewUpdateBody },
      responses: {
        200: { description: 'The view', schema: ViewOut },
        403: forbidden,
        404: notFound,
      },
      handler: ({ params, body, scope, actor }) =>
        updateView(
          sqlFor(scope.cradle.em),
          inWorkspace(actor).workspaceId,
          params.id,
          actor,
          body,
          scope.cradle.clock.now(),
        ),
    }),
    defineRoute({
      method: 'delete',
      path: '/views/:id',
      operationId: 'deleteView',
      summary: 'Delete a view',
      tags: TAGS,
      access: read,
      request: { params: IdParams },
      responses: { 204: { description: 'Deleted' }, 403: forbidden, 404: notFound },
      async handler({ params, scope, actor }) {
        await deleteView(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId, params.id, actor);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/views/:id/tickets',
      operationId: 'listViewTickets',
      summary: "A view's tickets in its sort order (keyset pagination)",
      tags: TAGS,
      access: read,
      request: { params: IdParams, query: ViewTicketsQuery },
      responses: { 200: { description: 'One page', schema: TicketPage }, 404: notFound },
      async handler({ params, query, scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const sql = sqlFor(scope.cradle.em);
        const view = await getView(sql, workspaceId, params.id, actor);
        return viewTickets(sql, workspaceId, {
          filters: view.filters,
          sort: view.sort,
          actor,
          limit: query.limit,
          cursor: query.cursor,
        });
      },
    }),
  ];
}
