/**
 * The email plugin's part of the authorization matrix
 * (core/src/security-tests/authorization-matrix.spec.ts). Fixtures per workspace: an email inbox
 * with an inbound token, one received message (through the raw-MIME endpoint) and one captured
 * reply (no relay in the matrix), so that B's owner is shown to get 404 for A's ids.
 */
import type { MatrixClient, MatrixContribution } from '@novumdesk/core/testing';
import { emailChannel } from './index.js';

const P = '/api/p/channel-email';
const read = { permission: 'email:read' } as const;

async function waitFor<T>(fn: () => Promise<T | null>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > until) throw new Error('matrix fixture: timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function fixtures(client: MatrixClient, ws: { owner: { token: string } }, label: string) {
  const token = `matrix-inbound-token-${label}`.padEnd(32, 'x');
  const address = `matrix-${label}-${Date.now()}@example.test`;
  const inbox = await client.expectStatus(201, 'POST', '/inboxes', {
    token: ws.owner.token,
    body: { channelType: 'email', name: 'Matrix', settings: { address, inboundToken: token } },
  });
  const raw = [
    `From: customer-${label}@example.test`,
    `To: ${address}`,
    'Subject: Matrix fixture',
    `Message-ID: <matrix-${label}-${Date.now()}@example.test>`,
    '',
    'Hello',
    '',
  ].join('\r\n');
  const posted = await client.expectStatus(202, 'POST', `${P}/inboxes/${inbox.body.id}/raw`, {
    headers: { 'x-novumdesk-inbox-token': token, 'content-type': 'text/plain' },
    body: raw,
  });
  const inboundId = posted.body.id as string;
  const processed = await waitFor(async () => {
    const r = await client.call('GET', `${P}/inbound/${inboundId}`, { token: ws.owner.token });
    return r.body?.ticketId ? (r.body as { ticketId: string }) : null;
  });
  await client.expectStatus(201, 'POST', `/tickets/${processed.ticketId}/messages`, {
    token: ws.owner.token,
    body: { body: 'Captured reply' },
  });
  const outboundId = await waitFor(async () => {
    const r = await client.call('GET', `${P}/outbox`, { token: ws.owner.token });
    return (r.body?.data?.[0]?.id as string | undefined) ?? null;
  });
  return {
    emailInboxId: inbox.body.id as string,
    emailInboundId: inboundId,
    emailOutboundId: outboundId,
  };
}

export const matrix: MatrixContribution = {
  plugins: [
    emailChannel({ smtp: { enabled: false }, imap: { enabled: false }, defaultInbox: false }),
  ],
  expectations: {
    [`POST ${P}/inboxes/{id}/raw`]: {
      access: 'public',
      resource: (fx) => ({ id: fx.a.extra.emailInboxId! }),
    },
    [`GET ${P}/outbox`]: { access: read },
    [`GET ${P}/outbox/{id}`]: {
      access: read,
      resource: (fx) => ({ id: fx.a.extra.emailOutboundId! }),
    },
    [`GET ${P}/inbound`]: { access: read },
    [`GET ${P}/inbound/{id}`]: {
      access: read,
      resource: (fx) => ({ id: fx.a.extra.emailInboundId! }),
    },
  },
  fixtures,
};
