/**
 * The tickets module: tickets with per-workspace numbers, public replies and internal notes
 * (text and sanitized HTML, with attachments), a timeline of every change, custom statuses and
 * fields, followers and CCs, merge, drafts, saved views, bulk updates, and the `ticket.*` /
 * `message.*` / `note.*` / `attachment.*` hooks. A core module on the plugin contract, loaded
 * after contacts (requesters are contacts).
 *
 * Options (`ticketsModule({ attachments: { maxBytes, unattachedTtlSeconds, maxPerMessage } })`).
 */
import { asValue } from 'awilix';
import { z } from 'zod';
import { definePlugin } from '../kernel/plugins/define-plugin.js';
import { PERMISSIONS } from '../identity/permissions.js';
import { sqlFor } from '../identity/db.js';
import { CORE_VERSION } from '../version.js';
import type { HookContext } from '../kernel/contract.js';
import type { EventEnvelope } from '../events/event-bus.js';
import type { AwilixContainer } from 'awilix';
import type { RequestCradle } from '../kernel/contract.js';
import { ticketEntities } from './entities.js';
import {
  TICKET_HOOK_INFO,
  createBeforeBulk,
  createBeforeCreate,
  createBeforeMerge,
  createBeforeSend,
  createBeforeStore,
  createBeforeUpdate,
  createBulkNotify,
  createMergeNotify,
  createNoteBefore,
  createNotify,
} from './hooks.js';
import {
  AttachmentService,
  attachmentOptionsSchema,
  EXPIRE_JOB_NAME,
  expireAttachment,
  type ExpireJobData,
} from '../attachments/attachments.js';
import { attachmentRoutes } from '../attachments/routes.js';
import { ticketFieldRoutes } from '../ticket-fields/routes.js';
import { viewRoutes } from '../views/routes.js';
import { BULK_JOB_NAME, runBulkChunk, type BulkJobData } from './bulk.js';
import { collabRoutes } from './collab.routes.js';
import { ticketsMigrations } from './migrations/index.js';
import { ticketsPersonalData } from './personal-data.js';
import { ticketRoutes } from './tickets.routes.js';
import { moveContactTickets } from './tickets.js';
import './events.js';
import '../contacts/events.js';

function subscriberContext(
  envelope: EventEnvelope<unknown>,
  scope: AwilixContainer<RequestCradle>,
): HookContext {
  const { em, requestId } = scope.cradle;
  return { em, scope, actor: null, workspaceId: envelope.workspaceId, requestId };
}

export const ticketsOptionsSchema = z
  .object({ attachments: attachmentOptionsSchema })
  .default({ attachments: attachmentOptionsSchema.parse(undefined) });
export type TicketsOptions = z.output<typeof ticketsOptionsSchema>;
export type TicketsOptionsInput = z.input<typeof ticketsOptionsSchema>;

export const ticketsModule = definePlugin<TicketsOptions, TicketsOptionsInput | undefined>({
  id: 'tickets',
  version: CORE_VERSION,
  core: `^${CORE_VERSION}`,
  description: 'Tickets, messages, notes and their timeline',
  dependsOn: { identity: `^${CORE_VERSION}`, contacts: `^${CORE_VERSION}` },
  entities: ticketEntities,
  migrations: ticketsMigrations,
  permissions: [PERMISSIONS.ticketsRead, PERMISSIONS.ticketsWrite],
  personalData: ticketsPersonalData,
  options: ticketsOptionsSchema,
  register(ctx) {
    const attachments = new AttachmentService(ctx.options.attachments);
    ctx.register({ attachments: asValue(attachments) });
    ctx.hooks.define(
      'ticket.beforeCreate',
      createBeforeCreate,
      TICKET_HOOK_INFO['ticket.beforeCreate'],
    );
    const created = ctx.hooks.define(
      'ticket.created',
      createNotify,
      TICKET_HOOK_INFO['ticket.created'],
    );
    const updated = ctx.hooks.define(
      'ticket.updated',
      createNotify,
      TICKET_HOOK_INFO['ticket.updated'],
    );
    ctx.hooks.define(
      'message.beforeSend',
      createBeforeSend,
      TICKET_HOOK_INFO['message.beforeSend'],
    );
    ctx.hooks.define('note.beforeCreate', createNoteBefore, TICKET_HOOK_INFO['note.beforeCreate']);
    ctx.hooks.define(
      'ticket.beforeUpdate',
      createBeforeUpdate,
      TICKET_HOOK_INFO['ticket.beforeUpdate'],
    );
    ctx.hooks.define(
      'ticket.beforeBulkUpdate',
      createBeforeBulk,
      TICKET_HOOK_INFO['ticket.beforeBulkUpdate'],
    );
    const bulkUpdated = ctx.hooks.define(
      'ticket.bulkUpdated',
      createBulkNotify,
      TICKET_HOOK_INFO['ticket.bulkUpdated'],
    );
    ctx.hooks.define(
      'ticket.beforeMerge',
      createBeforeMerge,
      TICKET_HOOK_INFO['ticket.beforeMerge'],
    );
    const merged = ctx.hooks.define(
      'ticket.merged',
      createMergeNotify,
      TICKET_HOOK_INFO['ticket.merged'],
    );
    ctx.hooks.define(
      'attachment.beforeStore',
      createBeforeStore,
      TICKET_HOOK_INFO['attachment.beforeStore'],
    );
    for (const route of [
      ...ticketRoutes(),
      ...collabRoutes(),
      ...attachmentRoutes(attachments),
      ...ticketFieldRoutes(),
      ...viewRoutes(),
    ]) {
      ctx.route(route);
    }
    ctx.job<ExpireJobData>(EXPIRE_JOB_NAME, expireAttachment, { retryLimit: 5 });
    ctx.job<BulkJobData>(BULK_JOB_NAME, runBulkChunk, { retryLimit: 5 });

    // After-commit notify hooks, from the outbox (see hooks.ts). Skipped when nobody taps.
    ctx.on('ticket.created', { name: 'notify-created' }, async (event, scope) => {
      if (created.taps.length === 0) return;
      await created.promise(
        { ticketId: event.payload.ticketId, eventId: event.id },
        subscriberContext(event, scope),
      );
    });
    ctx.on('ticket.updated', { name: 'notify-updated' }, async (event, scope) => {
      if (updated.taps.length === 0) return;
      await updated.promise(
        { ticketId: event.payload.ticketId, eventId: event.id },
        subscriberContext(event, scope),
      );
    });
    ctx.on('ticket.merged', { name: 'notify-merged' }, async (event, scope) => {
      if (merged.taps.length === 0) return;
      await merged.promise(
        { ...event.payload, eventId: event.id },
        subscriberContext(event, scope),
      );
    });
    ctx.on('ticket.bulk_updated', { name: 'notify-bulk-updated' }, async (event, scope) => {
      if (bulkUpdated.taps.length === 0) return;
      await bulkUpdated.promise(
        { ...event.payload, eventId: event.id },
        subscriberContext(event, scope),
      );
    });
    // A merged contact's tickets and messages follow it (runs in the event's workspace).
    ctx.on('contact.merged', { name: 'follow-merge' }, async (event, scope) => {
      if (!event.workspaceId) return;
      await moveContactTickets(
        sqlFor(scope.cradle.em),
        event.workspaceId,
        event.payload.sourceId,
        event.payload.targetId,
      );
    });
  },
});
