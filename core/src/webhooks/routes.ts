/**
 * `/webhooks` (subscriptions, their delivery log, replay) and `/changes` (the change feed).
 * Both need `settings:manage` (admins and owners): subscriptions exfiltrate every event of the
 * workspace, and the feed exposes every event payload, so neither belongs to agents.
 */
import { z } from 'zod';
import { errors } from '../kernel/errors.js';
import { defineRoute, reply, type RouteDefinition } from '../http/route.js';
import { sqlFor } from '../identity/db.js';
import { PERMISSIONS } from '../identity/permissions.js';
import { inWorkspace } from '../members/context.js';
import { listChanges } from './changes.js';
import { DELIVER_JOB, type DeliverJobData } from './deliver.js';
import type { WebhooksOptions } from './options.js';
import {
  ChangePage,
  ChangesQuery,
  DeliveryParams,
  IdParams,
  PageQuery,
  WebhookCreateBody,
  WebhookCreatedOut,
  WebhookDeliveryPage,
  WebhookDeliverySchemaOut,
  WebhookSchemaOut,
  WebhookUpdateBody,
} from './schemas.js';
import { generateSecret } from './signing.js';
import {
  deleteSubscription,
  getDelivery,
  getSubscription,
  insertAttempt,
  insertSubscription,
  listDeliveries,
  listSubscriptions,
  nextAttempt,
  updateSubscription,
} from './store.js';
import { checkTargetUrl } from './targets.js';

const TAGS = ['webhooks'];
const access = { permission: PERMISSIONS.settingsManage };
const notFound = { description: 'No such webhook (or delivery) in this workspace' };
const badUrl = {
  description:
    'Invalid body (`validation_failed`) or URL (`webhook_url_invalid`, `webhook_url_not_allowed`)',
};

export function webhookRoutes(options: WebhooksOptions): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/webhooks',
      operationId: 'listWebhooks',
      summary: 'Webhook subscriptions of the workspace (secrets are never shown)',
      tags: TAGS,
      access,
      responses: { 200: { description: 'Oldest first', schema: z.array(WebhookSchemaOut) } },
      handler: ({ scope, actor }) =>
        listSubscriptions(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId),
    }),
    defineRoute({
      method: 'post',
      path: '/webhooks',
      operationId: 'createWebhook',
      summary: 'Subscribe an endpoint to events; the answer holds the signing secret, once',
      tags: TAGS,
      access,
      request: { body: WebhookCreateBody },
      responses: { 201: { description: 'Created', schema: WebhookCreatedOut }, 400: badUrl },
      async handler({ body, scope, actor }) {
        const { em, clock } = scope.cradle;
        checkTargetUrl(body.url, options.allowPrivateTargets);
        const secret = generateSecret();
        const created = await insertSubscription(
          sqlFor(em),
          inWorkspace(actor).workspaceId,
          {
            url: body.url,
            description: body.description ?? null,
            eventTypes: [...new Set(body.eventTypes)],
            enabled: body.enabled ?? true,
            secret,
          },
          clock.now(),
        );
        return { ...created, secret };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/webhooks/:id',
      operationId: 'getWebhook',
      summary: 'One webhook subscription',
      tags: TAGS,
      access,
      request: { params: IdParams },
      responses: { 200: { description: 'The webhook', schema: WebhookSchemaOut }, 404: notFound },
      handler: ({ params, scope, actor }) =>
        getSubscription(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId, params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/webhooks/:id',
      operationId: 'updateWebhook',
      summary: 'Change the URL, description, event filter or enabled state',
      tags: TAGS,
      access,
      request: { params: IdParams, body: WebhookUpdateBody },
      responses: {
        200: { description: 'The webhook', schema: WebhookSchemaOut },
        400: badUrl,
        404: notFound,
      },
      handler({ params, body, scope, actor }) {
        if (body.url !== undefined) checkTargetUrl(body.url, options.allowPrivateTargets);
        return updateSubscription(
          sqlFor(scope.cradle.em),
          inWorkspace(actor).workspaceId,
          params.id,
          {
            ...body,
            ...(body.eventTypes ? { eventTypes: [...new Set(body.eventTypes)] } : {}),
          },
        );
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/webhooks/:id',
      operationId: 'deleteWebhook',
      summary: 'Delete a subscription and its delivery log',
      tags: TAGS,
      access,
      request: { params: IdParams },
      responses: { 204: { description: 'Deleted' }, 404: notFound },
      async handler({ params, scope, actor }) {
        await deleteSubscription(
          sqlFor(scope.cradle.em),
          inWorkspace(actor).workspaceId,
          params.id,
        );
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/webhooks/:id/deliveries',
      operationId: 'listWebhookDeliveries',
      summary: 'The delivery log of a subscription (one row per attempt), newest first',
      description: 'Keyset-paginated: pass `nextCursor` back as `cursor`; null on the last page.',
      tags: TAGS,
      access,
      request: { params: IdParams, query: PageQuery },
      responses: {
        200: { description: 'A page of attempts', schema: WebhookDeliveryPage },
        400: { description: 'A malformed cursor (`invalid_cursor`)' },
        404: notFound,
      },
      handler: ({ params, query, scope, actor }) =>
        listDeliveries(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId, params.id, query),
    }),
    defineRoute({
      method: 'post',
      path: '/webhooks/:id/deliveries/:deliveryId/replay',
      operationId: 'replayWebhookDelivery',
      summary: "Send a delivery's event again (a new attempt with the same webhook-id)",
      tags: TAGS,
      access,
      request: { params: DeliveryParams },
      responses: {
        202: { description: 'The new attempt, queued', schema: WebhookDeliverySchemaOut },
        404: notFound,
        409: { description: 'Another replay of this event raced this one (`replay_conflict`)' },
      },
      async handler({ params, scope, actor }) {
        const { em, jobs, clock } = scope.cradle;
        const { workspaceId } = inWorkspace(actor);
        const sql = sqlFor(em);
        const original = await getDelivery(sql, workspaceId, params.id, params.deliveryId);
        const attempt = await nextAttempt(sql, workspaceId, params.id, original.eventId);
        const id = await insertAttempt(
          sql,
          workspaceId,
          {
            subscriptionId: params.id,
            eventId: original.eventId,
            eventName: original.eventName,
            attempt,
          },
          clock.now(),
        );
        if (!id) {
          throw errors.conflict('replay_conflict', 'Another replay of this event is being queued');
        }
        const data: DeliverJobData = { deliveryId: id, workspace: workspaceId };
        await jobs.send(DELIVER_JOB, data, { em });
        return reply(202, await getDelivery(sql, workspaceId, params.id, id));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/changes',
      operationId: 'listChanges',
      summary: "The workspace's domain events in commit-safe order (incremental change feed)",
      description:
        'Pass `nextCursor` back as `cursor`. Every event appears exactly once across pages; an ' +
        'event shows up once every older transaction has finished. At the end of the feed ' +
        '`hasMore` is false and `nextCursor` is the cursor to poll with later.',
      tags: ['changes'],
      access,
      request: { query: ChangesQuery },
      responses: {
        200: { description: 'A page of events', schema: ChangePage },
        400: { description: 'A malformed cursor (`invalid_cursor`)' },
      },
      handler: ({ query, scope, actor }) =>
        listChanges(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId, query),
    }),
  ];
}
