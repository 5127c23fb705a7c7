/** The webhooks module's public surface. */
export { webhooksModule } from './webhooks.module.js';
export {
  webhooksOptionsSchema,
  type WebhooksOptions,
  type WebhooksOptionsInput,
} from './options.js';
export { sign, messageId, SECRET_PREFIX } from './signing.js';
export type { WebhookSubscription, WebhookDelivery } from './entities.js';
