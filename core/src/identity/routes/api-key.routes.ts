/**
 * API key management (permission `settings:manage`). These run inside the caller's workspace
 * transaction, so the request's `em` is both filtered and bound by row-level security to it:
 * another workspace's key is a 404, exactly like a key that does not exist.
 */
import { defineRoute, type RouteDefinition } from '../../http/route.js';
import { errors } from '../../kernel/errors.js';
import { apiKeyView } from '../api-keys.js';
import { sqlFor } from '../db.js';
import { PERMISSIONS } from '../permissions.js';
import { ApiKeyCreateBody, ApiKeyCreated, ApiKeySchemaOut, IdParams } from './schemas.js';
import { z } from 'zod';

const access = { permission: PERMISSIONS.settingsManage };
const TAGS = ['api-keys'];

export function apiKeyRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api-keys',
      operationId: 'createApiKey',
      summary: 'Create an API key; the key is in this response only',
      tags: TAGS,
      access,
      request: { body: ApiKeyCreateBody },
      responses: {
        201: { description: 'Created', schema: ApiKeyCreated },
        403: { description: 'A permission the caller lacks (`permission_not_grantable`)' },
      },
      async handler({ body, scope, actor, koa }) {
        const { identity, em } = scope.cradle;
        if (!actor?.workspaceId) throw errors.forbidden();
        const { key, apiKey } = await identity.apiKeys.create(em, actor, {
          name: body.name,
          permissions: body.permissions,
          expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined,
        });
        await identity.audit.record(
          {
            action: 'apikey_created',
            workspaceId: actor.workspaceId,
            actor: { kind: actor.kind, id: actor.id },
            target: { type: 'api_key', id: apiKey.id },
            ...identity.clientInfo(koa),
            metadata: { permissions: apiKey.permissions },
          },
          sqlFor(em),
        );
        return { ...apiKeyView(apiKey), key };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api-keys',
      operationId: 'listApiKeys',
      summary: "The workspace's API keys (never the keys themselves)",
      tags: TAGS,
      access,
      responses: { 200: { description: 'Keys, newest first', schema: z.array(ApiKeySchemaOut) } },
      async handler({ scope, actor }) {
        if (!actor?.workspaceId) throw errors.forbidden();
        const keys = await scope.cradle.identity.apiKeys.list(scope.cradle.em, actor.workspaceId);
        return keys.map(apiKeyView);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api-keys/:id',
      operationId: 'revokeApiKey',
      summary: 'Revoke an API key (it stops working at once)',
      tags: TAGS,
      access,
      request: { params: IdParams },
      responses: { 204: { description: 'Revoked' }, 404: { description: 'No such key here' } },
      async handler({ params, scope, actor, koa }) {
        const { identity, em } = scope.cradle;
        if (!actor?.workspaceId) throw errors.forbidden();
        const apiKey = await identity.apiKeys.revoke(em, actor.workspaceId, params.id);
        await identity.audit.record(
          {
            action: 'apikey_revoked',
            workspaceId: actor.workspaceId,
            actor: { kind: actor.kind, id: actor.id },
            target: { type: 'api_key', id: apiKey.id },
            ...identity.clientInfo(koa),
          },
          sqlFor(em),
        );
        return undefined;
      },
    }),
  ];
}
