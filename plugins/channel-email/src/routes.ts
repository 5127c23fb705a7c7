/**
 * The plugin's HTTP routes, under `/api/p/channel-email`:
 *
 * - `POST /inboxes/:id/raw`: raw MIME (RFC 5322) for an inbox, from an MTA pipe or an inbound
 *   parse service, authenticated with the inbox's own bearer token (`inboundToken` setting).
 *   202 once the message is stored (processing follows from the stored copy).
 * - `GET /outbox`, `GET /outbox/:id`: outbound mail with its status; on an instance without a
 *   relay this is where the captured mail is (never sent).
 * - `GET /inbound`, `GET /inbound/:id`: received mail with its outcome (threading rule,
 *   auto-reply and bounce verdicts, ticket).
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import {
  defineRoute,
  errors,
  NovumError,
  reply,
  withWorkspace,
  type RouteDefinition,
} from '@novumdesk/core';
import { sqlOf, type Row } from './db.js';
import { acceptRaw } from './inbound.js';
import type { EmailInboxSettings } from './options.js';
import type { EmailRuntime } from './runtime.js';

export const EMAIL_READ = 'email:read';
/** The header carrying an inbox's `inboundToken` (not `Authorization`, which names users). */
export const TOKEN_HEADER = 'x-novumdesk-inbox-token';

const IdParams = z.object({ id: z.uuid() });
const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.uuid().optional(),
  status: z.string().max(40).optional(),
});

