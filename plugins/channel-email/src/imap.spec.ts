/**
 * IMAP polling against a real Dovecot: messages are stored and flagged, the UIDVALIDITY + UID
 * cursor survives between polls (and a new poller), a message delivered both by SMTP and IMAP
 * is one message, and a UIDVALIDITY change resyncs without duplicates. STARTTLS with the test
 * certificate; credentials stored encrypted.
 */
import { ImapFlow } from 'imapflow';
import { Dovecot } from './dovecot.test.js';
import { startEmail, mail, type EmailHarness } from './harness.test.js';
import { ImapPoller } from './imap-poller.js';
import type { EmailRuntime } from './runtime.js';

describe('IMAP polling (Dovecot)', () => {
  let h: EmailHarness;
  const dovecot = new Dovecot();
  beforeAll(async () => {
    await dovecot.start();
    h = await startEmail({ imap: { enabled: false } });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await dovecot.stop();
  }, 30_000);

  it('fetches, stores once, flags, keeps its cursor and resyncs on a UIDVALIDITY change', async () => {
    const owner = await h.signUp();
    const inbox = await h.createInbox(owner, {
      imap: {
        host: '127.0.0.1',
        port: dovecot.port,
        secure: false,
        user: 'alice',
        password: 'secret',
        ca: dovecot.ca,
      },
    });
    const [row] = await h.sql(`select settings::text as s from inbox where id = ?`, [inbox.id]);
    expect(row.s).not.toContain('"secret"');
    const poller = h.t.hd.container.resolve('channelEmailImap') as ImapPoller;
    const poll = () => poller.pollInbox(owner.workspaceId, inbox.id);

    const first = mail({
      to: inbox.address,
      subject: 'Via IMAP one',
      messageId: '<imap-1@c.test>',
    });
    dovecot.deliver(first);
    dovecot.deliver(
      mail({ to: inbox.address, subject: 'Via IMAP two', messageId: '<imap-2@c.test>' }),
    );
    expect(await poll()).toMatchObject({ fetched: 2, stored: 2, duplicates: 0, resynced: false });
    expect(await poll()).toMatchObject({ fetched: 0, stored: 0 });
    await h.waitProcessed(owner, 2);

    // The same message by SMTP as well: one message.
    await h.smtp(first, [inbox.address]);
    // A new message, and a fresh poller (a restart): the cursor is in the database.
    dovecot.deliver(
      mail({ to: inbox.address, subject: 'Via IMAP three', messageId: '<imap-3@c.test>' }),
    );
    const fresh = new ImapPoller(h.t.hd.container.resolve('channelEmailRuntime') as EmailRuntime);
    expect(await fresh.pollInbox(owner.workspaceId, inbox.id)).toMatchObject({
      fetched: 1,
      stored: 1,
    });

    // UIDVALIDITY changes: everything is fetched again, nothing new is stored.
    dovecot.setUidValidity(424242);
    expect(await poll()).toMatchObject({ resynced: true, fetched: 3, stored: 0, duplicates: 3 });
    await h.waitProcessed(owner, 3);
    expect(await h.inbound(owner)).toHaveLength(3);
    const tickets = await h.expectStatus(200, 'GET', '/tickets', { token: owner.token });
    expect(tickets.body.data.map((t: { subject: string }) => t.subject).sort()).toEqual([
      'Via IMAP one',
      'Via IMAP three',
      'Via IMAP two',
    ]);

    // Processed mail is flagged \Seen in the mailbox.
    const client = new ImapFlow({
      host: '127.0.0.1',
      port: dovecot.port,
      secure: false,
      auth: { user: 'alice', pass: 'secret' },
      tls: { ca: dovecot.ca },
      logger: false,
    });
    await client.connect();
    await client.mailboxOpen('INBOX');
    const unseen = await client.search({ seen: false });
    await client.logout();
    expect(unseen).toEqual([]);
  });
});
