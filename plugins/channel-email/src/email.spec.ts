/**
 * The email channel end to end, with real servers: our SMTP listener, a local relay
 * (smtp-server), the job queue and the suite's database. Inbound → ticket; agent reply →
 * relay with our headers; threading rules; duplicates; auto-replies; delivery events.
 */
import { startEmail, mail, eventually, type EmailHarness, type Person } from './harness.test.js';

const header = (raw: Buffer, name: string) =>
  new RegExp(`^${name}:\\s*(.*(?:\\r?\\n[ \\t].*)*)`, 'im')
    .exec(raw.toString('utf8'))?.[1]
    ?.replace(/\r?\n[ \t]+/g, ' ')
    .trim() ?? null;

describe('email channel', () => {
  let h: EmailHarness;
  beforeAll(async () => {
    h = await startEmail();
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  const tickets = async (owner: Person) =>
    (await h.expectStatus(200, 'GET', '/tickets', { token: owner.token })).body.data as {
      id: string;
      subject: string;
      status: string;
    }[];
  const timeline = async (owner: Person, ticketId: string) =>
    (
      await h.expectStatus(200, 'GET', `/tickets/${ticketId}/timeline?limit=200`, {
        token: owner.token,
      })
    ).body.data as any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  const replyAs = (owner: Person, ticketId: string, body = 'We are on it.') =>
    h.expectStatus(201, 'POST', `/tickets/${ticketId}/messages`, {
      token: owner.token,
      body: { body },
    });
  const deliveries = async (owner: Person, ticketId: string, messageId: string) =>
    (
      await h.expectStatus(200, 'GET', `/tickets/${ticketId}/messages/${messageId}/deliveries`, {
        token: owner.token,
      })
    ).body;
  const relayed = (subjectPart: string) =>
    h.relay.received.filter((m) => (header(m.raw, 'Subject') ?? '').includes(subjectPart));

  /** A customer mail → processed → its inbound row. */
  const receive = async (owner: Person, raw: string, to: string[]) => {
    const before = (await h.inbound(owner)).length;
    await h.smtp(raw, to);
    await h.waitProcessed(owner, before + 1);
    return (await h.inbound(owner))[0];
  };

  it('creates the default support inbox in the first workspace when its first mail arrives', async () => {
    const owner = await h.signUp();
    await h.smtp(mail({ to: 'support@localhost', subject: 'First contact' }), [
      'support@localhost',
    ]);
    await eventually(
      async () => (await tickets(owner)).some((t) => t.subject === 'First contact'),
      20_000,
    );
    const inboxes = await h.expectStatus(200, 'GET', '/inboxes', { token: owner.token });
    expect(inboxes.body).toEqual([
      expect.objectContaining({
        channelType: 'email',
        settings: expect.objectContaining({ address: 'support@localhost' }),
      }),
    ]);
  });

  it('rejects unknown recipients at RCPT time and oversized messages while they arrive', async () => {
    await expect(
      h.smtp(mail({ to: 'nobody@nowhere.test' }), ['nobody@nowhere.test']),
    ).rejects.toMatchObject({
      responseCode: 550,
    });
    const owner = await h.signUp();
    const inbox = await h.createInbox(owner);
    const big = mail({ to: inbox.address, body: 'x'.repeat(3 * 1024 * 1024) });
    await expect(h.smtp(big, [inbox.address])).rejects.toMatchObject({ responseCode: 552 });
    expect(await h.inbound(owner)).toHaveLength(0);
  });

  it('round-trips: inbound mail → ticket; agent reply → relay with our headers; delivery history', async () => {
    const owner = await h.signUp();
    const inbox = await h.createInbox(owner, { fromName: 'Shop Support' });
    const customerId = '<order-42@client.example.test>';
    const row = await receive(
      owner,
      mail({
        to: inbox.address,
        subject: 'Order 42 is late',
        messageId: customerId,
        body: 'Where is my order?\n\n-- \nCust',
      }),
      [inbox.address],
    );
    expect(row).toMatchObject({ status: 'processed', threadRule: null, source: 'smtp' });
    const [ticket] = await tickets(owner);
    expect(ticket).toMatchObject({ subject: 'Order 42 is late' });
    const detail = await h.expectStatus(200, 'GET', `/tickets/${ticket!.id}`, {
      token: owner.token,
    });
    expect(detail.body.via).toEqual({ channel: 'email', inboxId: inbox.id });

    const reply = await replyAs(owner, ticket!.id, 'It ships today.');
    await eventually(
      async () => (await deliveries(owner, ticket!.id, reply.body.id)).status === 'sent',
      20_000,
    );
    const sent = relayed('Order 42 is late');
    expect(sent).toHaveLength(1);
    const raw = sent[0]!.raw;
    expect(sent[0]!.to).toEqual(['customer@example.test']);
    expect(header(raw, 'Message-ID')).toMatch(/^<nd\.m[0-9a-f]{32}[0-9a-z]{10}@example\.test>$/);
    expect(header(raw, 'In-Reply-To')).toBe(customerId);
    expect(header(raw, 'References')).toContain(customerId);
    expect(header(raw, 'Subject')).toBe(`Re: Order 42 is late [#${detail.body.number}]`);
    expect(header(raw, 'Reply-To')).toMatch(
      new RegExp(`^${inbox.address.split('@')[0]}\\+r[0-9a-f]{32}`),
    );
    expect(header(raw, 'From')).toContain('Shop Support');
    // VERP: the envelope sender names this message.
    expect(sent[0]!.from).toMatch(
      new RegExp(`^${inbox.address.split('@')[0]}\\+b[0-9a-f]{32}[0-9a-z]{10}@example\\.test$`),
    );
    const history = await deliveries(owner, ticket!.id, reply.body.id);
    expect(history.data.map((e: { status: string }) => e.status)).toEqual(['queued', 'sent']);
  });

  it('threads replies by In-Reply-To, References, reply token, body marker and subject tag', async () => {
    const owner = await h.signUp();
    const inbox = await h.createInbox(owner);
    await receive(owner, mail({ to: inbox.address, subject: 'Broken widget' }), [inbox.address]);
    const [ticket] = await tickets(owner);
    const reply = await replyAs(owner, ticket!.id, 'Try turning it off and on.');
    await eventually(
      async () => (await deliveries(owner, ticket!.id, reply.body.id)).status === 'sent',
      20_000,
    );
    const out = relayed('Broken widget')[0]!.raw;
    const ourId = header(out, 'Message-ID')!;
    const replyTo = header(out, 'Reply-To')!.replace(/.*<|>.*/g, '');
    const marker = /\[ref:k[0-9a-z]+\]/.exec(out.toString('utf8'))![0];
    const number = /\[#(\d+)\]/.exec(header(out, 'Subject')!)![1];

    const cases: [string, string, string[]][] = [
      [
        'in-reply-to',
        mail({
          to: inbox.address,
          subject: 'Re: Broken widget',
          headers: { 'In-Reply-To': ourId },
        }),
        [inbox.address],
      ],
      [
        'references',
        mail({
          to: inbox.address,
          subject: 'Re: x',
          headers: { References: `<a@b.test> ${ourId}` },
        }),
        [inbox.address],
      ],
      ['reply-token', mail({ to: replyTo, subject: 'no headers' }), [replyTo]],
      [
        'body-marker',
        mail({
          to: inbox.address,
          subject: 'forwarded by a client that drops headers',
          body: `Still broken.\n\n> earlier\n> ${marker}`,
        }),
        [inbox.address],
      ],
      [
        'subject-tag',
        mail({ to: inbox.address, subject: `Any news? [#${number}]` }),
        [inbox.address],
      ],
    ];
    for (const [rule, raw, to] of cases) {
      const row = await receive(owner, raw, to);
      expect({ rule, got: row.threadRule, ticket: row.ticketId }).toEqual({
        rule,
        got: rule,
        ticket: ticket!.id,
      });
    }

    // A stranger using the tag starts a new ticket; so does a forward without headers.
    const stranger = await receive(
      owner,
      mail({ from: 'mallory@evil.test', to: inbox.address, subject: `Hijack [#${number}]` }),
      [inbox.address],
    );
    expect(stranger.threadRule).toBeNull();
    expect(stranger.ticketId).not.toBe(ticket!.id);
    const forwarded = await receive(
      owner,
      mail({ to: inbox.address, subject: 'Fwd: Broken widget' }),
      [inbox.address],
    );
    expect(forwarded.ticketId).not.toBe(ticket!.id);
    // A tampered reply token is ignored.
    const forged = replyTo.replace(/r([0-9a-f])/, (_, c: string) => `r${c === 'a' ? 'b' : 'a'}`);
    const tampered = await receive(owner, mail({ to: forged, subject: 'forged' }), [forged]);
    expect(tampered.ticketId).not.toBe(ticket!.id);
  });

  it('prefers In-Reply-To over References pointing at another ticket', async () => {
    const owner = await h.signUp();
    const inbox = await h.createInbox(owner);
    const first = await receive(
      owner,
      mail({ to: inbox.address, subject: 'One', messageId: '<one@c.test>' }),
      [inbox.address],
    );
    const second = await receive(
      owner,
      mail({ to: inbox.address, subject: 'Two', messageId: '<two@c.test>' }),
      [inbox.address],
    );
    const both = await receive(
      owner,
      mail({
        to: inbox.address,
        subject: 'Re',
        headers: { 'In-Reply-To': '<two@c.test>', References: '<two@c.test> <one@c.test>' },
      }),
      [inbox.address],
    );
    expect(both).toMatchObject({ ticketId: second.ticketId, threadRule: 'in-reply-to' });
    expect(first.ticketId).not.toBe(second.ticketId);
  });

  it('stores a message delivered twice (or concurrently, or without a Message-ID) once', async () => {
    const owner = await h.signUp();
    const inbox = await h.createInbox(owner, { inboundToken: 'tok-'.padEnd(32, 'x') });
    const raw = mail({ to: inbox.address, subject: 'Twice', messageId: '<twice@c.test>' });
    await h.smtp(raw, [inbox.address]);
    await h.smtp(raw, [inbox.address]);
    const http = await h.call('POST', `/api/p/channel-email/inboxes/${inbox.id}/raw`, {
      headers: {
        'x-novumdesk-inbox-token': 'tok-'.padEnd(32, 'x'),
        'content-type': 'message/rfc822',
      },
    });
    expect(http.status).toBe(400); // empty body
    const res = await fetch(`${h.t.url}/api/p/channel-email/inboxes/${inbox.id}/raw`, {
      method: 'POST',
      headers: {
        'x-novumdesk-inbox-token': 'tok-'.padEnd(32, 'x'),
        'content-type': 'message/rfc822',
      },
      body: raw,
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ id: null, duplicate: true });
    const noId = mail({ to: inbox.address, subject: 'No id', messageId: null });
    await Promise.all([h.smtp(noId, [inbox.address]), h.smtp(noId, [inbox.address])]);
    const concurrent = mail({
      to: inbox.address,
      subject: 'Concurrent',
      messageId: '<conc@c.test>',
    });
    await Promise.all([
      h.smtp(concurrent, [inbox.address]),
      h.smtp(concurrent, [inbox.address]),
      h.smtp(concurrent, [inbox.address]),
    ]);
    await h.waitProcessed(owner, 3);
    expect((await h.inbound(owner)).length).toBe(3);
    expect((await tickets(owner)).map((t) => t.subject).sort()).toEqual([
      'Concurrent',
      'No id',
      'Twice',
    ]);
    // The HTTP endpoint wants the inbox's own token.
    const wrong = await fetch(`${h.t.url}/api/p/channel-email/inboxes/${inbox.id}/raw`, {
      method: 'POST',
      headers: { 'x-novumdesk-inbox-token': 'nope', 'content-type': 'message/rfc822' },
      body: raw,
    });
    expect(wrong.status).toBe(404);
  });

  it('records auto-replies without answering them or reopening a solved ticket; a ping-pong stops', async () => {
    const owner = await h.signUp();
    const inbox = await h.createInbox(owner);
    await receive(owner, mail({ to: inbox.address, subject: 'Ping' }), [inbox.address]);
    const [ticket] = await tickets(owner);
    // The customer's side auto-replies to everything it gets (an out-of-office robot).
    h.relay.onMessage = (m) => {
      const replyTo = (header(m.raw, 'Reply-To') ?? '').replace(/.*<|>.*/g, '');
      if (!replyTo) return;
      void h
        .smtp(
          mail({
            to: replyTo,
            subject: `Automatische Antwort: ${header(m.raw, 'Subject')}`,
            headers: {
              'Auto-Submitted': 'auto-replied',
              'In-Reply-To': header(m.raw, 'Message-ID')!,
            },
            body: 'I am out of office.',
          }),
          [replyTo],
          '',
        )
        .catch(() => undefined);
    };
    await h.expectStatus(200, 'PATCH', `/tickets/${ticket!.id}`, {
      token: owner.token,
      body: { status: 'solved' },
    });
    const reply = await replyAs(owner, ticket!.id, 'Solved, see you.');
    await eventually(
      async () =>
        (await h.inbound(owner)).length === 2 &&
        (await h.inbound(owner)).every((r: { status: string }) => r.status !== 'stored'),
      20_000,
    );
    await new Promise((r) => setTimeout(r, 1500)); // give a loop every chance to happen
    h.relay.onMessage = null;
    const rows = await h.inbound(owner);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ ticketId: ticket!.id, threadRule: 'in-reply-to' });
    expect(rows[0].outcome.automatic.automatic).toBe(true);
    expect(relayed('Ping')).toHaveLength(1); // our reply only: nothing answered the auto-reply
    const after = await h.expectStatus(200, 'GET', `/tickets/${ticket!.id}`, {
      token: owner.token,
    });
    expect(after.body.status).toBe('solved');
    const events = (await timeline(owner, ticket!.id))
      .filter((i) => i.itemType === 'event')
      .map((i) => i.event?.type ?? i.type);
    expect(JSON.stringify(events)).toContain('automatic_message');
    expect(reply.body.id).toBeTruthy();
  });

  it('maps bounces to the original message (DSN and VERP), and repeated hard bounces suppress the address', async () => {
    const owner = await h.signUp();
    const inbox = await h.createInbox(owner);
    await receive(
      owner,
      mail({ from: 'gone@example.test', to: inbox.address, subject: 'Bouncy' }),
      [inbox.address],
    );
    const [ticket] = await tickets(owner);
    const bounceFor = async (body: string) => {
      const reply = await replyAs(owner, ticket!.id, body);
      await eventually(
        async () => (await deliveries(owner, ticket!.id, reply.body.id)).status === 'sent',
        20_000,
      );
      const out = h.relay.received.at(-1)!;
      const verp = out.from;
      const dsn = [
        'From: Mail Delivery System <MAILER-DAEMON@mx.example.test>',
        `To: ${verp}`,
        'Subject: Undelivered Mail Returned to Sender',
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain',
        '',
        'Your message could not be delivered.',
        '--b1',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.example.test',
        '',
        'Final-Recipient: rfc822; gone@example.test',
        'Action: failed',
        'Status: 5.1.1',
        'Diagnostic-Code: smtp; 550 5.1.1 <gone@example.test>: Recipient address rejected: User unknown',
        '',
        '--b1',
        'Content-Type: text/rfc822-headers',
        '',
        `Message-ID: ${header(out.raw, 'Message-ID')}`,
        '--b1--',
        '',
      ].join('\r\n');
      await h.smtp(dsn, [verp], '');
      await eventually(
        async () => (await deliveries(owner, ticket!.id, reply.body.id)).status === 'bounced',
        20_000,
      );
      return deliveries(owner, ticket!.id, reply.body.id);
    };
    const first = await bounceFor('One');
    expect(first.data.at(-1)).toMatchObject({
      status: 'bounced',
      hard: true,
      reason: 'userunknown',
      recipient: 'gone@example.test',
      source: 'verp',
    });
    await bounceFor('Two');
    // Two hard bounces: the address is undeliverable, the next reply fails without being sent.
    const sentBefore = h.relay.received.length;
    const third = await replyAs(owner, ticket!.id, 'Three');
    await eventually(
      async () => (await deliveries(owner, ticket!.id, third.body.id)).status === 'failed',
      20_000,
    );
    expect((await deliveries(owner, ticket!.id, third.body.id)).data.at(-1).detail).toMatch(
      /suppressed/,
    );
    expect(h.relay.received.length).toBe(sentBefore);
    const events = (await timeline(owner, ticket!.id)).filter((i) => i.itemType === 'event');
    expect(JSON.stringify(events)).toContain('delivery_bounced');
  });

  it('retries a temporary relay failure with the same Message-ID, and fails at once on a permanent one', async () => {
    const owner = await h.signUp();
    const inbox = await h.createInbox(owner);
    await receive(owner, mail({ to: inbox.address, subject: 'Retry me' }), [inbox.address]);
    const [ticket] = await tickets(owner);
    h.relay.answers.push({ code: 451, message: '4.3.0 Try again later', subject: 'Retry me' });
    const attemptsBefore = h.relay.attempts.length;
    const reply = await replyAs(owner, ticket!.id, 'Retried');
    await eventually(
      async () => (await deliveries(owner, ticket!.id, reply.body.id)).status === 'sent',
      20_000,
    );
    // Only this reply's attempts (service mail, e.g. a verification, may interleave).
    const attempts = h.relay.attempts
      .slice(attemptsBefore)
      .filter((m) => (header(m.raw, 'Subject') ?? '').includes('Retry me'));
    expect(attempts).toHaveLength(2);
    expect(header(attempts[0]!.raw, 'Message-ID')).toBe(header(attempts[1]!.raw, 'Message-ID'));
    expect(attempts[0]!.raw.equals(attempts[1]!.raw)).toBe(true);
    const history = await deliveries(owner, ticket!.id, reply.body.id);
    expect(history.data.map((e: { status: string }) => e.status)).toEqual([
      'queued',
      'deferred',
      'sent',
    ]);

    h.relay.answers.push({ code: 550, message: '5.7.1 Rejected', subject: 'Retry me' });
    const before = h.relay.attempts.length;
    const refused = await replyAs(owner, ticket!.id, 'Refused');
    await eventually(
      async () => (await deliveries(owner, ticket!.id, refused.body.id)).status === 'failed',
      20_000,
    );
    await new Promise((r) => setTimeout(r, 800));
    expect(
      h.relay.attempts
        .slice(before)
        .filter((m) => (header(m.raw, 'Subject') ?? '').includes('Retry me')),
    ).toHaveLength(1);
    expect((await deliveries(owner, ticket!.id, refused.body.id)).data.at(-1)).toMatchObject({
      status: 'failed',
      reason: 'send_error',
    });
  });

  it("keeps inbox credentials encrypted and hides other workspaces' mail", async () => {
    const owner = await h.signUp();
    const other = await h.signUp();
    const inbox = await h.createInbox(owner, { inboundToken: 'secret-token-'.padEnd(40, 'z') });
    const view = await h.expectStatus(200, 'GET', `/inboxes/${inbox.id}`, { token: owner.token });
    expect(view.body.settings.inboundToken).toBeUndefined();
    expect(view.body.secretsSet).toEqual(['inboundToken']);
    const row = await receive(owner, mail({ to: inbox.address, subject: 'Mine' }), [inbox.address]);
    await h.expectStatus(404, 'GET', `/api/p/channel-email/inbound/${row.id}`, {
      token: other.token,
    });
    expect(await h.inbound(other)).toEqual([]);
    const outbox = await h.expectStatus(200, 'GET', '/api/p/channel-email/outbox', {
      token: other.token,
    });
    expect(outbox.body.data).toEqual([]);
  });
});
