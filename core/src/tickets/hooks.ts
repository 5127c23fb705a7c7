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
import type { TicketPriority, TicketType } from './entities.js';

/** What `POST /tickets` is about to create; a `ticket.beforeCreate` tap may change it. */
export interface TicketDraft {
  subject: string;
  requesterId: string;
  priority: TicketPriority;
  type: TicketType | null;
  tags: string[];
  /** The first (inbound) message's text. */
  body: string;
}

/** An outbound reply about to be stored and sent; a `message.beforeSend` tap may change it. */
export interface MessageDraft {
  ticketId: string;
  body: string;
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
    payload: '(draft: { ticketId, body }, ctx: HookContext)',
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
