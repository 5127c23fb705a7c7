/**
 * The email plugin's part of the authorization matrix
 * (core/src/security-tests/authorization-matrix.spec.ts). The fixture is an email inbox per
 * workspace. The matrix client sends JSON only, so it cannot post raw MIME: the received and
 * sent mail routes are attacked with A's inbox id here, and with A's real message ids in
 * email.spec.ts ("keeps inbox credentials encrypted and hides other workspaces' mail").
 */
import type { MatrixClient, MatrixContribution } from '@novumdesk/core/testing';
import { emailChannel } from './index.js';

const P = '/api/p/channel-email';
const read = { permission: 'email:read' } as const;

async function fixtures(client: MatrixClient, ws: { owner: { token: string } }, label: string) {
  const inbox = await client.expectStatus(201, 'POST', '/inboxes', {
    token: ws.owner.token,
    body: {
      channelType: 'email',
      name: 'Matrix',
      settings: {
        address: `matrix-${label}-${Date.now()}@example.test`,
        inboundToken: `matrix-inbound-token-${label}`.padEnd(32, 'x'),
      },
    },
  });
  return { emailInboxId: inbox.body.id as string };
}

const inboxOfA = (fx: { a: { extra: Record<string, string> } }) => ({
  id: fx.a.extra.emailInboxId!,
});

export const matrix: MatrixContribution = {
  plugins: [
    emailChannel({ smtp: { enabled: false }, imap: { enabled: false }, defaultInbox: false }),
  ],
  expectations: {
    // Public: authenticated by the inbox's own token (X-NovumDesk-Inbox-Token), not a user.
    [`POST ${P}/inboxes/{id}/raw`]: { access: 'public', resource: inboxOfA },
    [`GET ${P}/outbox`]: { access: read },
    [`GET ${P}/outbox/{id}`]: { access: read, resource: inboxOfA },
    [`GET ${P}/inbound`]: { access: read },
    [`GET ${P}/inbound/{id}`]: { access: read, resource: inboxOfA },
  },
  fixtures,
};
