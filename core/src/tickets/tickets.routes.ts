/**
 * Tickets, messages, notes and the timeline under `/api/v1`. Reading needs `tickets:read`,
 * changing needs `tickets:write`. Handlers run in the actor's workspace transaction; domain
 * events are recorded in it (the outbox), and the after-commit notify hooks fire from their
 * subscribers (hooks.ts). A merged ticket answers 308 with the target's location.
 */
import type { AwilixContainer } from 'awilix';
import { defineRoute, reply, type RouteDefinition } from '../http/route.js';
import { sqlFor } from '../identity/db.js';
import { PERMISSIONS } from '../identity/permissions.js';
import type { RequestCradle } from '../kernel/contract.js';
import { inWorkspace } from '../members/context.js';
import { findOrCreateContactByEmail } from '../contacts/contacts.js';
import { applyCustomFields } from '../ticket-fields/definitions.js';
import { hookContext, messageBody, withAttachments } from './compose.js';
import { followerIdsOf, resolveCcs, setCcs } from './followers.js';
import {
  addAgentMessage,
  getTicket,
  insertEvent,
  insertMessage,
  insertTicket,
  ticketIdByNumber,
} from './tickets.js';
import { applyTicketChanges } from './update.js';
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

export { hookContext } from './compose.js';

const TAGS = ['tickets'];
const read = { permission: PERMISSIONS.ticketsRead };
const write = { permission: PERMISSIONS.ticketsWrite };
const notFound = { description: 'No such ticket in this workspace' };
const merged = { description: 'Merged into another ticket: `Location` names the target' };

