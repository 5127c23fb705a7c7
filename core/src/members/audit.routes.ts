/** `GET /audit-events`: the workspace's security log, newest first (permission `audit:read`). */
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { sqlFor } from '../identity/db.js';
import { PERMISSIONS } from '../identity/permissions.js';
import { listAuditEvents } from './audit.js';
import { inWorkspace } from './context.js';
import { AuditEventPage, AuditEventQuery } from './schemas.js';

export function auditRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/audit-events',
      operationId: 'listAuditEvents',
      summary: "The workspace's security and administration events, newest first",
      description:
        'Keyset-paginated: pass `nextCursor` back as `cursor` for the next page; it is null on ' +
        'the last one. Events are kept for the configured retention (365 days by default).',
      tags: ['audit'],
      access: { permission: PERMISSIONS.auditRead },
      request: { query: AuditEventQuery },
      responses: {
        200: { description: 'A page of events', schema: AuditEventPage },
        400: { description: 'A malformed cursor (`invalid_cursor`)' },
      },
      handler: ({ query, scope, actor }) =>
        listAuditEvents(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId, query),
    }),
  ];
}
