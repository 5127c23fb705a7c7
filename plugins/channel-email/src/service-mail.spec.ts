/**
 * The Mailer through the email plugin: service messages rendered with operator templates and
 * sent through the relay; and, with no relay configured, service messages and replies captured
 * (stored, in the outbox, never reported as sent). Plus `inspectMessage` (what
 * `novumdesk-email inspect` prints).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inspectMessage } from './inspect.js';
import { startEmail, mail, eventually, type EmailHarness } from './harness.test.js';

const header = (raw: Buffer, name: string) =>
  new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(raw.toString('utf8'))?.[1]?.trim() ?? null;

describe('service messages through the relay, with templates', () => {
  let h: EmailHarness;
  beforeAll(async () => {
    h = await startEmail({
      productName: 'Acme Help',
      templates: {
        verify_email: { subject: '[Acme] {{subject}}', html: '<h1>{{subject}}</h1>{{html}}' },
      },
    });
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  it('sends verification mail rendered with the operator template (text + HTML)', async () => {
    const owner = await h.signUp();
    await eventually(() => h.relay.received.some((m) => m.to.includes(owner.email)), 20_000);
    const sent = h.relay.received.find((m) => m.to.includes(owner.email))!;
    expect(header(sent.raw, 'Subject')).toMatch(/^\[Acme\] /);
    expect(header(sent.raw, 'Auto-Submitted')).toBe('auto-generated');
    expect(sent.raw.toString()).toContain('text/html');
    const row = async () =>
      (
        await h.sql(
          `select status, subject from mail_message where to_address = ? and kind = 'verify_email'`,
          [owner.email],
        )
      )[0];
    // The relay has it; the row is marked sent right after.
    await eventually(async () => (await row())?.status === 'sent', 20_000);
    expect((await row()).subject).toMatch(/^\[Acme\] /);
  });
});

describe('without a relay: captured, never sent', () => {
  let h: EmailHarness;
  beforeAll(async () => {
    h = await startEmail({ relay: { url: undefined } });
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  it('captures replies in the outbox and service messages in the mail store', async () => {
    const owner = await h.signUp();
    await eventually(async () => {
      const [row] = await h.sql(`select status from mail_message where to_address = ?`, [
        owner.email,
      ]);
      return row?.status === 'captured';
    }, 20_000);
    const inbox = await h.createInbox(owner);
    await h.smtp(mail({ to: inbox.address, subject: 'Captured?' }), [inbox.address]);
    await h.waitProcessed(owner, 1);
    const [ticket] = (await h.expectStatus(200, 'GET', '/tickets', { token: owner.token })).body
      .data;
    const reply = await h.expectStatus(201, 'POST', `/tickets/${ticket.id}/messages`, {
      token: owner.token,
      body: { body: 'Hello' },
    });
    const history = async () =>
      (
        await h.expectStatus(
          200,
          'GET',
          `/tickets/${ticket.id}/messages/${reply.body.id}/deliveries`,
          { token: owner.token },
        )
      ).body;
    await eventually(async () => (await history()).status === 'captured', 20_000);
    expect((await history()).data.map((e: { status: string }) => e.status)).toEqual([
      'queued',
      'captured',
    ]);
    const outbox = await h.expectStatus(200, 'GET', '/api/p/channel-email/outbox', {
      token: owner.token,
    });
    expect(outbox.body.data).toEqual([
      expect.objectContaining({ status: 'captured', recipients: ['customer@example.test'] }),
    ]);
    const one = await h.expectStatus(
      200,
      'GET',
      `/api/p/channel-email/outbox/${outbox.body.data[0].id}`,
      { token: owner.token },
    );
    expect(one.body.raw).toContain('Subject: Re: Captured?');
    expect(h.relay.received).toHaveLength(0);
  });
});

describe('inspectMessage', () => {
  it('reports headers, bodies, verdicts and the threading rule', async () => {
    const file = path.resolve(
      process.cwd(),
      '../shared/testdata/email/bounces/lhost-postfix-02.eml',
    );
    const result = await inspectMessage(readFileSync(file));
    expect(result.bounce).toMatchObject({ bounce: true, hard: true, reason: 'userunknown' });
    expect(result.autoReply.automatic).toBe(true);
    const reply = await inspectMessage(
      Buffer.from(
        mail({
          to: 'a@b.test',
          subject: 'Re: x [#12]',
          headers: { 'Auto-Submitted': 'auto-replied' },
        }),
      ),
    );
    expect(reply).toMatchObject({
      threading: { rule: 'subject-tag' },
      autoReply: { automatic: true },
      bounce: { bounce: false },
    });
  });
});
