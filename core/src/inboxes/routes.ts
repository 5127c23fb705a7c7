/**
 * `/inboxes`: managing inboxes needs `settings:manage`; posting an inbound message to an API
 * inbox needs `tickets:write` (the integration's API key). Settings are validated by the
 * inbox's channel provider.
 */
import { z } from 'zod';
import { defineRoute, reply, type RouteDefinition } from '../http/route.js';
import { sqlFor } from '../identity/db.js';
import { assertInboxAvailable } from '../billing/seats.js';
import { PERMISSIONS } from '../identity/permissions.js';
import { errors } from '../kernel/errors.js';
import { inWorkspace } from '../members/context.js';
import { findOrCreateContactByEmail } from '../contacts/contacts.js';
import { hookContext } from '../tickets/tickets.routes.js';
import { insertEvent, insertMessage, insertTicket } from '../tickets/tickets.js';
import { apiChannel, type ApiInboxSettings } from './api-channel.js';
import { recordOf } from './channel-inbound.js';
import { deliveryEventView } from './delivery.js';
import { carrySecrets, openSecrets, sealSecrets, settingsKey } from './secrets.js';
import {
  deleteInbox,
  inboxRow,
  storedSettings,
  findByExternalId,
  getInbox,
  insertInbox,
  insertRef,
  listInboxes,
  lockExternalId,
  openTicketOfThread,
  parseSettings,
  providerFor,
  updateInbox,
} from './inboxes.js';
import {
  ChannelTypeOut,
  DeliveryHistoryOut,
  DeliveryParams,
  DeliveryQuery,
  IdParams,
  InboundMessageBody,
  InboundResultOut,
  InboxCreateBody,
  InboxSchemaOut,
  InboxUpdateBody,
} from './schemas.js';
import '../tickets/events.js';

const TAGS = ['inboxes'];
const access = { permission: PERMISSIONS.settingsManage };
const notFound = { description: 'No such inbox in this workspace' };

