/** Request and response schemas of the inboxes module (named for the OpenAPI document). */
import { z } from 'zod';

export const IdParams = z.object({ id: z.uuid() });

const name = z.string().trim().min(1).max(200);
/** Validated further by the channel provider's own schema. */
const settings = z.record(z.string(), z.unknown());

export const InboxCreateBody = z
  .strictObject({
    channelType: z.string().min(1).max(40),
    name,
    settings: settings.optional(),
    enabled: z.boolean().optional(),
  })
  .meta({ id: 'InboxCreate' });

export const InboxUpdateBody = z
  .strictObject({
    name: name.optional(),
    settings: settings.optional(),
    enabled: z.boolean().optional(),
  })
  .meta({ id: 'InboxUpdate' });

export const InboxSchemaOut = z
  .object({
    id: z.string(),
    channelType: z.string(),
    name: z.string(),
    settings: z.record(z.string(), z.unknown()),
    /** Settings paths holding credentials that are set (their values are never returned). */
    secretsSet: z.array(z.string()),
    enabled: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'Inbox' });

export const ChannelTypeOut = z
  .object({ type: z.string(), displayName: z.string(), canSend: z.boolean() })
  .meta({ id: 'ChannelType' });

const key = z.string().trim().min(1).max(500);

export const InboundMessageBody = z
  .strictObject({
    from: z.strictObject({
      email: z.email().max(254),
      name: z.string().trim().min(1).max(200).optional(),
    }),
    subject: z.string().trim().min(1).max(500),
    body: z.string().trim().min(1).max(65_536),
    /** The message's id on the sender's side: sending it again creates nothing new. */
    externalId: key.optional(),
    /** The conversation's id on the sender's side: a follow-up joins the open ticket. */
    threadKey: key.optional(),
  })
  .meta({ id: 'InboundMessage' });

export const InboundResultOut = z
  .object({
    ticketId: z.string(),
    messageId: z.string(),
    /** `created`: a new ticket; `appended`: joined a ticket; `duplicate`: seen before. */
    outcome: z.enum(['created', 'appended', 'duplicate']),
  })
  .meta({ id: 'InboundResult' });

export const DeliveryParams = z.object({ ticketId: z.uuid(), messageId: z.uuid() });

export const DeliveryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.uuid().optional(),
});

export const DeliveryEventOut = z
  .object({
    id: z.string(),
    status: z.enum([
      'queued',
      'sent',
      'captured',
      'delivered',
      'deferred',
      'bounced',
      'complained',
      'failed',
    ]),
    recipient: z.string().nullable(),
    /** Bounces: permanent (true) or temporary (false). */
    hard: z.boolean().nullable(),
    /** `userunknown`, `mailboxfull`, `spamdetected`, `not_sent`, `send_error`, … */
    reason: z.string().nullable(),
    detail: z.string().nullable(),
    source: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'DeliveryEvent' });

export const DeliveryHistoryOut = z
  .object({
    /** The message's latest delivery status (null: not dispatched through a channel). */
    status: z.string().nullable(),
    data: z.array(DeliveryEventOut),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'DeliveryHistory' });
