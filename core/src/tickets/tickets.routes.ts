/**
 * Tickets, messages, notes and the timeline under `/api/v1`. Reading needs `tickets:read`,
 * changing needs `tickets:write`. Handlers run in the actor's workspace transaction; domain
 * events are recorded in it (the outbox), and the after-commit notify hooks fire from their
 * subscribers (hooks.ts).
 */
import type { AwilixContainer } from 'awilix';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { sqlFor } from '../identity/db.js';
import { PERMISSIONS } from '../identity/permissions.js';
import type { Actor, HookContext, RequestCradle } from '../kernel/contract.js';
import { inWorkspace } from '../members/context.js';
import { findOrCreateContactByEmail } from '../contacts/contacts.js';
import {
  addAgentMessage,
  getTicket,
  insertEvent,
  insertMessage,
  insertTicket,
  ticketIdByNumber,
  updateTicket,
} from './tickets.js';
import { listTickets, recentTimeline, timelinePage } from './queries.js';
import {
  IdParams,
  ListQuery,
  MessageCreateBody,
  MessageSchemaOut,
  NumberParams,
  TicketCreateBody,
  TicketDetailOut,
  TicketPage,
  TicketSchemaOut,
  TicketUpdateBody,
  TimelinePage,
  TimelineQuery,
} from './schemas.js';
import './events.js';
import './hooks.js';

const TAGS = ['tickets'];
const read = { permission: PERMISSIONS.ticketsRead };
const write = { permission: PERMISSIONS.ticketsWrite };
const notFound = { description: 'No such ticket in this workspace' };

export function hookContext(
  scope: AwilixContainer<RequestCradle>,
  actor: Actor | null,
): HookContext {
  const { em, requestId, workspaceId } = scope.cradle;
  return { em, scope, actor, workspaceId: actor?.workspaceId ?? workspaceId, requestId };
}

async function detail(scope: AwilixContainer<RequestCradle>, workspaceId: string, id: string) {
  const sql = sqlFor(scope.cradle.em);
  const ticket = await getTicket(sql, workspaceId, id);
  return { ...ticket, timeline: await recentTimeline(sql, workspaceId, id) };
}

