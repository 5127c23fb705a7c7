/**
 * The authorization matrix's expectations: one entry per route of the shipped helpdesk, keyed
 * `METHOD /path` exactly as the OpenAPI document spells it. The matrix spec fails for a route
 * without an entry, so a new route cannot ship without someone deciding who may call it and
 * how to prove that another workspace cannot reach its resources.
 *
 * Per entry:
 * - `access`: what the route must declare (`x-novumdesk-access`); a silent change fails.
 * - `resource`: for a route with a path id of a workspace resource, the params naming workspace
 *   A's resource (and `body`, a valid body, so that only the id can be the reason for the 404).
 *   Workspace B's owner, who holds every permission of B, must get 404 for it.
 * - `notAWorkspaceResource`: instead of `resource`, why the path names none.
 * - `skipListCheck`: why a parameterless GET is not compared across workspaces (rare).
 */
import type { Person } from '../members/testkit.test.js';

export type Access = 'public' | 'authenticated' | { permission: string };

/** What the matrix creates in each workspace, through the API, before it runs. */
export interface WorkspaceFixtures {
  owner: Person;
  /** A member with the built-in agent role. */
  agent: Person;
  agentRoleId: string;
  customRoleId: string;
  teamId: string;
  invitationId: string;
  apiKeyId: string;
  /** A webhook subscription (webhooks module). */
  webhookId: string;
  contactId: string;
  organizationId: string;
  contactImportId: string;
  /** A ticket (tickets module). */
  ticketId: string;
  /** An API inbox (inboxes module). */
  inboxId: string;
  /** Tickets module: an attachment on a note, a custom status and field, a shared view, a bulk job. */
  attachmentId: string;
  ticketStatusId: string;
  ticketFieldId: string;
  viewId: string;
  bulkJobId: string;
  /** Ids of resources created by plugins' matrix fixtures (`MatrixContribution.fixtures`). */
  extra: Record<string, string>;
}

export interface Fixtures {
  a: WorkspaceFixtures;
  b: WorkspaceFixtures;
}

export interface RouteExpectation {
  access: Access;
  resource?: (fx: Fixtures) => Record<string, string>;
  body?: (fx: Fixtures) => unknown;
  notAWorkspaceResource?: string;
  skipListCheck?: string;
}

const perm = (permission: string): Access => ({ permission });

