/**
 * Request and response schemas of the tickets module (named for the OpenAPI document). Message
 * bodies are text (`body`) and/or HTML (`bodyHtml`, stored sanitized: see html.ts); the text is
 * derived from the HTML when absent.
 */
import { z } from 'zod';
import { TICKET_PRIORITIES, TICKET_STATUSES, TICKET_TYPES } from './entities.js';
import { MAX_HTML_CHARS } from './html.js';
import { AttachmentOut } from '../attachments/schemas.js';

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
const bodyHtml = z.string().trim().min(1).max(MAX_HTML_CHARS);
export const attachmentIds = z.array(z.uuid()).max(100);
const customFields = z.record(z.string().max(100), z.unknown());
export const CcsBody = z
  .array(
    z.union([
      z.strictObject({
        email: z.email().max(254),
        name: z.string().trim().min(1).max(200).optional(),
      }),
      z.strictObject({ contactId: z.uuid() }),
    ]),
  )
  .max(50);

/** A message body: text, HTML, or both (the text is derived from the HTML when absent). */
const MessageContent = z
  .strictObject({
    body: body.optional(),
    bodyHtml: bodyHtml.optional(),
    attachmentIds: attachmentIds.optional(),
  })
  .refine((m) => m.body !== undefined || m.bodyHtml !== undefined, {
    message: 'give body or bodyHtml',
    path: ['body'],
  });

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
    customFields: customFields.optional(),
    ccs: CcsBody.optional(),
    message: MessageContent,
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
    /** A custom status of the workspace (sets `status` to its category); null clears it. */
    statusId: z.uuid().nullable().optional(),
    /** Values to set (validated against the definitions); `null` removes a value. */
    customFields: customFields.optional(),
    /** Replaces the CCs: addresses (contacts found or created) or contact ids. */
    ccs: CcsBody.optional(),
  })
  .meta({ id: 'TicketUpdate' });

export const MessageCreateBody = MessageContent.meta({ id: 'TicketMessageCreate' });
export { tag, tags, status as statusSchema, priority as prioritySchema };

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
    statusId: z.uuid().nullable(),
    mergedIntoId: z.uuid().nullable(),
    ccs: z.array(z.object({ contactId: z.uuid(), email: z.string() })),
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
    bodyHtml: z.string().nullable(),
    deliveryStatus: z.string().nullable(),
    attachments: z.array(AttachmentOut),
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
  /** Members following the ticket. */
  followerIds: z.array(z.uuid()),
  /** The last 20 timeline items, oldest first. */
  timeline: z.array(TimelineItemOut),
}).meta({ id: 'TicketDetail' });
