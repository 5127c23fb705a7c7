/**
 * The webhooks module: outgoing webhooks (subscriptions per workspace with event filters,
 * Standard Webhooks signing, retries with backoff through the job queue, a delivery log, replay)
 * and the incremental change feed (`GET /changes`). A core module on the plugin contract.
 */
import { definePlugin } from '../kernel/plugins/define-plugin.js';
import { CORE_VERSION } from '../version.js';
import { WebhookDeliverySchema, WebhookSubscriptionSchema } from './entities.js';
import { deliver, fanout, type DeliverJobData } from './deliver.js';
import { webhooksMigrations } from './migrations/index.js';
import {
  webhooksOptionsSchema,
  type WebhooksOptions,
  type WebhooksOptionsInput,
} from './options.js';
import { webhookRoutes } from './routes.js';

export const webhooksModule = definePlugin<WebhooksOptions, WebhooksOptionsInput | undefined>({
  id: 'webhooks',
  version: CORE_VERSION,
  core: `^${CORE_VERSION}`,
  description: 'Outgoing webhooks (Standard Webhooks) and the incremental change feed',
  dependsOn: { identity: `^${CORE_VERSION}` },
  options: webhooksOptionsSchema,
  entities: [WebhookSubscriptionSchema, WebhookDeliverySchema],
  migrations: webhooksMigrations,
  // Endpoint URLs and delivery metadata only; event payloads stay in the outbox.
  noPersonalData: true,
  register(ctx) {
    const options = ctx.options;
    for (const route of webhookRoutes(options)) ctx.route(route);
    ctx.on('*' as never, { name: 'fanout' }, fanout);
    ctx.job<DeliverJobData>('deliver', (data, scope) => deliver(data, scope, options), {
      retryLimit: options.retryLimit,
      retryDelaySeconds: options.retryDelaySeconds,
    });
  },
});
