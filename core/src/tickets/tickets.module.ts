/**
 * The tickets module: tickets with per-workspace numbers, public replies and internal notes, a
 * timeline of every change, and the `ticket.*` / `message.*` hooks. A core module on the plugin
 * contract, loaded after contacts (requesters are contacts).
 */
import { definePlugin } from '../kernel/plugins/define-plugin.js';
import { PERMISSIONS } from '../identity/permissions.js';
import { sqlFor } from '../identity/db.js';
import { CORE_VERSION } from '../version.js';
import type { HookContext } from '../kernel/contract.js';
import type { EventEnvelope } from '../events/event-bus.js';
import type { AwilixContainer } from 'awilix';
import type { RequestCradle } from '../kernel/contract.js';
import { ticketEntities } from './entities.js';
import { TICKET_HOOK_INFO, createBeforeCreate, createBeforeSend, createNotify } from './hooks.js';
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

export const ticketsModule = definePlugin({
  id: 'tickets',
  version: CORE_VERSION,
  core: `^${CORE_VERSION}`,
  description: 'Tickets, messages, notes and their timeline',
  dependsOn: { identity: `^${CORE_VERSION}`, contacts: `^${CORE_VERSION}` },
  entities: ticketEntities,
  migrations: ticketsMigrations,
  permissions: [PERMISSIONS.ticketsRead, PERMISSIONS.ticketsWrite],
  personalData: ticketsPersonalData,
  register(ctx) {
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
    for (const route of ticketRoutes()) ctx.route(route);

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
