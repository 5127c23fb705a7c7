/**
 * `GET /api/v1/search`: one search box over tickets (subjects, messages, notes for agents) and
 * contacts, through the active `SearchProvider`. Any signed-in member may call it; what it
 * searches follows their permissions: tickets with `tickets:read`, contacts with
 * `contacts:read`, internal notes with `tickets:write` (agents).
 */
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { hasPermission } from '../http/router.js';
import { PERMISSIONS } from '../identity/permissions.js';
import { errors } from '../kernel/errors.js';
import { inWorkspace } from '../members/context.js';
import { SearchQueryParams, SearchResponse } from './schemas.js';

export function searchRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/search',
      operationId: 'search',
      summary: 'Search tickets and contacts (ranked, highlighted, keyset-paginated)',
      description:
        '`q` takes words, `"phrases"`, `-excluded` words and `or`; the last word also matches ' +
        'as a prefix. Tickets match on subject, public messages and (for callers with ' +
        '`tickets:write`) internal notes; contacts on name (fuzzy) and email (prefix or ' +
        'fragment). Ticket filters: `status` (comma-separated), `assigneeId` (or `none`), ' +
        '`tag`, `inboxId`, `createdFrom`/`createdTo`, `updatedFrom`/`updatedTo`. With ' +
        '`type=all` each page holds up to `limit` tickets and up to `limit` contacts. ' +
        'Highlights are HTML-safe (escaped, `<mark>` around matches).',
      tags: ['search'],
      access: 'authenticated',
      request: { query: SearchQueryParams },
      responses: {
        200: { description: 'Hits, best first', schema: SearchResponse },
        400: { description: 'Invalid query or cursor' },
        403: { description: 'The caller may read neither tickets nor contacts (for this type)' },
      },
      async handler({ query, scope, actor }) {
        const { workspaceId, actor: member } = inWorkspace(actor);
        const includeTickets = hasPermission(member, PERMISSIONS.ticketsRead);
        const includeContacts = hasPermission(member, PERMISSIONS.contactsRead);
        const allowed =
          query.type === 'tickets'
            ? includeTickets
            : query.type === 'contacts'
              ? includeContacts
              : includeTickets || includeContacts;
        if (!allowed) throw errors.forbidden('forbidden', 'Not allowed to search these records');
        const { q, type, limit, cursor, ...filters } = query;
        return scope.cradle.searchService.search(
          { q, type, limit, cursor, filters },
          {
            workspaceId,
            actor: member,
            includeTickets,
            includeContacts,
            includeNotes: hasPermission(member, PERMISSIONS.ticketsWrite),
            em: scope.cradle.em,
            scope,
          },
        );
      },
    }),
  ];
}
