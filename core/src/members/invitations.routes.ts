/**
 * `POST/GET /invitations`, `DELETE /invitations/:id` (permission `members:manage`, in the
 * caller's workspace transaction) and the public `POST /invitations/accept`.
 */
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { sqlFor } from '../identity/db.js';
import { hashPassword } from '../identity/passwords.js';
import { PERMISSIONS } from '../identity/permissions.js';
import { auditSource, inWorkspace } from './context.js';
import { acceptInvitation, invite, listInvitations, revokeInvitation } from './invitations.js';
import { limitByIp } from '../identity/routes/auth.routes.js';
import type { MembersOptions } from './options.js';
import { assertSeatAvailable, seatsChanged } from '../billing/seats.js';
import {
  IdParams,
  InvitationAcceptBody,
  InvitationAccepted,
  InvitationCreateBody,
  InvitationSchemaOut,
} from './schemas.js';

const TAGS = ['invitations'];
const manage = { permission: PERMISSIONS.membersManage };

export function invitationRoutes(options: MembersOptions): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/invitations',
      operationId: 'createInvitation',
      summary: 'Invite an email address to the workspace with a role; the link is sent by email',
      description:
        'An earlier pending invitation of the same address is withdrawn. You can only invite to ' +
        'a role whose permissions you hold yourself.',
      tags: TAGS,
      access: manage,
      request: { body: InvitationCreateBody },
      responses: {
        201: { description: 'Invited', schema: InvitationSchemaOut },
        403: { description: 'A role with permissions you lack (`permission_not_grantable`)' },
        402: { description: 'No seat left on the plan (`PLAN_LIMIT_REACHED`, limit `seats`)' },
        409: { description: 'Already a member (`already_member`)' },
        422: { description: 'No such role in this workspace (`unknown_role`)' },
      },
      async handler({ body, scope, actor, koa }) {
        const { em, identity } = scope.cradle;
        const { workspaceId, actor: who } = inWorkspace(actor);
        const sql = sqlFor(em);
        // The plan's seat limit (billing module): 402 PLAN_LIMIT_REACHED past it.
        await assertSeatAvailable(scope, workspaceId, body.roleId);
        const { invitation, replaced } = await invite(em, sql, who, workspaceId, body, {
          mailer: identity.mailer,
          publicBaseUrl: identity.publicBaseUrl,
          ttlSeconds: options.invitationTtlSeconds,
          now: identity.clock.now(),
        });
        await identity.audit.record(
          {
            action: 'invitation_created',
            workspaceId,
            ...auditSource(actor, koa),
            target: { type: 'invitation', id: invitation.id },
            // The address is personal data and stays in the invitation row, not in the log.
            metadata: { roleId: invitation.role.id, replaced },
          },
          sql,
        );
        return invitation;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/invitations',
      operationId: 'listInvitations',
      summary: "The workspace's invitations, newest first, with their status",
      tags: TAGS,
      access: manage,
      responses: { 200: { description: 'Invitations', schema: z.array(InvitationSchemaOut) } },
      handler: ({ scope, actor }) =>
        listInvitations(
          sqlFor(scope.cradle.em),
          inWorkspace(actor).workspaceId,
          scope.cradle.identity.clock.now(),
        ),
    }),
    defineRoute({
      method: 'delete',
      path: '/invitations/:id',
      operationId: 'revokeInvitation',
      summary: 'Withdraw an invitation (its link stops working)',
      tags: TAGS,
      access: manage,
      request: { params: IdParams },
      responses: {
        204: { description: 'Withdrawn' },
        404: { description: 'No such invitation in this workspace' },
        409: { description: 'Already accepted (`invitation_accepted`)' },
      },
      async handler({ params, scope, actor, koa }) {
        const { em, identity } = scope.cradle;
        const { workspaceId } = inWorkspace(actor);
        const sql = sqlFor(em);
        await revokeInvitation(sql, workspaceId, params.id, identity.clock.now());
        await identity.audit.record(
          {
            action: 'invitation_revoked',
            workspaceId,
            ...auditSource(actor, koa),
            target: { type: 'invitation', id: params.id },
          },
          sql,
        );
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/invitations/accept',
      operationId: 'acceptInvitation',
      summary:
        'Accept an invitation: creates the account, or adds the workspace to the signed-in one',
      description:
        'Without a signed-in user, `password` and `displayName` create the account (only if the ' +
        'address has none: otherwise 409 `sign_in_required`). Signed in (Bearer token or session), ' +
        "the workspace is added to that account, whose address must be the invitation's.",
      tags: TAGS,
      access: 'public',
      request: { body: InvitationAcceptBody },
      responses: {
        200: { description: 'Accepted', schema: InvitationAccepted },
        400: { description: 'Unknown token (`invitation_invalid`) or missing fields' },
        403: { description: 'Signed in with another address (`invitation_email_mismatch`)' },
        409: { description: '`sign_in_required` or `already_member`' },
        410: { description: '`invitation_used`, `invitation_expired` or `invitation_revoked`' },
        429: { description: 'Too many attempts (see Retry-After)' },
      },
      async handler({ body, scope, actor, koa }) {
        const { identity } = scope.cradle;
        await limitByIp(identity, koa, 'invitation-accept:ip', options.rateLimits.tokenPerIp);
        const passwordHash =
          !actor && body.password ? await hashPassword(body.password) : undefined;
        const accepted = await acceptInvitation(
          actor,
          {
            token: body.token,
            password: body.password,
            displayName: body.displayName,
            passwordHash,
          },
          {
            orm: identity.orm,
            clock: identity.clock,
            audit: identity.audit,
            client: identity.clientInfo(koa),
          },
        );
        // A new agent: the billing provider bills the new seat count (after this commit).
        await seatsChanged(scope, accepted.workspaceId, false);
        return accepted;
      },
    }),
  ];
}
