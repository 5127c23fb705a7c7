/**
 * `GET /api/v1/realtime` (server-sent events of the caller's workspace) and the collision-hint
 * routes `POST|GET /api/v1/tickets/{id}/presence`. docs/realtime.md describes the protocol.
 *
 * These routes run outside the router's workspace transaction (`tenancy: 'none'`): a stream
 * lives for minutes, and a presence change is published after its transaction commits. Each
 * opens its own short workspace transaction (`withWorkspace`) for what it reads or writes.
 */
import { PassThrough } from 'node:stream';
import type { Server } from 'node:net';
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { hasPermission } from '../http/router.js';
import { validationFailed } from '../http/problem.js';
import { sqlFor } from '../identity/db.js';
import { PERMISSIONS } from '../identity/permissions.js';
import { NovumError } from '../kernel/errors.js';
import { inWorkspace, requireUser } from '../members/context.js';
import { withWorkspace } from '../tenancy/index.js';
import { eventsAfter } from './events-sql.js';
import type { StreamConnection } from './hub.js';
import { sseFrame } from './messages.js';
import { listViewers, setPresence } from './presence.js';

/** Events replayed for `Last-Event-ID` at most; further behind, the client gets `reset`. */
export const REPLAY_LIMIT = 1000;
/** Bytes queued for a client before it counts as not keeping up. */
const MAX_BUFFERED = 1024 * 1024;

const read = { permission: PERMISSIONS.ticketsRead };

const StreamQuery = z.object({
  lastEventId: z
    .string()
    .regex(/^\d{1,18}$/, 'an event id from this stream')
    .optional()
    .meta({ description: 'For clients that cannot send the `Last-Event-ID` header' }),
});

const IdParams = z.object({ id: z.uuid() });

const PresenceViewerOut = z
  .object({
    userId: z.uuid(),
    name: z.string(),
    state: z.enum(['viewing', 'replying']),
    updatedAt: z.string(),
    expiresAt: z.string(),
  })
  .meta({ id: 'PresenceViewer' });

const PresenceOut = z
  .object({
    ticketId: z.uuid(),
    viewers: z.array(PresenceViewerOut).meta({ description: 'Everyone else on the ticket' }),
  })
  .meta({ id: 'TicketPresence' });

const PresenceBody = z
  .strictObject({ state: z.enum(['viewing', 'replying', 'left']) })
  .meta({ id: 'TicketPresenceUpdate' });

/** Only clients that ask for an event stream get one (EventSource always does). */
function acceptsEventStream(accept: string): boolean {
  return accept
    .split(',')
    .some((part) => part.split(';')[0]!.trim().toLowerCase() === 'text/event-stream');
}

