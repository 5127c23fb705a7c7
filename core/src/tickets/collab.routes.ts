/**
 * Followers, drafts, merge and bulk updates of tickets (`tickets:read` to read a draft,
 * `tickets:write` for the rest). Drafts belong to the signed-in user (API keys have none).
 */
import { v7 as uuidv7 } from 'uuid';
import { defineRoute, reply, type RouteDefinition } from '../http/route.js';
import { sqlFor } from '../identity/db.js';
import { PERMISSIONS } from '../identity/permissions.js';
import { inWorkspace, requireUser } from '../members/context.js';
import { viewTicketIds } from '../views/query.js';
import {
  applyBulkItem,
  BULK_INLINE_LIMIT,
  BULK_JOB,
  BULK_MAX_TICKETS,
  createBulkJob,
  getBulkJob,
} from './bulk.js';
import {
  BulkBody,
  BulkOut,
  BulkParams,
  DraftBody,
  DraftOut,
  FollowersBody,
  FollowersOut,
  MergeBody,
} from './collab.schemas.js';
import { hookContext } from './compose.js';
import { deleteDraft, getDraft, saveDraft } from './drafts.js';
import { setFollowers } from './followers.js';
import { assertMergeable, mergeTickets } from './merge.js';
import { IdParams, TicketSchemaOut } from './schemas.js';
import { getTicket } from './tickets.js';
import { assertAssignable } from './update.js';
import { statusCategory } from '../ticket-fields/definitions.js';
import { errors } from '../kernel/errors.js';

const TAGS = ['tickets'];
const read = { permission: PERMISSIONS.ticketsRead };
const write = { permission: PERMISSIONS.ticketsWrite };
const notFound = { description: 'No such ticket in this workspace' };

