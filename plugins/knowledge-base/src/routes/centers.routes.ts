/** Help centers: `/api/p/knowledge-base/centers`. Settings changes need `kb:publish`. */
import { defineRoute, type RouteDefinition } from '@novumdesk/core';
import {
  createCenter,
  deleteCenter,
  getCenter,
  listCenters,
  updateCenter,
  type CenterView,
} from '../centers.js';
import { CenterCreate, CenterList, CenterOut, CenterPatch, IdParams } from './schemas.js';
import { call, centerPublicUrl, notFound, TAGS, type Scope } from './common.js';

export function centerRoutes(): RouteDefinition[] {
  const out = (scope: Scope, center: CenterView) => ({
    ...center,
    publicUrl: centerPublicUrl(center, scope.cradle.config.publicUrl),
  });
  return [
    defineRoute({
      method: 'get',
      path: '/centers',
      operationId: 'knowledgeBaseListCenters',
      summary: 'List the help centers of the workspace',
      tags: TAGS,
      access: { permission: 'kb:read' },
      responses: { 200: { description: 'Help centers, oldest first', schema: CenterList } },
      async handler({ scope, actor }) {
        const c = call(scope, actor);
        const centers = await listCenters(c.sql, c.workspaceId);
        return { data: centers.map((center) => out(scope, center)), nextCursor: null };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/centers',
      operationId: 'knowledgeBaseCreateCenter',
      summary: 'Create a help center',
      description:
        'The slug is the public URL segment (`/help/<slug>/`), unique across the instance; host names map custom domains to it.',
      tags: TAGS,
      access: { permission: 'kb:publish' },
      request: { body: CenterCreate },
      responses: {
        201: { description: 'Created', schema: CenterOut },
        409: { description: 'Slug or host name taken (`center_slug_taken`, `center_host_taken`)' },
      },
      async handler({ scope, actor, body }) {
        const c = call(scope, actor);
        const center = await createCenter(c.sql, c.workspaceId, body, c.now);
        scope.cradle.knowledgeBase.invalidate(center.id);
        return out(scope, center);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/centers/:id',
      operationId: 'knowledgeBaseGetCenter',
      summary: 'Get a help center',
      tags: TAGS,
      access: { permission: 'kb:read' },
      request: { params: IdParams },
      responses: { 200: { description: 'The center', schema: CenterOut }, 404: notFound },
      async handler({ scope, actor, params }) {
        const c = call(scope, actor);
        return out(scope, await getCenter(c.sql, c.workspaceId, params.id));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/centers/:id',
      operationId: 'knowledgeBaseUpdateCenter',
      summary: 'Change a help center’s settings (purges its cached pages)',
      tags: TAGS,
      access: { permission: 'kb:publish' },
      request: { params: IdParams, body: CenterPatch },
      responses: {
        200: { description: 'The center', schema: CenterOut },
        404: notFound,
        409: { description: 'Slug or host name taken' },
      },
      async handler({ scope, actor, params, body }) {
        const c = call(scope, actor);
        const center = await updateCenter(c.sql, c.workspaceId, params.id, body, c.now);
        scope.cradle.knowledgeBase.invalidate(center.id);
        return out(scope, center);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/centers/:id',
      operationId: 'knowledgeBaseDeleteCenter',
      summary: 'Delete a help center with its categories and articles',
      tags: TAGS,
      access: { permission: 'kb:publish' },
      request: { params: IdParams },
      responses: { 204: { description: 'Deleted' }, 404: notFound },
      async handler({ scope, actor, params }) {
        const c = call(scope, actor);
        await deleteCenter(c.sql, c.workspaceId, params.id);
        scope.cradle.knowledgeBase.invalidate(params.id);
        return undefined;
      },
    }),
  ];
}