export function ticketRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/tickets',
      operationId: 'createTicket',
      summary: 'Create a ticket with its first (inbound) message',
      description:
        'The requester is an existing contact (`requesterId`) or an address (`requester.email`): ' +
        'the contact holding it, or a new one. Bodies are plain text. `ticket.beforeCreate` taps ' +
        'may change the draft or veto it.',
      tags: TAGS,
      access: write,
      request: { body: TicketCreateBody },
      responses: {
        201: { description: 'Created', schema: TicketDetailOut },
        400: { description: 'Invalid body, or `requesterId` names no contact of this workspace' },
      },
      async handler({ body, scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const { em, clock, hooks, events, requestId } = scope.cradle;
        const sql = sqlFor(em);
        const requesterId =
          body.requesterId ??
          (
            await findOrCreateContactByEmail(
              em,
              workspaceId,
              body.requester!.email,
              body.requester!.name ?? null,
              { events, actor, requestId },
            )
          ).id;
        const draft = await hooks['ticket.beforeCreate'].promise(
          {
            subject: body.subject,
            requesterId,
            priority: body.priority ?? 'normal',
            type: body.type ?? null,
            tags: body.tags ?? [],
            body: body.message.body,
          },
          hookContext(scope, actor),
        );
        const now = clock.now();
        const id = await insertTicket(
          sql,
          workspaceId,
          { ...draft, via: { channel: 'api', inboxId: null } },
          now,
        );
        const message = await insertMessage(
          sql,
          workspaceId,
          id,
          {
            kind: 'reply',
            direction: 'inbound',
            authorUserId: null,
            authorContactId: draft.requesterId,
            body: draft.body,
          },
          now,
        );
        await insertEvent(sql, workspaceId, id, actor, 'created', { via: 'api' }, now);
        scope.cradle.events.recordFrom(scope.cradle, 'ticket.created', { ticketId: id });
        scope.cradle.events.recordFrom(scope.cradle, 'message.created', {
          ticketId: id,
          messageId: message.id,
        });
        return detail(scope, workspaceId, id);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/tickets',
      operationId: 'listTickets',
      summary: 'Tickets, most recently updated first (keyset pagination)',
      description:
        'Filters: `status`, `assigneeId`, `tag`; `q` searches subjects (full text, web search ' +
        'syntax).',
      tags: TAGS,
      access: read,
      request: { query: ListQuery },
      responses: { 200: { description: 'One page', schema: TicketPage } },
      handler: ({ query, scope, actor }) =>
        listTickets(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId, query),
    }),
    defineRoute({
      method: 'get',
      path: '/tickets/by-number/:number',
      operationId: 'getTicketByNumber',
      summary: 'A ticket by its number in the workspace, with its last 20 timeline items',
      tags: TAGS,
      access: read,
      request: { params: NumberParams },
      responses: { 200: { description: 'The ticket', schema: TicketDetailOut }, 404: notFound },
      async handler({ params, scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const id = await ticketIdByNumber(sqlFor(scope.cradle.em), workspaceId, params.number);
        return detail(scope, workspaceId, id);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/tickets/:id',
      operationId: 'getTicket',
      summary: 'A ticket with its last 20 timeline items (messages, notes, events), oldest first',
      tags: TAGS,
      access: read,
      request: { params: IdParams },
      responses: { 200: { description: 'The ticket', schema: TicketDetailOut }, 404: notFound },
      handler: ({ params, scope, actor }) =>
        detail(scope, inWorkspace(actor).workspaceId, params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/tickets/:id',
      operationId: 'updateTicket',
      summary: 'Change a ticket (only the fields sent); one timeline event per changed field',
      tags: TAGS,
      access: write,
      request: { params: IdParams, body: TicketUpdateBody },
      responses: {
        200: { description: 'The ticket', schema: TicketSchemaOut },
        400: { description: 'The assignee is no member, or the team no team, of this workspace' },
        404: notFound,
      },
      async handler({ params, body, scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const { em, clock } = scope.cradle;
        const sql = sqlFor(em);
        const changed = await updateTicket(sql, workspaceId, params.id, body, actor, clock.now());
        if (changed.length > 0)
          scope.cradle.events.recordFrom(scope.cradle, 'ticket.updated', { ticketId: params.id });
        return getTicket(sql, workspaceId, params.id);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/tickets/:id/messages',
      operationId: 'replyToTicket',
      summary: "An agent's public (outbound) reply; the first one sets `firstResponseAt`",
      description: 'Plain text. `message.beforeSend` taps may change the body or veto the reply.',
      tags: TAGS,
      access: write,
      request: { params: IdParams, body: MessageCreateBody },
      responses: { 201: { description: 'Created', schema: MessageSchemaOut }, 404: notFound },
      async handler({ params, body, scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const { em, clock, hooks } = scope.cradle;
        const sql = sqlFor(em);
        await getTicket(sql, workspaceId, params.id);
        const draft = await hooks['message.beforeSend'].promise(
          { ticketId: params.id, body: body.body },
          hookContext(scope, actor),
        );
        const message = await addAgentMessage(
          sql,
          workspaceId,
          params.id,
          'reply',
          draft.body,
          actor,
          clock.now(),
        );
        scope.cradle.events.recordFrom(scope.cradle, 'message.created', {
          ticketId: params.id,
          messageId: message.id,
        });
        return message;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/tickets/:id/notes',
      operationId: 'addTicketNote',
      summary: 'An internal note (never sent to the requester)',
      tags: TAGS,
      access: write,
      request: { params: IdParams, body: MessageCreateBody },
      responses: { 201: { description: 'Created', schema: MessageSchemaOut }, 404: notFound },
      async handler({ params, body, scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const { em, clock } = scope.cradle;
        const message = await addAgentMessage(
          sqlFor(em),
          workspaceId,
          params.id,
          'note',
          body.body,
          actor,
          clock.now(),
        );
        scope.cradle.events.recordFrom(scope.cradle, 'note.created', {
          ticketId: params.id,
          messageId: message.id,
        });
        return message;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/tickets/:id/timeline',
      operationId: 'getTicketTimeline',
      summary: "A ticket's whole timeline, oldest first (keyset pagination)",
      tags: TAGS,
      access: read,
      request: { params: IdParams, query: TimelineQuery },
      responses: { 200: { description: 'One page', schema: TimelinePage }, 404: notFound },
      handler: ({ params, query, scope, actor }) =>
        timelinePage(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId, params.id, query),
    }),
  ];
}