const OutboundOut = z
  .object({
    id: z.string(),
    inboxId: z.string().nullable(),
    ticketMessageId: z.string().nullable(),
    rfcMessageId: z.string(),
    recipients: z.array(z.string()),
    subject: z.string(),
    /** `queued`, `sent`, `captured` (no relay: stored, not sent), `failed`. */
    status: z.string(),
    attempts: z.number(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .meta({ id: 'EmailOutbound' });
const OutboundDetailOut = OutboundOut.extend({ raw: z.string() }).meta({
  id: 'EmailOutboundDetail',
});

const InboundOut = z
  .object({
    id: z.string(),
    inboxId: z.string().nullable(),
    source: z.string(),
    rfcMessageId: z.string().nullable(),
    size: z.number(),
    /** `stored` (not processed yet), `processed`, `report`, `report_unmatched`, `loop`, `failed`. */
    status: z.string(),
    threadRule: z.string().nullable(),
    ticketId: z.string().nullable(),
    messageId: z.string().nullable(),
    outcome: z.record(z.string(), z.unknown()),
    error: z.string().nullable(),
    receivedAt: z.string(),
    processedAt: z.string().nullable(),
  })
  .meta({ id: 'EmailInbound' });

const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null);
const list = (value: unknown): string[] =>
  Array.isArray(value)
    ? (value as string[])
    : String(value ?? '')
        .replace(/^\{|\}$/g, '')
        .split(',')
        .filter(Boolean);

const outboundView = (r: Row) => ({
  id: r.id,
  inboxId: r.inbox_id,
  ticketMessageId: r.ticket_message_id,
  rfcMessageId: r.rfc_message_id,
  recipients: list(r.recipients),
  subject: r.subject,
  status: r.status,
  attempts: Number(r.attempts),
  lastError: r.last_error,
  createdAt: iso(r.created_at)!,
  sentAt: iso(r.sent_at),
});

const inboundView = (r: Row) => ({
  id: r.id,
  inboxId: r.inbox_id,
  source: r.source,
  rfcMessageId: r.rfc_message_id,
  size: Number(r.size),
  status: r.status,
  threadRule: r.thread_rule,
  ticketId: r.ticket_id,
  messageId: r.message_id,
  outcome: (typeof r.outcome === 'string' ? JSON.parse(r.outcome) : r.outcome) ?? {},
  error: r.error,
  receivedAt: iso(r.received_at)!,
  processedAt: iso(r.processed_at),
});

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(
          new NovumError('payload_too_large', `The message is larger than ${limit} bytes`, {
            status: 413,
          }),
        );
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const digest = (value: string) => createHash('sha256').update(value).digest();

function listRoute(
  table: 'channel_email_outbound' | 'channel_email_inbound',
  view: (r: Row) => unknown,
  schema: z.ZodType,
  operationId: string,
  summary: string,
): RouteDefinition {
  return defineRoute({
    method: 'get',
    path: table === 'channel_email_outbound' ? '/outbox' : '/inbound',
    operationId,
    summary,
    access: { permission: EMAIL_READ },
    request: { query: ListQuery },
    responses: {
      200: {
        description: 'Newest first',
        schema: z.object({ data: z.array(schema), nextCursor: z.string().nullable() }),
      },
    },
    async handler({ query, scope, actor }) {
      const workspaceId = actor!.workspaceId!;
      const rows = await sqlOf(scope.cradle.em)(
        `select * from ${table}
          where workspace_id = ? and (?::uuid is null or id < ?::uuid) and (?::text is null or status = ?)
          order by id desc limit ?`,
        [
          workspaceId,
          query.cursor ?? null,
          query.cursor ?? null,
          query.status ?? null,
          query.status ?? null,
          query.limit + 1,
        ],
      );
      const page = rows.slice(0, query.limit);
      return {
        data: page.map(view),
        nextCursor: rows.length > query.limit ? (page[page.length - 1]!.id as string) : null,
      };
    },
  });
}

export function emailRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/inboxes/:id/raw',
      operationId: 'postEmailRawMime',
      summary: 'Deliver one raw MIME message to an email inbox (MTA pipes, inbound-parse services)',
      description:
        "Authenticated with the inbox's own token: `X-NovumDesk-Inbox-Token: <inboundToken>` (an " +
        'inbox setting). The body is the message as is (`message/rfc822`, `text/plain` or ' +
        '`application/octet-stream`). 202 means stored: processing follows from the stored copy, ' +
        'and the same message sent again stores nothing new (`duplicate: true`).',
      access: 'public',
      tenancy: 'none',
      request: { params: IdParams },
      responses: {
        202: {
          description: 'Stored',
          schema: z
            .object({ id: z.string().nullable(), duplicate: z.boolean() })
            .meta({ id: 'EmailRawAccepted' }),
        },
        404: { description: 'No such email inbox, no token set, or a missing or wrong token' },
        413: { description: 'Larger than the size limit' },
      },
      async handler({ params, koa, scope }) {
        const runtime: EmailRuntime = scope.cradle.channelEmailRuntime;
        const route = await runtime.routeOfInbox(params.id);
        const given = koa.get(TOKEN_HEADER) || null;
        const inbox = route
          ? await withWorkspace(runtime.cradle.orm.em.fork(), route.workspaceId, (tx) =>
              runtime.cradle.channelInbound.inbox(tx, route.workspaceId, params.id),
            )
          : null;
        const token = (inbox?.settings as Partial<EmailInboxSettings> | undefined)?.inboundToken;
        // A missing or wrong token answers like an unknown inbox: ids are not probed.
        if (
          !route ||
          !inbox ||
          !token ||
          !given ||
          !timingSafeEqual(digest(given), digest(token))
        ) {
          koa.req.resume();
          throw errors.notFound('Inbox');
        }
        if (!inbox.enabled) {
          koa.req.resume();
          throw errors.conflict('inbox_disabled', 'This inbox is disabled');
        }
        const raw = await readBody(koa.req, runtime.options.smtp.maxMessageBytes);
        if (raw.length === 0) throw errors.badRequest('empty_message', 'The body is empty');
        const accepted = await acceptRaw(runtime, {
          workspaceId: route.workspaceId,
          inboxId: params.id,
          source: 'http',
          raw,
          envelope: { remoteAddress: koa.ip },
        });
        return reply(202, accepted);
      },
    }),
    listRoute(
      'channel_email_outbound',
      outboundView,
      OutboundOut,
      'listEmailOutbox',
      'Outbound mail, newest first (the outbox)',
    ),
    defineRoute({
      method: 'get',
      path: '/outbox/:id',
      operationId: 'getEmailOutbound',
      summary: 'One outbound message, with its MIME source',
      access: { permission: EMAIL_READ },
      request: { params: IdParams },
      responses: {
        200: { description: 'The message', schema: OutboundDetailOut },
        404: { description: 'Not found' },
      },
      async handler({ params, scope, actor }) {
        const [row] = await sqlOf(scope.cradle.em)(
          `select * from channel_email_outbound where workspace_id = ? and id = ?`,
          [actor!.workspaceId, params.id],
        );
        if (!row) throw errors.notFound('Outbound message');
        return { ...outboundView(row), raw: Buffer.from(row.raw).toString('utf8') };
      },
    }),
    listRoute(
      'channel_email_inbound',
      inboundView,
      InboundOut,
      'listEmailInbound',
      'Received mail, newest first',
    ),
    defineRoute({
      method: 'get',
      path: '/inbound/:id',
      operationId: 'getEmailInbound',
      summary: 'One received message: its outcome (threading rule, verdicts, ticket)',
      access: { permission: EMAIL_READ },
      request: { params: IdParams },
      responses: {
        200: { description: 'The message', schema: InboundOut },
        404: { description: 'Not found' },
      },
      async handler({ params, scope, actor }) {
        const [row] = await sqlOf(scope.cradle.em)(
          `select * from channel_email_inbound where workspace_id = ? and id = ?`,
          [actor!.workspaceId, params.id],
        );
        if (!row) throw errors.notFound('Inbound message');
        return inboundView(row);
      },
    }),
  ];
}
