/** Request and response schemas of the webhooks module (named for the OpenAPI document). */
import { z } from 'zod';

export const IdParams = z.object({ id: z.uuid() });
export const DeliveryParams = z.object({ id: z.uuid(), deliveryId: z.uuid() });

const eventType = z.string().regex(/^(\*|[a-z0-9_.:-]{1,100})$/, 'an event name or *');
const url = z.string().trim().min(1).max(2000);
const description = z.string().trim().max(500).nullable();

export const WebhookSchemaOut = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(z.string()),
    enabled: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'Webhook' });

export const WebhookCreatedOut = WebhookSchemaOut.extend({
  /** The signing secret (`whsec_<base64>`): shown once, here, never again. */
  secret: z.string(),
}).meta({ id: 'WebhookCreated' });

export const WebhookCreateBody = z
  .strictObject({
    url,
    description: description.optional(),
    eventTypes: z.array(eventType).min(1).max(100),
    enabled: z.boolean().optional(),
  })
  .meta({ id: 'WebhookCreate' });

export const WebhookUpdateBody = z
  .strictObject({
    url: url.optional(),
    description: description.optional(),
    eventTypes: z.array(eventType).min(1).max(100).optional(),
    enabled: z.boolean().optional(),
  })
  .meta({ id: 'WebhookUpdate' });

export const WebhookDeliverySchemaOut = z
  .object({
    id: z.uuid(),
    subscriptionId: z.uuid(),
    eventId: z.uuid(),
    eventName: z.string(),
    attempt: z.number().int(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    responseStatus: z.number().int().nullable(),
    responseMs: z.number().int().nullable(),
    error: z.string().nullable(),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
  })
  .meta({ id: 'WebhookDelivery' });

export const PageQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const WebhookDeliveryPage = z
  .object({ data: z.array(WebhookDeliverySchemaOut), nextCursor: z.string().nullable() })
  .meta({ id: 'WebhookDeliveryPage' });

export const ChangesQuery = PageQuery.extend({
  /** Comma-separated event names to keep. */
  types: z.string().max(2000).optional(),
});

export const ChangeSchemaOut = z
  .object({
    position: z.string(),
    id: z.uuid(),
    name: z.string(),
    occurredAt: z.string(),
    payload: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Change' });

export const ChangePage = z
  .object({
    data: z.array(ChangeSchemaOut),
    /** Pass back as `cursor`; at the end of the feed, the cursor to poll with later. */
    nextCursor: z.string().nullable(),
    hasMore: z.boolean(),
  })
  .meta({ id: 'ChangePage' });
