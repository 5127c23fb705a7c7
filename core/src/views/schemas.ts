/** Saved views: filters, columns and sort, personal or shared. */
import { z } from 'zod';
import { TICKET_PRIORITIES, TICKET_STATUSES } from '../tickets/entities.js';
import { tag } from '../tickets/schemas.js';

export const VIEW_COLUMNS = [
  'number', 'subject', 'requester', 'status', 'priority', 'type', 'assignee', 'team', 'tags',
  'inbox', 'createdAt', 'updatedAt',
] as const; // prettier-ignore

const column = z.union([
  z.enum(VIEW_COLUMNS),
  z.string().regex(/^cf:[a-z][a-z0-9_]{0,62}$/, 'a column name, or cf:<custom field key>'),
]);

export const ViewFilters = z
  .strictObject({
    /** Status categories (any of). */
    status: z.array(z.enum(TICKET_STATUSES)).min(1).max(6).optional(),
    /** Custom statuses (any of). */
    statusId: z.array(z.uuid()).min(1).max(20).optional(),
    /** A member, `me` (whoever looks at the view) or `unassigned`. */
    assignee: z.union([z.enum(['me', 'unassigned']), z.uuid()]).optional(),
    teamId: z.uuid().optional(),
    /** Every one of these tags. */
    tags: z.array(tag).min(1).max(10).optional(),
    priority: z.array(z.enum(TICKET_PRIORITIES)).min(1).max(4).optional(),
    inboxId: z.uuid().optional(),
    requesterId: z.uuid().optional(),
    createdAfter: z.iso.datetime({ offset: true }).optional(),
    createdBefore: z.iso.datetime({ offset: true }).optional(),
    updatedAfter: z.iso.datetime({ offset: true }).optional(),
    updatedBefore: z.iso.datetime({ offset: true }).optional(),
    /** Full text over subjects (web search syntax). */
    q: z.string().trim().min(1).max(200).optional(),
  })
  .meta({ id: 'ViewFilters' });
export type ViewFilters = z.output<typeof ViewFilters>;

export const ViewSort = z
  .strictObject({ by: z.enum(['updatedAt', 'createdAt']), dir: z.enum(['asc', 'desc']) })
  .meta({ id: 'ViewSort' });
export type ViewSort = z.output<typeof ViewSort>;

const name = z.string().trim().min(1).max(100);

export const ViewCreateBody = z
  .strictObject({
    name,
    /** Shared with the workspace (needs `settings:manage`), or personal (default). */
    shared: z.boolean().optional(),
    filters: ViewFilters.optional(),
    columns: z.array(column).max(30).optional(),
    sort: ViewSort.optional(),
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .meta({ id: 'ViewCreate' });

export const ViewUpdateBody = z
  .strictObject({
    name: name.optional(),
    filters: ViewFilters.optional(),
    columns: z.array(column).max(30).optional(),
    sort: ViewSort.optional(),
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .meta({ id: 'ViewUpdate' });

export const ViewOut = z
  .object({
    id: z.uuid(),
    name: z.string(),
    shared: z.boolean(),
    ownerUserId: z.uuid().nullable(),
    filters: ViewFilters,
    columns: z.array(z.string()),
    sort: ViewSort,
    position: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'View' });

export const ViewCountsOut = z
  .array(
    z.object({
      viewId: z.uuid(),
      /** Tickets in the view, counted up to `COUNT_CAP`; `capped` when there are more. */
      count: z.number().int(),
      capped: z.boolean(),
    }),
  )
  .meta({ id: 'ViewCounts' });

export const IdParams = z.object({ id: z.uuid() });
export const ViewTicketsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