export const EXPECTATIONS: Record<string, RouteExpectation> = {
  // Probes and documentation: public by design.
  'GET /healthz': { access: 'public' },
  'GET /readyz': { access: 'public' },
  'GET /api/v1/openapi.json': { access: 'public' },
  'GET /api/v1/docs': { access: 'public' },
  'GET /api/v1/meta': { access: 'public' },

  // Kernel operator routes: instance-wide, for the operator (system:*), never in a workspace role.
  'GET /api/v1/system/plugins': { access: perm('system:read') },
  'GET /api/v1/system/plugins/{id}/settings': {
    access: perm('system:read'),
    notAWorkspaceResource: 'a plugin id: instance-wide options, operator only',
  },
  'GET /api/v1/system/hooks': { access: perm('system:manage') },
  'GET /api/v1/system/jobs': { access: perm('system:manage') },
  'GET /api/v1/system/jobs/{name}/dead-letters': {
    access: perm('system:manage'),
    notAWorkspaceResource: 'a job queue name: instance-wide, operator only',
  },
  'POST /api/v1/system/jobs/{name}/dead-letters/retry': {
    access: perm('system:manage'),
    notAWorkspaceResource: 'a job queue name: instance-wide, operator only',
  },
  'GET /api/v1/admin/extensions': { access: 'authenticated' },

  // Identity: credential exchange is public (it authenticates by itself), the rest is not.
  'POST /api/v1/auth/signup': { access: 'public' },
  'POST /api/v1/auth/login': { access: 'public' },
  'POST /api/v1/auth/refresh': { access: 'public' },
  'POST /api/v1/auth/logout': { access: 'public' },
  'POST /api/v1/auth/session': { access: 'public' },
  'POST /api/v1/auth/session/refresh': { access: 'public' },
  'DELETE /api/v1/auth/session': { access: 'public' },
  'POST /api/v1/auth/password': { access: 'authenticated' },
  'GET /api/v1/me': { access: 'authenticated' },
  'GET /api/v1/api-keys': { access: perm('settings:manage') },
  'POST /api/v1/api-keys': { access: perm('settings:manage') },
  'DELETE /api/v1/api-keys/{id}': {
    access: perm('settings:manage'),
    resource: (fx) => ({ id: fx.a.apiKeyId }),
  },

  // Members module.
  'GET /api/v1/members': { access: perm('members:read') },
  'PATCH /api/v1/members/{userId}': {
    access: perm('members:manage'),
    resource: (fx) => ({ userId: fx.a.agent.userId }),
    body: (fx) => ({ roleId: fx.b.agentRoleId }),
  },
  'DELETE /api/v1/members/{userId}': {
    access: perm('members:manage'),
    resource: (fx) => ({ userId: fx.a.agent.userId }),
  },
  'GET /api/v1/invitations': { access: perm('members:manage') },
  'POST /api/v1/invitations': { access: perm('members:manage') },
  'DELETE /api/v1/invitations/{id}': {
    access: perm('members:manage'),
    resource: (fx) => ({ id: fx.a.invitationId }),
  },
  'POST /api/v1/invitations/accept': { access: 'public' },
  'GET /api/v1/permissions': { access: perm('members:read') },
  'GET /api/v1/roles': { access: perm('members:read') },
  'POST /api/v1/roles': { access: perm('roles:manage') },
  'PATCH /api/v1/roles/{id}': {
    access: perm('roles:manage'),
    resource: (fx) => ({ id: fx.a.customRoleId }),
    body: () => ({ name: 'Taken over' }),
  },
  'DELETE /api/v1/roles/{id}': {
    access: perm('roles:manage'),
    resource: (fx) => ({ id: fx.a.customRoleId }),
  },
  'GET /api/v1/teams': { access: perm('members:read') },
  'POST /api/v1/teams': { access: perm('teams:manage') },
  'PATCH /api/v1/teams/{id}': {
    access: perm('teams:manage'),
    resource: (fx) => ({ id: fx.a.teamId }),
    body: () => ({ name: 'Taken over' }),
  },
  'DELETE /api/v1/teams/{id}': {
    access: perm('teams:manage'),
    resource: (fx) => ({ id: fx.a.teamId }),
  },
  'PUT /api/v1/teams/{id}/members': {
    access: perm('teams:manage'),
    resource: (fx) => ({ id: fx.a.teamId }),
    body: () => ({ userIds: [] }),
  },
  'PATCH /api/v1/me': { access: 'authenticated' },
  'PUT /api/v1/me/avatar': { access: 'authenticated' },
  'DELETE /api/v1/me/avatar': { access: 'authenticated' },
  'GET /api/v1/users/{id}/avatar': {
    access: 'authenticated',
    resource: (fx) => ({ id: fx.a.owner.userId }),
  },
  'POST /api/v1/auth/password-reset': { access: 'public' },
  'POST /api/v1/auth/password-reset/confirm': { access: 'public' },
  'POST /api/v1/auth/verify-email': { access: 'public' },
  'POST /api/v1/auth/verify-email/resend': { access: 'authenticated' },
  'GET /api/v1/audit-events': { access: perm('audit:read') },

  // Contacts and organizations (contacts module).
  'GET /api/v1/contacts': { access: perm('contacts:read') },
  'POST /api/v1/contacts': { access: perm('contacts:write') },
  'GET /api/v1/contacts/export.csv': { access: perm('contacts:read') },
  'POST /api/v1/contacts/imports': { access: perm('contacts:write') },
  'GET /api/v1/contacts/imports/{id}': {
    access: perm('contacts:read'),
    resource: (fx) => ({ id: fx.a.contactImportId }),
  },
  'GET /api/v1/contacts/{id}': {
    access: perm('contacts:read'),
    resource: (fx) => ({ id: fx.a.contactId }),
  },
  'PATCH /api/v1/contacts/{id}': {
    access: perm('contacts:write'),
    resource: (fx) => ({ id: fx.a.contactId }),
    body: () => ({ name: 'Taken over' }),
  },
  'DELETE /api/v1/contacts/{id}': {
    access: perm('contacts:write'),
    resource: (fx) => ({ id: fx.a.contactId }),
  },
  'POST /api/v1/contacts/{id}/merge': {
    access: perm('contacts:write'),
    // B names A's contact as the target and its own as the source: still 404.
    resource: (fx) => ({ id: fx.a.contactId }),
    body: (fx) => ({ sourceId: fx.b.contactId }),
  },
  'GET /api/v1/organizations': { access: perm('contacts:read') },
  'POST /api/v1/organizations': { access: perm('contacts:write') },
  'GET /api/v1/organizations/{id}': {
    access: perm('contacts:read'),
    resource: (fx) => ({ id: fx.a.organizationId }),
  },
  'PATCH /api/v1/organizations/{id}': {
    access: perm('contacts:write'),
    resource: (fx) => ({ id: fx.a.organizationId }),
    body: () => ({ name: 'Taken over' }),
  },
  'DELETE /api/v1/organizations/{id}': {
    access: perm('contacts:write'),
    resource: (fx) => ({ id: fx.a.organizationId }),
  },
  // Tickets module: tickets, replies, notes, timeline (tickets:read / tickets:write).
  'GET /api/v1/tickets': { access: perm('tickets:read') },
  'POST /api/v1/tickets': { access: perm('tickets:write') },
  'GET /api/v1/tickets/by-number/{number}': {
    access: perm('tickets:read'),
    notAWorkspaceResource:
      "a ticket number is resolved in the caller's own workspace (every workspace has a #1); tickets.spec.ts checks it",
  },
  'GET /api/v1/tickets/{id}': {
    access: perm('tickets:read'),
    resource: (fx) => ({ id: fx.a.ticketId }),
  },
  'PATCH /api/v1/tickets/{id}': {
    access: perm('tickets:write'),
    resource: (fx) => ({ id: fx.a.ticketId }),
    body: () => ({ status: 'open' }),
  },
  'POST /api/v1/tickets/{id}/messages': {
    access: perm('tickets:write'),
    resource: (fx) => ({ id: fx.a.ticketId }),
    body: () => ({ body: 'Hello from another workspace' }),
  },
  'POST /api/v1/tickets/{id}/notes': {
    access: perm('tickets:write'),
    resource: (fx) => ({ id: fx.a.ticketId }),
    body: () => ({ body: 'Note from another workspace' }),
  },
  'GET /api/v1/tickets/{id}/timeline': {
    access: perm('tickets:read'),
    resource: (fx) => ({ id: fx.a.ticketId }),
  },
  // Search and realtime modules.
  'GET /api/v1/search': { access: 'authenticated' },
  'GET /api/v1/realtime': {
    access: perm('tickets:read'),
    skipListCheck:
      'an event stream, not a list (406 without Accept: text/event-stream); realtime.spec.ts proves streams never carry another workspace',
  },
  'POST /api/v1/tickets/{id}/presence': {
    access: perm('tickets:read'),
    resource: (fx) => ({ id: fx.a.ticketId }),
    body: () => ({ state: 'viewing' }),
  },
  'GET /api/v1/tickets/{id}/presence': {
    access: perm('tickets:read'),
    resource: (fx) => ({ id: fx.a.ticketId }),
  },
  // Tickets module: followers, drafts, merge, bulk updates.
  'PUT /api/v1/tickets/{id}/followers': {
    access: perm('tickets:write'),
    resource: (fx) => ({ id: fx.a.ticketId }),
    body: () => ({ userIds: [] }),
  },
  'GET /api/v1/tickets/{id}/draft': {
    access: perm('tickets:read'),
    resource: (fx) => ({ id: fx.a.ticketId }),
  },
  'PUT /api/v1/tickets/{id}/draft': {
    access: perm('tickets:write'),
    resource: (fx) => ({ id: fx.a.ticketId }),
    body: () => ({ kind: 'note', body: 'Draft from another workspace' }),
  },
  'DELETE /api/v1/tickets/{id}/draft': {
    access: perm('tickets:write'),
    resource: (fx) => ({ id: fx.a.ticketId }),
  },
  'POST /api/v1/tickets/{id}/merge': {
    access: perm('tickets:write'),
    // B merges A's ticket into its own: 404, nothing moves.
    resource: (fx) => ({ id: fx.a.ticketId }),
    body: (fx) => ({ targetTicketId: fx.b.ticketId }),
  },
  'POST /api/v1/tickets/bulk': { access: perm('tickets:write') },
  'GET /api/v1/tickets/bulk/{jobId}': {
    access: perm('tickets:write'),
    resource: (fx) => ({ jobId: fx.a.bulkJobId }),
  },
  // Attachments (tickets module).
  'POST /api/v1/attachments': { access: perm('tickets:write') },
  'GET /api/v1/attachments/{id}': {
    access: perm('tickets:read'),
    resource: (fx) => ({ id: fx.a.attachmentId }),
  },
  // Custom statuses and fields (tickets module): agents read, settings:manage changes.
  'GET /api/v1/ticket-statuses': { access: perm('tickets:read') },
  'POST /api/v1/ticket-statuses': { access: perm('settings:manage') },
  'PATCH /api/v1/ticket-statuses/{id}': {
    access: perm('settings:manage'),
    resource: (fx) => ({ id: fx.a.ticketStatusId }),
    body: () => ({ name: 'Taken over' }),
  },
  'DELETE /api/v1/ticket-statuses/{id}': {
    access: perm('settings:manage'),
    resource: (fx) => ({ id: fx.a.ticketStatusId }),
  },
  'GET /api/v1/ticket-fields': { access: perm('tickets:read') },
  'POST /api/v1/ticket-fields': { access: perm('settings:manage') },
  'GET /api/v1/ticket-fields/{id}': {
    access: perm('tickets:read'),
    resource: (fx) => ({ id: fx.a.ticketFieldId }),
  },
  'PATCH /api/v1/ticket-fields/{id}': {
    access: perm('settings:manage'),
    resource: (fx) => ({ id: fx.a.ticketFieldId }),
    body: () => ({ label: 'Taken over' }),
  },
  'DELETE /api/v1/ticket-fields/{id}': {
    access: perm('settings:manage'),
    resource: (fx) => ({ id: fx.a.ticketFieldId }),
  },
  // Saved views (tickets module): tickets:read; shared views also need settings:manage.
  'GET /api/v1/views': { access: perm('tickets:read') },
  'GET /api/v1/views/counts': { access: perm('tickets:read') },
  'POST /api/v1/views': { access: perm('tickets:read') },
  'GET /api/v1/views/{id}': {
    access: perm('tickets:read'),
    resource: (fx) => ({ id: fx.a.viewId }),
  },
  'PATCH /api/v1/views/{id}': {
    access: perm('tickets:read'),
    resource: (fx) => ({ id: fx.a.viewId }),
    body: () => ({ name: 'Taken over' }),
  },
  'DELETE /api/v1/views/{id}': {
    access: perm('tickets:read'),
    resource: (fx) => ({ id: fx.a.viewId }),
  },
  'GET /api/v1/views/{id}/tickets': {
    access: perm('tickets:read'),
    resource: (fx) => ({ id: fx.a.viewId }),
  },
  // Inboxes module: management (settings:manage), API inbox messages (tickets:write).
  'GET /api/v1/inboxes/channel-types': {
    access: perm('settings:manage'),
    skipListCheck: 'the channel types loaded in the instance: the same for every workspace',
  },
  'GET /api/v1/inboxes': { access: perm('settings:manage') },
  'POST /api/v1/inboxes': { access: perm('settings:manage') },
  'GET /api/v1/inboxes/{id}': {
    access: perm('settings:manage'),
    resource: (fx) => ({ id: fx.a.inboxId }),
  },
  'PATCH /api/v1/inboxes/{id}': {
    access: perm('settings:manage'),
    resource: (fx) => ({ id: fx.a.inboxId }),
    body: () => ({ name: 'Taken over' }),
  },
  'DELETE /api/v1/inboxes/{id}': {
    access: perm('settings:manage'),
    resource: (fx) => ({ id: fx.a.inboxId }),
  },
  'POST /api/v1/inboxes/{id}/messages': {
    access: perm('tickets:write'),
    resource: (fx) => ({ id: fx.a.inboxId }),
    body: () => ({
      from: { email: 'intruder@example.test' },
      subject: 'From another workspace',
      body: 'Hello',
    }),
  },
  // Inboxes module: a message's delivery history (tickets:read). The fixtures hold no message
  // id, so this uses A's ticket id for both; delivery.spec.ts checks B against A's real message.
  'GET /api/v1/tickets/{ticketId}/messages/{messageId}/deliveries': {
    access: perm('tickets:read'),
    resource: (fx) => ({ ticketId: fx.a.ticketId, messageId: fx.a.ticketId }),
  },
  // Billing module: entitlements for every member (banners), billing:read / billing:manage for
  // the workspace's subscription and contact (singletons: no ids in paths), system:read for the
  // operator's cross-workspace view.
  'GET /api/v1/billing/entitlements': { access: perm('members:read') },
  'GET /api/v1/billing': { access: perm('billing:read') },
  'GET /api/v1/billing/plans': {
    access: perm('billing:read'),
    skipListCheck: 'the plans of the loaded providers: the same for every workspace',
  },
  'GET /api/v1/billing/contact': { access: perm('billing:read') },
  'PUT /api/v1/billing/contact': { access: perm('billing:manage') },
  'POST /api/v1/billing/checkout': { access: perm('billing:manage') },
  'POST /api/v1/billing/portal': { access: perm('billing:manage') },
  'GET /api/v1/billing/invoices': { access: perm('billing:read') },
  'GET /api/v1/billing/operator/subscriptions': {
    access: perm('system:read'),
    skipListCheck: "the operator's view across workspaces (system:read), by design",
  },
  'GET /api/v1/billing/operator/summary': {
    access: perm('system:read'),
    skipListCheck: "the operator's totals across workspaces (system:read), by design",
  },
  // Webhooks module: subscriptions, delivery log, replay, change feed (settings:manage).
  'GET /api/v1/webhooks': { access: perm('settings:manage') },
  'POST /api/v1/webhooks': { access: perm('settings:manage') },
  'GET /api/v1/webhooks/{id}': {
    access: perm('settings:manage'),
    resource: (fx) => ({ id: fx.a.webhookId }),
  },
  'PATCH /api/v1/webhooks/{id}': {
    access: perm('settings:manage'),
    resource: (fx) => ({ id: fx.a.webhookId }),
    body: () => ({ enabled: false }),
  },
  'DELETE /api/v1/webhooks/{id}': {
    access: perm('settings:manage'),
    resource: (fx) => ({ id: fx.a.webhookId }),
  },
  'GET /api/v1/webhooks/{id}/deliveries': {
    access: perm('settings:manage'),
    resource: (fx) => ({ id: fx.a.webhookId }),
  },
  'POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/replay': {
    access: perm('settings:manage'),
    resource: (fx) => ({ id: fx.a.webhookId }),
  },
  'GET /api/v1/changes': { access: perm('settings:manage') },
};