export function inboxRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/inboxes/channel-types',
      operationId: 'listChannelTypes',
      summary: 'The channel types an inbox can be created with (the core and loaded plugins)',
      tags: TAGS,
      access,
      responses: { 200: { description: 'By type', schema: z.array(ChannelTypeOut) } },
      handler: ({ scope }) =>
        [...scope.cradle.channelProviders.values()]
          .map(({ provider }) => ({
            type: provider.type,
            displayName: provider.displayName,
            canSend: typeof provider.send === 'function',
          }))
          .sort((a, b) => a.type.localeCompare(b.type)),
    }),
    defineRoute({
      method: 'get',
      path: '/inboxes',
      operationId: 'listInboxes',
      summary: 'Inboxes of the workspace, oldest first',
      tags: TAGS,
      access,
      responses: { 200: { description: 'Oldest first', schema: z.array(InboxSchemaOut) } },
      handler: ({ scope, actor }) =>
        listInboxes(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId),
    }),
    defineRoute({
      method: 'post',
      path: '/inboxes',
      operationId: 'createInbox',
      summary: "Create an inbox of a channel type; the provider's schema validates its settings",
      tags: TAGS,
      access,
      request: { body: InboxCreateBody },
      responses: {
        201: { description: 'Created', schema: InboxSchemaOut },
        400: { description: 'Invalid body or settings, or an unknown `channelType`' },
      },
      async handler({ body, scope, actor }) {
        const { em, clock, channelProviders, config } = scope.cradle;
        const { workspaceId } = inWorkspace(actor);
        const declaration = providerFor(channelProviders, body.channelType);
        const settings = parseSettings(declaration, body.settings ?? {});
        // The plan's inbox limit (billing module): 402 PLAN_LIMIT_REACHED past it.
        await assertInboxAvailable(scope, workspaceId);
        const view = await insertInbox(
          sqlFor(em),
          workspaceId,
          {
            channelType: body.channelType,
            name: body.name,
            settings: sealSecrets(
              settings,
              declaration.provider.secrets ?? [],
              settingsKey(config.secret),
            ),
            enabled: body.enabled ?? true,
          },
          clock.now(),
        );
        await declaration.provider.inboxChanged?.({
          action: 'saved',
          inbox: { ...view, settings },
          workspaceId,
          em,
        });
        return view;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/inboxes/:id',
      operationId: 'getInbox',
      summary: 'One inbox',
      tags: TAGS,
      access,
      request: { params: IdParams },
      responses: { 200: { description: 'The inbox', schema: InboxSchemaOut }, 404: notFound },
      handler: ({ params, scope, actor }) =>
        getInbox(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId, params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/inboxes/:id',
      operationId: 'updateInbox',
      summary: 'Rename, enable or disable an inbox, or replace its settings',
      tags: TAGS,
      access,
      request: { params: IdParams, body: InboxUpdateBody },
      responses: {
        200: { description: 'The inbox', schema: InboxSchemaOut },
        400: { description: 'Invalid body or settings' },
        404: notFound,
      },
      async handler({ params, body, scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const { em, channelProviders, config } = scope.cradle;
        const sql = sqlFor(em);
        const row = await inboxRow(sql, workspaceId, params.id);
        if (!row) throw errors.notFound('Inbox');
        const declaration = providerFor(channelProviders, row.channel_type);
        const secrets = declaration.provider.secrets ?? [];
        const key = settingsKey(config.secret);
        const stored = openSecrets(storedSettings(row), key);
        // Secrets the update leaves out are kept (the API never shows them to send back).
        const settings =
          body.settings === undefined
            ? undefined
            : parseSettings(declaration, carrySecrets(body.settings, stored, secrets));
        const view = await updateInbox(sql, workspaceId, params.id, {
          name: body.name,
          enabled: body.enabled,
          ...(settings ? { settings: sealSecrets(settings, secrets, key) } : {}),
        });
        await declaration.provider.inboxChanged?.({
          action: 'saved',
          inbox: { ...view, settings: settings ?? stored },
          workspaceId,
          em,
        });
        return view;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/inboxes/:id',
      operationId: 'deleteInbox',
      summary: 'Delete an inbox (its tickets stay; their `via` keeps the inbox id)',
      tags: TAGS,
      access,
      request: { params: IdParams },
      responses: { 204: { description: 'Deleted' }, 404: notFound },
      async handler({ params, scope, actor }) {
        const { em, channelProviders, config } = scope.cradle;
        const { workspaceId } = inWorkspace(actor);
        const sql = sqlFor(em);
        const row = await inboxRow(sql, workspaceId, params.id);
        await deleteInbox(sql, workspaceId, params.id);
        const provider = row ? channelProviders.get(row.channel_type)?.provider : undefined;
        if (row && provider?.inboxChanged) {
          await provider.inboxChanged({
            action: 'deleted',
            inbox: recordOf(row, settingsKey(config.secret)),
            workspaceId,
            em,
          });
        }
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/tickets/:ticketId/messages/:messageId/deliveries',
      operationId: 'listMessageDeliveries',
      summary: "A message's delivery history (queued, sent, delivered, bounced, …), oldest first",
      description:
        'The events the channel reported for an outbound reply, one per recipient when a ' +
        "delivery report names several, with `status` being the message's latest status.",
      tags: TAGS,
      access: { permission: PERMISSIONS.ticketsRead },
      request: { params: DeliveryParams, query: DeliveryQuery },
      responses: {
        200: { description: 'Oldest first', schema: DeliveryHistoryOut },
        404: { description: 'No such message on this ticket in this workspace' },
      },
      async handler({ params, query, scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const sql = sqlFor(scope.cradle.em);
        const [message] = await sql(
          `select delivery_status from ticket_message
            where workspace_id = ? and ticket_id = ? and id = ? and kind = 'reply'`,
          [workspaceId, params.ticketId, params.messageId],
        );
        if (!message) throw errors.notFound('Message');
        const rows = await sql(
          `select * from message_delivery_event
            where workspace_id = ? and message_id = ? and (?::uuid is null or id > ?::uuid)
            order by id limit ?`,
          [
            workspaceId,
            params.messageId,
            query.cursor ?? null,
            query.cursor ?? null,
            query.limit + 1,
          ],
        );
        const page = rows.slice(0, query.limit);
        return {
          status: message.delivery_status ?? null,
          data: page.map(deliveryEventView),
          nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null,
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/inboxes/:id/messages',
      operationId: 'postInboundMessage',
      summary: 'Post an inbound message to an API inbox: a new ticket, or a follow-up',
      description:
        'The sender becomes (or is) a contact. With `threadKey`, a follow-up joins the latest ' +
        'ticket of that thread unless it is solved or closed. With `externalId`, sending the same ' +
        'message again creates nothing and answers 200 with the ids of the first delivery.',
      tags: TAGS,
      access: { permission: PERMISSIONS.ticketsWrite },
      request: { params: IdParams, body: InboundMessageBody },
      responses: {
        200: { description: 'Seen before (same `externalId`)', schema: InboundResultOut },
        201: { description: 'Recorded', schema: InboundResultOut },
        404: notFound,
        409: { description: 'The inbox is no API inbox, or is disabled' },
      },
      async handler({ params, body, scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const { em, clock, hooks, events, requestId } = scope.cradle;
        const sql = sqlFor(em);
        const inbox = await getInbox(sql, workspaceId, params.id);
        if (inbox.channelType !== apiChannel.type) {
          throw errors.conflict('inbox_not_api', 'Only API inboxes accept messages over HTTP');
        }
        if (!inbox.enabled) throw errors.conflict('inbox_disabled', 'This inbox is disabled');
        const externalId = body.externalId ?? null;
        const threadKey = body.threadKey ?? null;
        if (externalId) {
          await lockExternalId(sql, inbox.id, externalId);
          const seen = await findByExternalId(sql, workspaceId, inbox.id, externalId);
          if (seen) return reply(200, { ...seen, outcome: 'duplicate' });
        }
        const record = { workspaceId, actor, requestId };
        const contact = await findOrCreateContactByEmail(
          em,
          workspaceId,
          body.from.email,
          body.from.name ?? null,
          { events, actor, requestId },
        );
        const now = clock.now();
        const existing = threadKey
          ? await openTicketOfThread(sql, workspaceId, inbox.id, threadKey)
          : null;
        let ticketId: string;
        let text = body.body;
        if (existing) {
          ticketId = existing;
        } else {
          const settings = inbox.settings as ApiInboxSettings;
          const draft = await hooks['ticket.beforeCreate'].promise(
            {
              subject: body.subject,
              requesterId: contact.id,
              priority: 'normal',
              type: null,
              tags: [...(settings.tags ?? [])],
              body: body.body,
            },
            hookContext(scope, actor),
          );
          text = draft.body;
          ticketId = await insertTicket(
            sql,
            workspaceId,
            { ...draft, via: { channel: apiChannel.type, inboxId: inbox.id } },
            now,
          );
        }
        const message = await insertMessage(
          sql,
          workspaceId,
          ticketId,
          {
            kind: 'reply',
            direction: 'inbound',
            authorUserId: null,
            authorContactId: contact.id,
            body: text,
          },
          now,
        );
        if (existing) {
          await sql(`update ticket set updated_at = ? where workspace_id = ? and id = ?`, [
            now,
            workspaceId,
            ticketId,
          ]);
        } else {
          await insertEvent(
            sql,
            workspaceId,
            ticketId,
            actor,
            'created',
            { via: apiChannel.type, inboxId: inbox.id },
            now,
          );
          events.record(em, 'ticket.created', { ticketId }, record);
        }
        events.record(em, 'message.created', { ticketId, messageId: message.id }, record);
        if (externalId || threadKey) {
          await insertRef(
            sql,
            workspaceId,
            inbox.id,
            { ticketId, messageId: message.id, externalId, threadKey },
            now,
          );
        }
        return reply(201, {
          ticketId,
          messageId: message.id,
          outcome: existing ? 'appended' : 'created',
        });
      },
    }),
  ];
}
