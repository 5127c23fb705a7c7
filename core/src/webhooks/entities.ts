import { EntitySchema } from '@mikro-orm/postgresql';
import { workspaceFilter } from '../tenancy/index.js';

/**
 * An endpoint of a workspace that receives its domain events, signed the Standard Webhooks way.
 * `secret` is the signing secret as handed out (`whsec_<base64>`): it must stay retrievable to
 * sign, so it is stored as given and never returned by the API after creation.
 */
export interface WebhookSubscription {
  id: string;
  workspaceId: string;
  url: string;
  description: string | null;
  /** Event names, or `*` for every event. */
  eventTypes: string[];
  secret: string;
  enabled: boolean;
  createdAt: Date;
}

export const WebhookSubscriptionSchema = new EntitySchema<WebhookSubscription>({
  name: 'WebhookSubscription',
  tableName: 'webhook_subscription',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    url: { type: 'text' },
    description: { type: 'text', nullable: true },
    eventTypes: { type: 'string[]', columnType: 'text[]' },
    secret: { type: 'text' },
    enabled: { type: 'boolean' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One attempt to deliver one event to one subscription (retries and replays add rows). */
export interface WebhookDelivery {
  id: string;
  workspaceId: string;
  subscriptionId: string;
  eventId: string;
  eventName: string;
  attempt: number;
  status: DeliveryStatus;
  responseStatus: number | null;
  responseMs: number | null;
  error: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export const WebhookDeliverySchema = new EntitySchema<WebhookDelivery>({
  name: 'WebhookDelivery',
  tableName: 'webhook_delivery',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    subscriptionId: { type: 'uuid' },
    eventId: { type: 'uuid' },
    eventName: { type: 'text' },
    attempt: { type: 'integer' },
    status: { type: 'text' },
    responseStatus: { type: 'integer', nullable: true },
    responseMs: { type: 'integer', nullable: true },
    error: { type: 'text', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    deliveredAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
});
