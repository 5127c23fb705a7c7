/** Categories of a center: nested, ordered; reordering in one call for drag and drop. */
import { defineRoute, type RouteDefinition } from '@novumdesk/core';
import { bumpCenterVersion, getCenter } from '../centers.js';
import {
  createCategory,
  deleteCategory,
  getCategory,
  listCategories,
  reorderCategories,
  updateCategory,
} from '../categories.js';
import {
  CategoryCreate,
  CategoryList,
  CategoryOut,
  CategoryPatch,
  CategoryReorder,
  IdParams,
} from './schemas.js';
import { call, notFound, TAGS } from './common.js';

export function categoryRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/centers/:id/categories',
      operationId: 'knowledgeBaseListCategories',
      summary: 'The category tree of a center (parents first, by position)',
      tags: TAGS,
      access: { permission: 'kb:read' },
      request: { params: IdParams },
      responses: { 200: { description: 'Categories', schema: CategoryList }, 404: notFound },
      async handler({ scope, actor, params }) {
        const c = call(scope, actor);
        await getCenter(c.sql, c.workspaceId, params.id);
        return { data: await listCategories(c.sql, c.workspaceId, params.id), nextCursor: null };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/centers/:id/categories/order',
      operationId: 'knowledgeBaseReorderCategories',
      summary: 'Move categories: new parents and positions (drag and drop)',
      tags: TAGS,
      access: { permission: 'kb:write' },
      request: { params: IdParams, body: CategoryReorder },
      responses: {
        200: { description: 'The tree afterwards', schema: CategoryList },
        400: { description: 'A cycle or a parent of another center' },
        404: notFound,
      },
      async handler({ scope, actor, params, body }) {
        const c = call(scope, actor);
        await getCenter(c.sql, c.workspaceId, params.id);
        const data = await reorderCategories(c.sql, c.workspaceId, params.id, body.items, c.now);
        await bumpCenterVersion(c.sql, c.workspaceId, params.id);
        scope.cradle.knowledgeBase.invalidate(params.id);
        return { data, nextCursor: null };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/categories',
      operationId: 'knowledgeBaseCreateCategory',
      summary: 'Create a category',
      tags: TAGS,
      access: { permission: 'kb:write' },
      request: { body: CategoryCreate },
      responses: {
        201: { description: 'Created', schema: CategoryOut },
        404: { description: 'No such center in this workspace' },
        409: { description: 'Slug taken in the center (`category_slug_taken`)' },
      },
      async handler({ scope, actor, body }) {
        const c = call(scope, actor);
        await getCenter(c.sql, c.workspaceId, body.centerId);
        const category = await createCategory(c.sql, c.workspaceId, body, c.now);
        await bumpCenterVersion(c.sql, c.workspaceId, body.centerId);
        scope.cradle.knowledgeBase.invalidate(body.centerId);
        return category;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/categories/:id',
      operationId: 'knowledgeBaseGetCategory',
      summary: 'Get a category',
      tags: TAGS,
      access: { permission: 'kb:read' },
      request: { params: IdParams },
      responses: { 200: { description: 'The category', schema: CategoryOut }, 404: notFound },
      async handler({ scope, actor, params }) {
        const c = call(scope, actor);
        return getCategory(c.sql, c.workspaceId, params.id);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/categories/:id',
      operationId: 'knowledgeBaseUpdateCategory',
      summary: 'Rename, move or re-slug a category',
      tags: TAGS,
      access: { permission: 'kb:write' },
      request: { params: IdParams, body: CategoryPatch },
      responses: { 200: { description: 'The category', schema: CategoryOut }, 404: notFound },
      async handler({ scope, actor, params, body }) {
        const c = call(scope, actor);
        const category = await updateCategory(c.sql, c.workspaceId, params.id, body, c.now);
        await bumpCenterVersion(c.sql, c.workspaceId, category.centerId);
        scope.cradle.knowledgeBase.invalidate(category.centerId);
        return category;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/categories/:id',
      operationId: 'knowledgeBaseDeleteCategory',
      summary: 'Delete a category and its sub-categories (their articles become uncategorized)',
      tags: TAGS,
      access: { permission: 'kb:write' },
      request: { params: IdParams },
      responses: { 204: { description: 'Deleted' }, 404: notFound },
      async handler({ scope, actor, params }) {
        const c = call(scope, actor);
        const category = await getCategory(c.sql, c.workspaceId, params.id);
        await deleteCategory(c.sql, c.workspaceId, params.id);
        await bumpCenterVersion(c.sql, c.workspaceId, category.centerId);
        scope.cradle.knowledgeBase.invalidate(category.centerId);
        return undefined;
      },
    }),
  ];
}
