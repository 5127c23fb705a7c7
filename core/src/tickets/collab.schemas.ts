/** Schemas of followers, drafts, merge and bulk updates. */
import { z } from 'zod';
import { MAX_HTML_CHARS } from './html.js';
import { attachmentIds, prioritySchema, statusSchema, tags } from './schemas.js';
import { AttachmentOut } from '../attachments/schemas.js';
import { BULK_MAX_TICKETS } from './bulk.js';

export const FollowersBody = z
  .strictObject({ userIds: z.array(z.uuid()).max(100) })
  .meta({ id: 'TicketFollowersUpdate' });
export const FollowersOut = z
  .object({ followerIds: z.array(z.uuid()) })
  .meta({ id: 'TicketFollowers' });

export const DraftBody = z
  .strictObject({
    kind: z.enum(['reply', 'note']),
    body: z.string().max(65_536).optional(),
    bodyHtml: z.string().max(MAX_HTML_CHARS).nullable().optional(),
    attachmentIds: attachmentIds.optional(),
  })
  .meta({ id: 'TicketDraftUpdate' });
export const DraftOut = z
  .object({
    ticketId: z.uuid(),
    kind: z.enum(['reply', 'note']),
    body: z.string(),
    bodyHtml: z.string().nullable(),
    attachmentIds: z.array(z.uuid()),
    attachments: z.array(AttachmentOut),
    updatedAt: z.string(),
  })
  .meta({ id: 'TicketDraft' });

export const MergeBody = z.strictObject({ targetTicketId: z.uuid() }).meta({ id: 'TicketMerge' });

export const BulkChanges = z
  .strictObject({
    status: statusSchema.optional(),
    statusId: z.uuid().nullable().optional(),
    assigneeId: z.uuid().nullable().optional(),
    teamId: z.uuid().nullable().optional(),
    priority: prioritySchema.optional(),
    addTags: tags.optional(),
    removeTags: tags.optional(),
  })
  .refine((c) => Object.keys(c).length > 0, { message: 'nothing to change' });

export const BulkBody = z
  .strictObject({
    ticketIds: z.array(z.uuid()).min(1).max(BULK_MAX_TICKETS).optional(),
    viewId: z.uuid().optional(),
    changes: BulkChanges,
  })
  .refine((b) => (b.ticketIds === undefined) !== (b.viewId === undefined), {
    message: 'give exactly one of ticketIds and viewId',
    path: ['ticketIds'],
  })
  .meta({ id: 'TicketBulkUpdate' });

const BulkError = z.object({ ticketId: z.uuid(), code: z.string(), message: z.string() });
export const BulkOut = z
  .object({
    id: z.uuid(),
    status: z.enum(['queued', 'running', 'completed']),
    total: z.number().int(),
    done: z.number().int(),
    updated: z.number().int(),
    errors: z.array(BulkError),
    results: z
      .array(
        z.object({
          ticketId: z.uuid(),
          status: z.enum(['updated', 'unchanged', 'failed']),
          error: z.object({ code: z.string(), message: z.string() }).optional(),
        }),
      )
      .optional(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'TicketBulkUpdateResult' });

export const BulkParams = z.object({ jobId: z.uuid() });
