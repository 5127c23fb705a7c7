/**
 * The PII sweep with the email channel loaded (PRV-07, PRV-24): a contact writes in by SMTP (raw
 * MIME kept for reprocessing, their address in the envelope and headers), an agent's reply goes
 * out through the relay (delivery events); after erasure no text, JSON or array column of any
 * table, and no stored file, holds their address, name or phone number.
 */
import nodemailer from 'nodemailer';
import type { PluginEntry } from '../../../core/src/index.js';
import { TestRelay, mail, uniqueAddress } from '../../channel-email/src/harness.test.js';
import { emailChannel } from '../../channel-email/src/index.js';
import { piiSweep } from './sweep.test.js';
import {
  P,
  fileRequest,
  startPrivacy,
  until,
  waitForState,
  type MembersHarness,
  type Person,
} from './testkit.test.js';

describe('privacy: erasure with the email channel', () => {
  let h: MembersHarness;
  let owner: Person;
  const relay = new TestRelay();
  beforeAll(async () => {
    await relay.start();
    h = await startPrivacy([
      emailChannel({
        smtp: { port: 0 },
        relay: { url: relay.url(), allowPlainText: true },
        outbound: { retryDelaySeconds: 0.2, maxAttempts: 2 },
        imap: { enabled: false },
      }) as unknown as PluginEntry,
    ]);
    owner = await h.signUp('emailprivacy');
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await relay.stop();
  }, 30_000);

  it('erases raw MIME, headers and delivery events with the rest', async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    const name = `Mailer${tag} Person${tag}`;
    const email = `writer-${tag}@example.test`;
    const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const address = uniqueAddress('privacy');
    await h.expectStatus(201, 'POST', '/inboxes', {
      token: owner.token,
      body: { channelType: 'email', name: 'Email', settings: { address } },
    });
    const port = h.t.hd.container.resolve('channelEmailSmtp' as never) as { port: number };
    const client = nodemailer.createTransport({
      host: '127.0.0.1',
      port: port.port,
      secure: false,
      ignoreTLS: true,
    });
    try {
      await client.sendMail({
        envelope: { from: email, to: [address] },
        raw: mail({
          from: `${name} <${email}>`,
          to: address,
          subject: `Refund for ${name}`,
          body: `Please call ${name} at ${phone}.`,
        }),
      });
    } finally {
      client.close();
    }
    let ticketId = '';
    await until(async () => {
      const list = await h.expectStatus(200, 'GET', '/tickets', { token: owner.token });
      ticketId = list.body.data[0]?.id ?? '';
      return ticketId !== '';
    });
    await h.expectStatus(201, 'POST', `/tickets/${ticketId}/messages`, {
      token: owner.token,
      body: { body: `Dear ${name}, your refund is on its way.` },
    });
    await until(() => relay.received.some((m) => m.to.includes(email)));

    const before = await piiSweep(h, [email, name, phone]);
    const tables = new Set(before.map((hit) => hit.where.split('.').slice(0, 2).join('.')));
    expect([...tables].some((t) => t.startsWith('public.channel_email'))).toBe(true);

    const list = await h.expectStatus(200, 'GET', `/contacts?q=${encodeURIComponent(email)}`, {
      token: owner.token,
    });
    const contactId = list.body.data[0].id as string;
    const request = await fileRequest(h, owner, {
      type: 'erase',
      subject: { kind: 'contact', id: contactId },
    });
    const done = await waitForState(h, owner, request.id, ['completed']);
    expect(Object.keys(done.result.erased)).toContain('channel-email');
    await until(async () => {
      const [{ n }] = await h.sql(
        `select count(*)::int as n from domain_event where dispatched_at is null`,
      );
      return n === 0;
    });
    expect(await piiSweep(h, [email, name, phone])).toEqual([]);
    await h.expectStatus(200, 'GET', `${P}/requests/${request.id}`, { token: owner.token });
  }, 180_000);
});
