/**
 * Request and response schemas of the tickets module (named for the OpenAPI document). Bodies
 * are plain text: HTML is not accepted (no sanitizer in the core yet); clients escape on display.
 */
import { z } from 'zod';
import { TICKET_PRIORITIES, TICKET_STATUSES, TICKET_TYPES } from './entities.js';

export const IdParams = z.object({ id: z.uuid() });
export const NumberParams = z.object({ number: z.coerce.number().int().min(1).max(2_147_483_647) });

const status = z.enum(TICKET_STATUSES);
const priority = z.enum(TICKET_PRIORITIES);
const type = z.enum(TICKET_TYPES);
const subject = z.string().trim().min(1).max(500);
const tag = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[^\s,]+$/, 'a tag has no spaces or commas')
  .max(100);
const tags = z.array(tag).max(50);
/** Plain text, up to 64 KiB. */
const body = z.string().trim().min(1).max(65_536);

export const TicketCreateBody = z
  .strictObject({
    subject,
    requester: z
      .strictObject({
        email: z.email().max(254),
        name: z.string().trim().min(1).max(200).optional(),
      })
      .optional(),
    requesterId: z.uuid().optional(),
    priority: priority.optional(),
    type: type.nullable().optional(),
    tags: tags.optional(),
    message: z.strictObject({ body }),
  })
  .refine((value) => (value.requester === undefined) !== (value.requesterId === undefined), {
    message: 'give exactly one of requester and requesterId',
    path: ['requester'],
  })
  .meta({ id: 'TicketCreate' });

export const TicketUpdateBody = z
  .strictObject({
    subject: subject.optional(),
    status: status.optional(),
    priority: priority.optional(),
    type: type.nullable().optional(),
    assigneeId: z.uuid().nullable().optional(),
    teamId: z.uuid().nullable().optional(),
    tags: tags.optional(),
  })
  .meta({ id: 'TicketUpdate' });

export const MessageCreateBody = z.strictObject({ body }).meta({ id: 'TicketMessageCreate' });

export const ListQuery = z.object({
  status: status.optional(),
  assigneeId: z.uuid().optional(),
  tag: tag.optional(),
  q: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

export const TimelineQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

export const TicketSchemaOut = z
  .object({
    id: z.uuid(),
    number: z.number().int(),
    subject: z.string(),
    requesterId: z.uuid(),
    status,
    priority,
    type: type.nullable(),
    assigneeId: z.uuid().nullable(),
    teamId: z.uuid().nullable(),
    tags: z.array(z.string()),
    customFields: z.record(z.string(), z.unknown()),
    via: z.object({ channel: z.string(), inboxId: z.string().nullable() }),
    firstResponseAt: z.string().nullable(),
    solvedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Ticket' });

export const TicketPage = z
  .object({ data: z.array(TicketSchemaOut), nextCursor: z.string().nullable() })
  .meta({ id: 'TicketPage' });

export const MessageSchemaOut = z
  .object({
    id: z.uuid(),
    ticketId: z.uuid(),
    kind: z.enum(['reply', 'note']),
    direction: z.enum(['inbound', 'outbound']).nullable(),
    authorUserId: z.uuid().nullable(),
    authorContactId: z.uuid().nullable(),
    bodyText: z.string(),
    deliveryStatus: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'TicketMessage' });

export const TimelineItemOut = z
  .object({
    itemType: z.enum(['message', 'event']),
    id: z.uuid(),
    createdAt: z.string(),
    message: MessageSchemaOut.optional(),
    event: z
      .object({
        type: z.string(),
        actor: z.object({ kind: z.string(), id: z.string() }).nullable(),
        data: z.record(z.string(), z.unknown()),
      })
      .optional(),
  })
  .meta({ id: 'TicketTimelineItem' });

export const TimelinePage = z
  .object({ data: z.array(TimelineItemOut), nextCursor: z.string().nullable() })
  .meta({ id: 'TicketTimelinePage' });

export const TicketDetailOut = TicketSchemaOut.extend({
  /** The last 20 timeline items, oldest first. */
  timeline: z.array(TimelineItemOut),
}).meta({ id: 'TicketDetail' });