export function realtimeRoutes(presenceTtlMs: number): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/realtime',
      operationId: 'realtimeStream',
      summary: "Server-sent events of the caller's workspace",
      description:
        'A `text/event-stream` of `ticket.created`, `ticket.updated`, `ticket.merged`, ' +
        '`message.created`, `note.created` (callers with `tickets:write`) and `presence` events; ' +
        'comment lines as heartbeats. Requires `Accept: text/event-stream` (406 otherwise). ' +
        'Send `Last-Event-ID` (or `?lastEventId=`) to resume: missed events are replayed, or ' +
        'a `reset` event says to reload. See docs/realtime.md.',
      tags: ['realtime'],
      access: read,
      tenancy: 'none',
      request: { query: StreamQuery },
      responses: {
        200: { description: 'The event stream', contentType: 'text/event-stream' },
        400: { description: 'A malformed Last-Event-ID' },
        406: { description: 'The request does not accept text/event-stream' },
      },
      async handler({ query, scope, actor, koa }) {
        const { workspaceId, actor: member } = inWorkspace(actor);
        if (!acceptsEventStream(koa.get('accept'))) {
          throw new NovumError('not_acceptable', 'This route serves text/event-stream only', {
            status: 406,
          });
        }
        const header = koa.get('last-event-id');
        if (header && !/^\d{1,18}$/.test(header)) {
          throw validationFailed([
            { path: 'headers.last-event-id', message: 'an event id from this stream' },
          ]);
        }
        const lastEventId = header || query.lastEventId;
        const { realtimeHub: hub, em, logger } = scope.cradle;
        const includeNotes = hasPermission(member, PERMISSIONS.ticketsWrite);

        const stream = new PassThrough();
        let closed = false;
        /** Frames that arrive while missed events are replayed: sent after them, deduplicated. */
        let held: { frame: string; position: string | null }[] | null = [];
        let remove: (() => void) | null = null;
        const socket = koa.req.socket;
        const connection: StreamConnection = {
          workspaceId,
          userId: member.kind === 'user' ? member.id : null,
          includeNotes,
          write(frame, position = null) {
            if (closed) return true;
            if (held) {
              held.push({ frame, position });
              return held.length < REPLAY_LIMIT;
            }
            if (stream.writableLength > MAX_BUFFERED) return false;
            stream.write(frame);
            return true;
          },
          close() {
            if (closed) return;
            closed = true;
            remove?.();
            stream.end();
          },
          serverClosing() {
            const server = (socket as unknown as { server?: Server }).server;
            return !!server && !server.listening;
          },
        };

        remove = await hub.add(connection);
        socket.setTimeout(0);
        socket.setNoDelay(true);
        socket.setKeepAlive(true);
        koa.res.on('close', () => connection.close());
        koa.status = 200;
        koa.type = 'text/event-stream';
        koa.set('Cache-Control', 'no-store');
        koa.set('X-Accel-Buffering', 'no');
        koa.body = stream;
        stream.write('retry: 3000\n: connected\n\n');

        let replayedUpTo = lastEventId ? BigInt(lastEventId) : null;
        if (lastEventId) {
          try {
            const missed = await withWorkspace(em, workspaceId, (tx) =>
              eventsAfter(sqlFor(tx), lastEventId, REPLAY_LIMIT, workspaceId),
            );
            if (missed.length >= REPLAY_LIMIT) {
              stream.write(`event: reset\ndata: {"reason":"too_far_behind"}\n\n`);
            } else {
              for (const message of missed) {
                if (message.name === 'note.created' && !includeNotes) continue;
                stream.write(sseFrame(message));
              }
            }
            const last = missed[missed.length - 1];
            if (last) replayedUpTo = BigInt(last.position);
          } catch (error) {
            logger.warn({ err: error }, 'realtime: replay failed; sending reset');
            stream.write(`event: reset\ndata: {"reason":"replay_failed"}\n\n`);
          }
        }
        const pending = held;
        held = null;
        for (const { frame, position } of pending) {
          if (position && replayedUpTo !== null && BigInt(position) <= replayedUpTo) continue;
          connection.write(frame, position);
        }
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/tickets/:id/presence',
      operationId: 'setTicketPresence',
      summary: 'Say you are viewing or replying to a ticket (or have left it)',
      description:
        'Refresh at least every ' +
        `${Math.round(presenceTtlMs / 1000)} s while on the ticket: presence expires after that. ` +
        'Changes reach the workspace as `presence` events. Signed-in users only (not API keys).',
      tags: ['realtime'],
      access: read,
      tenancy: 'none',
      request: { params: IdParams, body: PresenceBody },
      responses: {
        200: { description: 'Everyone else on the ticket', schema: PresenceOut },
        400: { description: 'Invalid state' },
        403: { description: 'Not a signed-in user (API keys have no presence)' },
        404: { description: 'No such ticket in this workspace' },
      },
      async handler({ params, body, scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const user = requireUser(actor);
        const { em, clock, realtimeHub } = scope.cradle;
        const { viewers, changed } = await withWorkspace(em, workspaceId, (tx) =>
          setPresence(sqlFor(tx), {
            workspaceId,
            ticketId: params.id,
            userId: user.id,
            state: body.state,
            now: clock.now(),
            ttlMs: presenceTtlMs,
          }),
        );
        if (changed) {
          await realtimeHub.publish({
            kind: 'presence',
            workspaceId,
            ticketId: params.id,
            viewers,
          });
        }
        return { ticketId: params.id, viewers: viewers.filter((v) => v.userId !== user.id) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/tickets/:id/presence',
      operationId: 'getTicketPresence',
      summary: 'Who else is viewing or replying to a ticket',
      tags: ['realtime'],
      access: read,
      request: { params: IdParams },
      responses: {
        200: { description: 'Everyone else on the ticket', schema: PresenceOut },
        404: { description: 'No such ticket in this workspace' },
      },
      async handler({ params, scope, actor }) {
        const { workspaceId, actor: member } = inWorkspace(actor);
        const { em, clock } = scope.cradle;
        const viewers = await listViewers(sqlFor(em), workspaceId, params.id, clock.now());
        return { ticketId: params.id, viewers: viewers.filter((v) => v.userId !== member.id) };
      },
    }),
  ];
}