async function detail(scope: AwilixContainer<RequestCradle>, workspaceId: string, id: string) {
  const sql = sqlFor(scope.cradle.em);
  const ticket = await getTicket(sql, workspaceId, id);
  return {
    ...ticket,
    followerIds: await followerIdsOf(sql, workspaceId, id),
    timeline: await recentTimeline(sql, workspaceId, id),
  };
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
        'the contact holding it, or a new one. The message has `body` (text) and/or `bodyHtml` ' +
        '(sanitized) and may reference uploads (`attachmentIds`). `customFields` are validated ' +
        'against the workspace’s definitions. `ticket.beforeCreate` taps may change or veto it.',
      tags: TAGS,
      access: write,
      request: { body: TicketCreateBody },
      responses: {
        201: { description: 'Created', schema: TicketDetailOut },
        400: { description: 'Invalid body (field paths), or an unknown requester or attachment' },
      },
      async handler({ body, scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const { em, clock, hooks, events, requestId } = scope.cradle;
        const sql = sqlFor(em);
        const content = messageBody(body.message, 'body.message.body');
        const customFields = await applyCustomFields(
          sql,
          workspaceId,
          {},
          body.customFields ?? {},
          true,
        );
        const ccs = body.ccs
          ? await resolveCcs(sql, workspaceId, body.ccs, { em, events, actor, requestId })
          : [];
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
            body: content.text,
            bodyHtml: content.html,
            customFields,
          },
          hookContext(scope, actor),
        );
        const final = messageBody(
          { body: draft.body, bodyHtml: draft.bodyHtml },
          'body.message.body',
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
            body: final.text,
            bodyHtml: final.html,
          },
          now,
        );
        await withAttachments(
          scope,
          sql,
          workspaceId,
          message,
          body.message.attachmentIds,
          'body.message.attachmentIds',
        );
        await insertEvent(sql, workspaceId, id, actor, 'created', { via: 'api' }, now);
        if (ccs.length > 0) await setCcs(sql, workspaceId, id, ccs, actor, now);
        events.recordFrom(scope.cradle, 'ticket.created', { ticketId: id });
        events.recordFrom(scope.cradle, 'message.created', { ticketId: id, messageId: message.id });
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
        'syntax). Saved views (`/views`) offer more filters and sorts.',
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
      description: 'A merged ticket answers 308 with the target’s by-number location.',
      tags: TAGS,
      access: read,
      request: { params: NumberParams },
      responses: {
        200: { description: 'The ticket', schema: TicketDetailOut },
        308: merged,
        404: notFound,
      },
      async handler({ params, scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const sql = sqlFor(scope.cradle.em);
        const id = await ticketIdByNumber(sql, workspaceId, params.number);
        const ticket = await getTicket(sql, workspaceId, id);
        if (ticket.mergedIntoId) {
          const target = await getTicket(sql, workspaceId, ticket.mergedIntoId);
          return reply(308, undefined, {
            Location: `/api/v1/tickets/by-number/${target.number}`,
          });
        }
        return detail(scope, workspaceId, id);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/tickets/:id',
      operationId: 'getTicket',
      summary: 'A ticket with its followers and last 20 timeline items, oldest first',
      description: 'A merged ticket answers 308 with the target’s location.',
      tags: TAGS,
      access: read,
      request: { params: IdParams },
      responses: {
        200: { description: 'The ticket', schema: TicketDetailOut },
        308: merged,
        404: notFound,
      },
      async handler({ params, scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const ticket = await getTicket(sqlFor(scope.cradle.em), workspaceId, params.id);
        if (ticket.mergedIntoId) {
          return reply(308, undefined, { Location: `/api/v1/tickets/${ticket.mergedIntoId}` });
        }
        return detail(scope, workspaceId, params.id);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/tickets/:id',
      operationId: 'updateTicket',
      summary: 'Change a ticket (only the fields sent); one timeline event per changed field',
      description:
        '`statusId` sets a custom status (and its category); `customFields` merges values ' +
        '(`null` removes one); `ccs` replaces the CCs. `ticket.beforeUpdate` taps may change ' +
        'or veto the change.',
      tags: TAGS,
      access: write,
      request: { params: IdParams, body: TicketUpdateBody },
      responses: {
        200: { description: 'The ticket', schema: TicketSchemaOut },
        400: { description: 'Invalid values, an unknown assignee, team, status or field' },
        404: notFound,
      },
      async handler({ params, body, scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const { em, clock, hooks, events, requestId } = scope.cradle;
        const sql = sqlFor(em);
        await getTicket(sql, workspaceId, params.id);
        const { ccs, ...rest } = body;
        const draft = await hooks['ticket.beforeUpdate'].promise(
          { ticketId: params.id, changes: rest },
          hookContext(scope, actor),
        );
        const now = clock.now();
        const changed = await applyTicketChanges(
          sql,
          workspaceId,
          params.id,
          draft.changes,
          actor,
          now,
        );
        if (ccs !== undefined) {
          const resolved = await resolveCcs(sql, workspaceId, ccs, {
            em,
            events,
            actor,
            requestId,
          });
          if (await setCcs(sql, workspaceId, params.id, resolved, actor, now)) changed.push('ccs');
        }
        if (changed.length > 0)
          events.recordFrom(scope.cradle, 'ticket.updated', { ticketId: params.id });
        return getTicket(sql, workspaceId, params.id);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/tickets/:id/messages',
      operationId: 'replyToTicket',
      summary: "An agent's public (outbound) reply; the first one sets `firstResponseAt`",
      description:
        '`body` (text) and/or `bodyHtml` (sanitized), and `attachmentIds` (uploads). ' +
        '`message.beforeSend` taps may change the reply or veto it.',
      tags: TAGS,
      access: write,
      request: { params: IdParams, body: MessageCreateBody },
      responses: {
        201: { description: 'Created', schema: MessageSchemaOut },
        400: { description: 'Empty, or an unknown or expired attachment' },
        404: notFound,
      },
      async handler({ params, body, scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const { em, clock, hooks } = scope.cradle;
        const sql = sqlFor(em);
        await getTicket(sql, workspaceId, params.id);
        const content = messageBody(body);
        const draft = await hooks['message.beforeSend'].promise(
          {
            ticketId: params.id,
            body: content.text,
            bodyHtml: content.html,
            attachmentIds: body.attachmentIds ?? [],
          },
          hookContext(scope, actor),
        );
        const final = messageBody({ body: draft.body, bodyHtml: draft.bodyHtml });
        const message = await addAgentMessage(
          sql,
          workspaceId,
          params.id,
          'reply',
          final,
          actor,
          clock.now(),
        );
        scope.cradle.events.recordFrom(scope.cradle, 'message.created', {
          ticketId: params.id,
          messageId: message.id,
        });
        return withAttachments(scope, sql, workspaceId, message, draft.attachmentIds);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/tickets/:id/notes',
      operationId: 'addTicketNote',
      summary: 'An internal note (never sent to the requester)',
      description:
        '`body` and/or `bodyHtml`, and `attachmentIds`. `note.beforeCreate` taps may change or veto it.',
      tags: TAGS,
      access: write,
      request: { params: IdParams, body: MessageCreateBody },
      responses: {
        201: { description: 'Created', schema: MessageSchemaOut },
        400: { description: 'Empty, or an unknown or expired attachment' },
        404: notFound,
      },
      async handler({ params, body, scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const { em, clock, hooks } = scope.cradle;
        const sql = sqlFor(em);
        await getTicket(sql, workspaceId, params.id);
        const content = messageBody(body);
        const draft = await hooks['note.beforeCreate'].promise(
          {
            ticketId: params.id,
            body: content.text,
            bodyHtml: content.html,
            attachmentIds: body.attachmentIds ?? [],
          },
          hookContext(scope, actor),
        );
        const final = messageBody({ body: draft.body, bodyHtml: draft.bodyHtml });
        const message = await addAgentMessage(
          sql,
          workspaceId,
          params.id,
          'note',
          final,
          actor,
          clock.now(),
        );
        scope.cradle.events.recordFrom(scope.cradle, 'note.created', {
          ticketId: params.id,
          messageId: message.id,
        });
        return withAttachments(scope, sql, workspaceId, message, draft.attachmentIds);
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
