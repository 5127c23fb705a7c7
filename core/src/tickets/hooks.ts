/**
 * The tickets module's hooks (defined in `register()` through `ctx.hooks.define`).
 *
 * `ticket.created` / `ticket.updated` are after-commit notifications. Route handlers run inside
 * the router's workspace transaction, so nothing in a handler runs after its commit; these
 * hooks are therefore called by the module's own subscribers of the domain events
 * `ticket.created` / `ticket.updated` (outbox → job queue), once the ticket's transaction has
 * committed, in a new transaction of the ticket's workspace (`ctx.em`). Like every subscriber,
 * they may run more than once for one event (at-least-once delivery).
 */
import { AsyncParallelHook, AsyncSeriesWaterfallHook } from 'tapable';
import type { HookContext } from '../kernel/contract.js';
import type { HookInfo } from '../kernel/hooks/descriptor.js';
import type { TicketPriority, TicketStatus, TicketType } from './entities.js';

/** What `POST /tickets` is about to create; a `ticket.beforeCreate` tap may change it. */
export interface TicketDraft {
  subject: string;
  requesterId: string;
  priority: TicketPriority;
  type: TicketType | null;
  tags: string[];
  /** The first (inbound) message's text. */
  body: string;
  /** The first message's sanitized HTML, when it has one. */
  bodyHtml?: string | null;
  /** Custom-field values, already validated against the workspace's definitions. */
  customFields?: Record<string, unknown>;
}

/** An outbound reply about to be stored and sent; a `message.beforeSend` tap may change it. */
export interface MessageDraft {
  ticketId: string;
  body: string;
  /** Sanitized HTML (re-sanitized after the taps), or null for a text-only reply. */
  bodyHtml?: string | null;
  attachmentIds?: string[];
}

/** An internal note about to be stored; a `note.beforeCreate` tap may change or veto it. */
export interface NoteDraft {
  ticketId: string;
  body: string;
  bodyHtml: string | null;
  attachmentIds: string[];
}

/** The fields a change sets (only those present change). */
export interface TicketChangeSet {
  subject?: string | undefined;
  status?: TicketStatus | undefined;
  statusId?: string | null | undefined;
  priority?: TicketPriority | undefined;
  type?: TicketType | null | undefined;
  assigneeId?: string | null | undefined;
  teamId?: string | null | undefined;
  tags?: string[] | undefined;
  addTags?: string[] | undefined;
  removeTags?: string[] | undefined;
  /** Values to set; `null` removes a value. */
  customFields?: Record<string, unknown> | undefined;
}

/** One ticket's change (PATCH, or one ticket of a bulk update); `ticket.beforeUpdate` taps. */
export interface TicketUpdateDraft {
  ticketId: string;
  changes: TicketChangeSet;
}

/** What `POST /tickets/bulk` is about to change; `ticket.beforeBulkUpdate` taps. */
export interface BulkUpdateDraft {
  ticketIds: string[];
  changes: TicketChangeSet;
}

/** A merge about to happen; `ticket.beforeMerge` taps may veto it by throwing. */
export interface MergeDraft {
  sourceId: string;
  targetId: string;
}

/** A file about to be stored; `attachment.beforeStore` taps may rename it or veto it. */
export interface AttachmentDraft {
  filename: string;
  /** Sniffed from the bytes. */
  contentType: string;
  size: number;
  /** The bytes (read-only: a tap may scan them, not replace them). */
  readonly data: Buffer;
}

export interface MergeNotice {
  sourceId: string;
  targetId: string;
  eventId: string;
}

export interface BulkUpdateNotice {
  /** The bulk job's id (also for an inline bulk update, which has no job row). */
  bulkId: string;
  ticketCount: number;
  eventId: string;
}

export interface TicketNotice {
  ticketId: string;
  /** The domain event's id: lets a tap skip a redelivered notice. */
  eventId: string;
}

declare module '../kernel/hooks/registry.js' {
  interface HookRegistry {
    'ticket.beforeCreate': AsyncSeriesWaterfallHook<[TicketDraft, HookContext], TicketDraft>;
    'ticket.created': AsyncParallelHook<[TicketNotice, HookContext]>;
    'ticket.updated': AsyncParallelHook<[TicketNotice, HookContext]>;
    'message.beforeSend': AsyncSeriesWaterfallHook<[MessageDraft, HookContext], MessageDraft>;
    'note.beforeCreate': AsyncSeriesWaterfallHook<[NoteDraft, HookContext], NoteDraft>;
    'ticket.beforeUpdate': AsyncSeriesWaterfallHook<
      [TicketUpdateDraft, HookContext],
      TicketUpdateDraft
    >;
    'ticket.beforeBulkUpdate': AsyncSeriesWaterfallHook<
      [BulkUpdateDraft, HookContext],
      BulkUpdateDraft
    >;
    'ticket.bulkUpdated': AsyncParallelHook<[BulkUpdateNotice, HookContext]>;
    'ticket.beforeMerge': AsyncSeriesWaterfallHook<[MergeDraft, HookContext], MergeDraft>;
    'ticket.merged': AsyncParallelHook<[MergeNotice, HookContext]>;
    'attachment.beforeStore': AsyncSeriesWaterfallHook<
      [AttachmentDraft, HookContext],
      AttachmentDraft
    >;
  }
}

const SINCE = '0.1.0';

