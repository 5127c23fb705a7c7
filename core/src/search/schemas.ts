/** Request and response schemas of the search routes (named for the OpenAPI document). */
import { z } from 'zod';
import { TICKET_STATUSES } from '../tickets/entities.js';

/** `2026-11-01` (start of that day, UTC) or a full ISO-8601 date-time with offset. */
const dateBound = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .transform((value) => new Date(value));

/** `status=open,pending` or `status=open&status=pending`. */
const statuses = z
  .union([z.string(), z.array(z.string())])
  .transform((value) =>
    (Array.isArray(value) ? value : [value])
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(TICKET_STATUSES)).max(TICKET_STATUSES.length));

export const SearchQueryParams = z.object({
  q: z.string().trim().min(1).max(200),
  type: z.enum(['tickets', 'contacts', 'all']).default('all'),
  status: statuses.optional(),
  assigneeId: z.union([z.uuid(), z.literal('none')]).optional(),
  tag: z.string().trim().toLowerCase().min(1).max(100).optional(),
  inboxId: z.uuid().optional(),
  createdFrom: dateBound.optional(),
  createdTo: dateBound.optional(),
  updatedFrom: dateBound.optional(),
  updatedTo: dateBound.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
});

const TicketHitOut = z
  .object({
    type: z.literal('ticket'),
    id: z.uuid(),
    number: z.number().int(),
    subject: z.string(),
    status: z.string(),
    priority: z.string(),
    assigneeId: z.uuid().nullable(),
    tags: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
    rank: z.number(),
    highlight: z.object({
      subject: z
        .string()
        .meta({ description: 'HTML-safe: escaped text with <mark> around matches' }),
      message: z
        .object({ id: z.uuid(), kind: z.enum(['reply', 'note']), snippet: z.string() })
        .nullable(),
    }),
  })
  .meta({ id: 'SearchTicketHit' });

const ContactHitOut = z
  .object({
    type: z.literal('contact'),
    id: z.uuid(),
    name: z.string().nullable(),
    emails: z.array(z.string()),
    organizationId: z.uuid().nullable(),
    rank: z.number(),
    highlight: z.object({ name: z.string().nullable(), email: z.string().nullable() }),
  })
  .meta({ id: 'SearchContactHit' });

export const SearchResponse = z
  .object({
    data: z.array(z.discriminatedUnion('type', [TicketHitOut, ContactHitOut])),
    nextCursor: z.string().nullable(),
    provider: z
      .string()
      .meta({ description: 'The active search provider (`postgres` by default)' }),
  })
  .meta({ id: 'SearchResults' });
