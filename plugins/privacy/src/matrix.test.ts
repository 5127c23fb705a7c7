/**
 * The privacy plugin's part of the shipped authorization matrix
 * (`core/src/security-tests/authorization-matrix.spec.ts`): every route's access, and for each
 * path id the workspace-A resource another workspace's owner must get 404 for.
 */
import type {
  MatrixContribution,
  MatrixExpectation,
  MatrixFixtures,
} from '@novumdesk/core/testing';
import privacy from './index.js';

const P = '/api/p/privacy';
const read = { permission: 'privacy:read' } as const;
const manage = { permission: 'privacy:manage' } as const;

const request = (fx: MatrixFixtures) => ({ id: fx.a.extra.privacyRequestId! });
const contact = (fx: MatrixFixtures) => ({ kind: 'contact', id: fx.a.contactId });
const TARGET = 'a retention target type, the same in every workspace';

const expectations: Record<string, MatrixExpectation> = {
  [`GET ${P}/requests`]: { access: read },
  [`POST ${P}/requests`]: { access: manage },
  [`GET ${P}/requests/{id}`]: { access: read, resource: request },
  [`POST ${P}/requests/{id}/extend`]: {
    access: manage,
    resource: request,
    body: () => ({ reason: 'needs more time' }),
  },
  [`POST ${P}/requests/{id}/refuse`]: {
    access: manage,
    resource: request,
    body: () => ({ reason: 'unfounded' }),
  },
  [`POST ${P}/requests/{id}/verify`]: {
    access: manage,
    resource: request,
    body: () => ({ note: 'checked a passport' }),
  },
  [`POST ${P}/underage-reports`]: { access: manage },
  [`GET ${P}/me/requests`]: { access: 'authenticated' },
  [`POST ${P}/me/requests`]: { access: 'authenticated' },
  [`POST ${P}/verifications`]: { access: 'public' },
  [`GET ${P}/downloads/{token}`]: {
    access: 'public',
    notAWorkspaceResource: 'a one-time download token; a wrong one is 404 for everybody',
  },
  [`GET ${P}/subjects/{kind}/{id}`]: { access: read, resource: contact },
  [`GET ${P}/subjects/{kind}/{id}/erasure-preview`]: { access: read, resource: contact },
  [`PUT ${P}/subjects/{kind}/{id}/restriction`]: {
    access: manage,
    resource: contact,
    body: () => ({ restricted: true }),
  },
  [`PUT ${P}/subjects/{kind}/{id}/objections`]: {
    access: manage,
    resource: contact,
    body: () => ({ purposes: ['surveys'] }),
  },
  [`GET ${P}/subjects/{kind}/{id}/consents`]: { access: read, resource: contact },
  [`POST ${P}/subjects/{kind}/{id}/consents`]: {
    access: manage,
    resource: contact,
    body: () => ({ kind: 'purpose', purpose: 'marketing', granted: true }),
  },
  [`GET ${P}/me/consents`]: { access: 'authenticated' },
  [`POST ${P}/me/consents`]: { access: 'authenticated' },
  [`GET ${P}/holds`]: { access: read },
  [`POST ${P}/holds`]: { access: manage },
  [`POST ${P}/holds/{id}/release`]: {
    access: manage,
    resource: (fx) => ({ id: fx.a.extra.privacyHoldId! }),
  },
  [`GET ${P}/suppression`]: { access: read, skipListCheck: 'needs ?email= and answers a boolean' },
  [`GET ${P}/retention`]: { access: read },
  [`PUT ${P}/retention/{target}`]: { access: manage, notAWorkspaceResource: TARGET },
  [`POST ${P}/retention/{target}/dry-run`]: { access: read, notAWorkspaceResource: TARGET },
  [`POST ${P}/retention/run`]: { access: manage },
  [`GET ${P}/retention/runs`]: { access: read },
  [`GET ${P}/policies`]: { access: 'public' },
  [`POST ${P}/policies`]: { access: { permission: 'system:manage' } },
  [`GET ${P}/me/policies`]: { access: 'authenticated' },
  [`POST ${P}/me/policies/accept`]: { access: 'authenticated' },
  [`GET ${P}/sub-processors`]: { access: read },
  [`GET ${P}/export-schema`]: { access: 'public' },
  [`POST ${P}/messages/{id}/redactions`]: {
    access: { permission: 'privacy:redact' },
    resource: (fx) => ({ id: fx.a.extra.privacyMessageId! }),
    body: () => ({ text: 'nothing-to-find' }),
  },
};

export const matrix: MatrixContribution = {
  plugins: [privacy()],
  expectations,
  async fixtures(client, workspace) {
    const token = workspace.owner.token;
    // An open request (waiting for the contact's confirmation) and a hold in force.
    const created = await client.expectStatus(201, 'POST', `${P}/requests`, {
      token,
      body: {
        type: 'access',
        subject: { kind: 'contact', id: workspace.contactId },
        verification: { method: 'email_link' },
      },
    });
    const hold = await client.expectStatus(201, 'POST', `${P}/holds`, {
      token,
      body: { subject: { kind: 'contact', id: workspace.contactId }, reason: 'matrix fixture' },
    });
    const note = await client.expectStatus(201, 'POST', `/tickets/${workspace.ticketId}/notes`, {
      token,
      body: { body: 'matrix fixture note' },
    });
    return {
      privacyRequestId: created.body.id as string,
      privacyHoldId: hold.body.id as string,
      privacyMessageId: note.body.id as string,
    };
  },
};