export const TICKET_HOOK_INFO = {
  'ticket.beforeCreate': {
    kind: 'transform',
    description:
      'Called inside the creating transaction before a ticket is stored (POST /tickets), after the requester is resolved. Taps return the (changed) draft; throwing a NovumError (e.g. status 422) vetoes the create with that error and nothing is stored.',
    payload: '(draft: { subject, requesterId, priority, type, tags, body }, ctx: HookContext)',
    returns: 'the (changed) draft',
    since: SINCE,
  },
  'ticket.created': {
    kind: 'notify',
    description:
      'Called after the transaction that created a ticket has committed, from the subscriber of the `ticket.created` domain event (job queue, at least once), in a new transaction of the workspace.',
    payload: '(notice: { ticketId, eventId }, ctx: HookContext)',
    since: SINCE,
  },
  'ticket.updated': {
    kind: 'notify',
    description:
      'Called after a change to a ticket (PATCH /tickets/:id) has committed, from the subscriber of the `ticket.updated` domain event (job queue, at least once). The ticket timeline says what changed.',
    payload: '(notice: { ticketId, eventId }, ctx: HookContext)',
    since: SINCE,
  },
  'message.beforeSend': {
    kind: 'transform',
    description:
      "Called inside the transaction before an agent's outbound reply is stored (POST /tickets/:id/messages). Taps return the (changed) draft; throwing a NovumError vetoes the reply.",
    payload: '(draft: { ticketId, body, bodyHtml?, attachmentIds? }, ctx: HookContext)',
    returns: 'the (changed) draft',
    since: SINCE,
  },
  'note.beforeCreate': {
    kind: 'transform',
    description:
      'Called inside the transaction before an internal note is stored (POST /tickets/:id/notes). Taps return the (changed) draft; throwing a NovumError vetoes the note. HTML is sanitized again after the taps.',
    payload: '(draft: { ticketId, body, bodyHtml, attachmentIds }, ctx: HookContext)',
    returns: 'the (changed) draft',
    since: SINCE,
  },
  'ticket.beforeUpdate': {
    kind: 'transform',
    description:
      'Called inside the transaction before a change to one ticket is applied: PATCH /tickets/:id, and each ticket of a bulk update. Taps return the (changed) draft; throwing a NovumError vetoes the change (in a bulk update: that ticket only, reported in its result).',
    payload: '(draft: { ticketId, changes }, ctx: HookContext)',
    returns: 'the (changed) draft',
    since: SINCE,
  },
  'ticket.beforeBulkUpdate': {
    kind: 'transform',
    description:
      'Called once before a bulk update (POST /tickets/bulk) is applied or queued, with every ticket id it targets. Taps may narrow the ids or change the changes; throwing a NovumError vetoes the whole bulk update.',
    payload: '(draft: { ticketIds, changes }, ctx: HookContext)',
    returns: 'the (changed) draft',
    since: SINCE,
  },
  'ticket.bulkUpdated': {
    kind: 'notify',
    description:
      'Called after a bulk update finished (inline, or the last chunk of its job), from the subscriber of the `ticket.bulk_updated` domain event. Each changed ticket also had its own `ticket.updated`.',
    payload: '(notice: { bulkId, ticketCount, eventId }, ctx: HookContext)',
    since: SINCE,
  },
  'ticket.beforeMerge': {
    kind: 'transform',
    description:
      'Called inside the transaction before a ticket is merged into another (POST /tickets/:id/merge), after both were found in the workspace. Throwing a NovumError vetoes the merge.',
    payload: '(draft: { sourceId, targetId }, ctx: HookContext)',
    returns: 'the draft (the ids cannot be changed)',
    since: SINCE,
  },
  'ticket.merged': {
    kind: 'notify',
    description:
      'Called after a merge has committed, from the subscriber of the `ticket.merged` domain event (job queue, at least once).',
    payload: '(notice: { sourceId, targetId, eventId }, ctx: HookContext)',
    since: SINCE,
  },
  'attachment.beforeStore': {
    kind: 'transform',
    description:
      'Called before an uploaded or channel-received file is stored, with its sanitized name, sniffed type, size and bytes. Taps may rename it (the name is sanitized again) or veto it by throwing a NovumError (a virus scanner, a type policy).',
    payload: '(draft: { filename, contentType, size, data }, ctx: HookContext)',
    returns: 'the (changed) draft',
    since: SINCE,
  },
} satisfies Record<string, HookInfo>;

export const createBeforeCreate = () =>
  new AsyncSeriesWaterfallHook<[TicketDraft, HookContext], TicketDraft>(['draft', 'ctx']);
export const createNotify = () =>
  new AsyncParallelHook<[TicketNotice, HookContext]>(['notice', 'ctx']);
export const createBeforeSend = () =>
  new AsyncSeriesWaterfallHook<[MessageDraft, HookContext], MessageDraft>(['draft', 'ctx']);

export const createNoteBefore = () =>
  new AsyncSeriesWaterfallHook<[NoteDraft, HookContext], NoteDraft>(['draft', 'ctx']);
export const createBeforeUpdate = () =>
  new AsyncSeriesWaterfallHook<[TicketUpdateDraft, HookContext], TicketUpdateDraft>([
    'draft',
    'ctx',
  ]);
export const createBeforeBulk = () =>
  new AsyncSeriesWaterfallHook<[BulkUpdateDraft, HookContext], BulkUpdateDraft>(['draft', 'ctx']);
export const createBulkNotify = () =>
  new AsyncParallelHook<[BulkUpdateNotice, HookContext]>(['notice', 'ctx']);
export const createBeforeMerge = () =>
  new AsyncSeriesWaterfallHook<[MergeDraft, HookContext], MergeDraft>(['draft', 'ctx']);
export const createMergeNotify = () =>
  new AsyncParallelHook<[MergeNotice, HookContext]>(['notice', 'ctx']);
export const createBeforeStore = () =>
  new AsyncSeriesWaterfallHook<[AttachmentDraft, HookContext], AttachmentDraft>(['draft', 'ctx']);