export function collabRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'put',
      path: '/tickets/:id/followers',
      operationId: 'setTicketFollowers',
      summary: 'Replace the members following a ticket',
      tags: TAGS,
      access: write,
      request: { params: IdParams, body: FollowersBody },
      responses: {
        200: { description: 'The followers', schema: FollowersOut },
        400: { description: 'A user id is no member of this workspace (`body.userIds.<i>`)' },
        404: notFound,
      },
      async handler({ params, body, scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const { em, clock, events } = scope.cradle;
        const result = await setFollowers(
          sqlFor(em),
          workspaceId,
          params.id,
          body.userIds,
          actor,
          clock.now(),
        );
        if (result.changed)
          events.recordFrom(scope.cradle, 'ticket.updated', { ticketId: params.id });
        return { followerIds: result.followerIds };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/tickets/:id/draft',
      operationId: 'getTicketDraft',
      summary: 'Your draft on this ticket (private to you)',
      tags: TAGS,
      access: read,
      request: { params: IdParams },
      responses: {
        200: { description: 'The draft', schema: DraftOut },
        404: { description: 'No such ticket, or you have no draft on it' },
      },
      handler: ({ params, scope, actor }) =>
        getDraft(
          sqlFor(scope.cradle.em),
          inWorkspace(actor).workspaceId,
          params.id,
          requireUser(actor).id,
        ),
    }),
    defineRoute({
      method: 'put',
      path: '/tickets/:id/draft',
      operationId: 'saveTicketDraft',
      summary: 'Save your draft reply or note on this ticket (replaces the previous one)',
      tags: TAGS,
      access: write,
      request: { params: IdParams, body: DraftBody },
      responses: {
        200: { description: 'The draft', schema: DraftOut },
        400: { description: 'An unknown or expired attachment (`body.attachmentIds.<i>`)' },
        404: notFound,
      },
      handler: ({ params, body, scope, actor }) =>
        saveDraft(
          scope,
          sqlFor(scope.cradle.em),
          inWorkspace(actor).workspaceId,
          params.id,
          requireUser(actor).id,
          body,
        ),
    }),
    defineRoute({
      method: 'delete',
      path: '/tickets/:id/draft',
      operationId: 'deleteTicketDraft',
      summary: 'Discard your draft on this ticket',
      tags: TAGS,
      access: write,
      request: { params: IdParams },
      responses: { 204: { description: 'Discarded' }, 404: notFound },
      async handler({ params, scope, actor }) {
        await deleteDraft(
          sqlFor(scope.cradle.em),
          inWorkspace(actor).workspaceId,
          params.id,
          requireUser(actor).id,
        );
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/tickets/:id/merge',
      operationId: 'mergeTicket',
      summary: 'Merge this ticket into another: its conversation moves there, and it closes',
      description:
        'Messages, notes (with their attachments), followers and CCs move to the target; this ' +
        'ticket is closed with `mergedIntoId`, and reading it then answers 308. Both timelines ' +
        'record the merge; `ticket.beforeMerge` taps may veto it.',
      tags: TAGS,
      access: write,
      request: { params: IdParams, body: MergeBody },
      responses: {
        200: { description: 'The target ticket', schema: TicketSchemaOut },
        400: { description: 'Merging a ticket into itself' },
        404: { description: 'Either ticket is not in this workspace' },
        409: {
          description: 'Already merged (`already_merged`), or the target was (`target_merged`)',
        },
      },
      async handler({ params, body, scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const { em, clock, hooks, events } = scope.cradle;
        const sql = sqlFor(em);
        await assertMergeable(sql, workspaceId, params.id, body.targetTicketId);
        await hooks['ticket.beforeMerge'].promise(
          { sourceId: params.id, targetId: body.targetTicketId },
          hookContext(scope, actor),
        );
        await mergeTickets(sql, workspaceId, params.id, body.targetTicketId, actor, clock.now());
        events.recordFrom(scope.cradle, 'ticket.merged', {
          sourceId: params.id,
          targetId: body.targetTicketId,
        });
        events.recordFrom(scope.cradle, 'ticket.updated', { ticketId: params.id });
        events.recordFrom(scope.cradle, 'ticket.updated', { ticketId: body.targetTicketId });
        return getTicket(sql, workspaceId, body.targetTicketId);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/tickets/bulk',
      operationId: 'bulkUpdateTickets',
      summary: 'Change many tickets at once (by ids, or every ticket of a view)',
      description:
        `Up to ${BULK_INLINE_LIMIT} tickets are changed in the request (200, a result per ` +
        `ticket); more (up to ${BULK_MAX_TICKETS}) become a job (202; follow it at ` +
        '`/tickets/bulk/{jobId}`). Each ticket is changed like a PATCH: its timeline event, ' +
        '`ticket.beforeUpdate` taps and `ticket.updated` event; one refused ticket does not stop ' +
        'the others. `ticket.beforeBulkUpdate` taps see the whole request first.',
      tags: TAGS,
      access: write,
      request: { body: BulkBody },
      responses: {
        200: { description: 'Done inline, with a result per ticket', schema: BulkOut },
        202: { description: 'Queued as a job', schema: BulkOut },
        400: { description: 'Invalid changes, an unknown assignee, team, status or view' },
      },
      async handler({ body, scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const { em, clock, hooks, events, jobs } = scope.cradle;
        const sql = sqlFor(em);
        const ticketIds = body.viewId
          ? await viewTicketIds(sql, workspaceId, body.viewId, actor, BULK_MAX_TICKETS + 1)
          : [...new Set(body.ticketIds!)];
        if (ticketIds.length > BULK_MAX_TICKETS) {
          throw errors.badRequest(
            'too_many_tickets',
            `At most ${BULK_MAX_TICKETS} tickets at once`,
          );
        }
        await assertAssignable(sql, workspaceId, body.changes);
        if (body.changes.statusId) {
          await statusCategory(sql, workspaceId, body.changes.statusId, 'body.changes.statusId');
        }
        const draft = await hooks['ticket.beforeBulkUpdate'].promise(
          { ticketIds, changes: body.changes },
          hookContext(scope, actor),
        );
        const now = clock.now();
        if (draft.ticketIds.length > BULK_INLINE_LIMIT) {
          const job = await createBulkJob(
            sql,
            workspaceId,
            draft.ticketIds,
            draft.changes,
            actor,
            now,
          );
          await jobs.send(BULK_JOB, { workspaceId, bulkId: job.id }, { em });
          return reply(202, job);
        }
        const results = [];
        for (const ticketId of draft.ticketIds) {
          results.push(await applyBulkItem(scope, workspaceId, ticketId, draft.changes, actor));
        }
        const bulkId = uuidv7();
        const updated = results.filter((r) => r.status === 'updated').length;
        events.recordFrom(scope.cradle, 'ticket.bulk_updated', { bulkId, ticketCount: updated });
        return {
          id: bulkId,
          status: 'completed',
          total: results.length,
          done: results.length,
          updated,
          errors: results
            .filter((r) => r.error)
            .map((r) => ({ ticketId: r.ticketId, ...r.error! })),
          results,
          createdAt: now.toISOString(),
          finishedAt: clock.now().toISOString(),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/tickets/bulk/:jobId',
      operationId: 'getTicketBulkJob',
      summary: "A bulk update job's progress: tickets done of total, and per-ticket errors",
      tags: TAGS,
      access: write,
      request: { params: BulkParams },
      responses: {
        200: { description: 'The job', schema: BulkOut },
        404: { description: 'No such bulk update in this workspace' },
      },
      handler: ({ params, scope, actor }) =>
        getBulkJob(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId, params.jobId),
    }),
  ];
}
