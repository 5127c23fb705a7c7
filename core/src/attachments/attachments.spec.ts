/**
 * Attachments over HTTP on the suite's database: uploads (raw and multipart) with sniffed types
 * and sanitized names, the size limit, downloads that are never rendered (a polyglot GIF+HTML
 * included), attaching to replies and notes, workspace and uploader isolation, expiry of
 * unattached uploads, the `attachment.beforeStore` hook, the service a channel plugin uses,
 * and sanitized HTML bodies.
 */
import { z } from 'zod';
import { definePlugin } from '../kernel/plugins/define-plugin.js';
import { NovumError } from '../kernel/errors.js';
import { defineRoute } from '../http/route.js';
import { sqlFor } from '../identity/db.js';
import { CORE_VERSION } from '../version.js';
import { eventually } from '../testing/eventually.js';
import { insertMessage } from '../tickets/tickets.js';
import { ticketsPersonalData } from '../tickets/personal-data.js';
import { inWorkspaceScope } from '../tenancy/index.js';
import { startTickets, type TicketsHarness } from '../tickets/testkit.test.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const POLYGLOT = Buffer.concat([
  Buffer.from('GIF89a'),
  Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>'),
]);

/** Refuses `.exe` files; offers a route that files an inbound note the way a channel would. */
const policy = definePlugin({
  id: 'file-policy',
  version: '1.0.0',
  core: `^${CORE_VERSION}`,
  dependsOn: { tickets: `^${CORE_VERSION}` },
  noPersonalData: true,
  register(ctx) {
    ctx.hooks.tap('attachment.beforeStore', (draft) => {
      if (draft.filename.endsWith('.exe')) {
        throw new NovumError('file_refused', 'Executables are not accepted', { status: 422 });
      }
      return { ...draft, filename: draft.filename.replace(/^scan-/, 'scanned-') };
    });
    ctx.route(
      defineRoute({
        method: 'post',
        path: '/inbound/:ticketId',
        operationId: 'fileInbound',
        summary: 'Store a file and a note holding it, like a channel plugin',
        access: { permission: 'tickets:write' },
        request: { params: z.object({ ticketId: z.uuid() }) },
        responses: { 201: { description: 'Stored' } },
        async handler({ params, scope, actor }) {
          const { attachments, em, clock } = scope.cradle;
          const workspaceId = actor!.workspaceId!;
          const file = await attachments.store(scope, workspaceId, {
            filename: 'inbound/../invoice.pdf',
            data: Buffer.from('%PDF-1.7 inbound'),
          });
          const sql = sqlFor(em);
          const message = await insertMessage(
            sql,
            workspaceId,
            params.ticketId,
            {
              kind: 'note',
              direction: null,
              authorUserId: null,
              authorContactId: null,
              body: 'Received by a channel',
              // Raw HTML from a channel: stored sanitized all the same.
              bodyHtml: '<p>Received<img src=x onerror=alert(1)></p><script>alert(2)</script>',
            },
            clock.now(),
          );
          await attachments.attach(sql, workspaceId, message.id, [file.id], clock.now());
          return { attachmentId: file.id, messageId: message.id };
        },
      }),
    );
  },
});

describe('attachments', () => {
  let h: TicketsHarness;
  beforeAll(async () => {
    h = await startTickets({ tickets: { attachments: { maxBytes: 4096 } }, plugins: [policy] });
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  it('sniffs the type from the bytes, sanitizes the name, and never serves a page', async () => {
    const owner = await h.signUp();
    const png = await h.upload(owner, PNG, {
      filename: '../../etc/pass<wd>.png',
      contentType: 'text/html',
    });
    expect(png.status).toBe(201);
    expect(png.body).toMatchObject({
      filename: 'pass_wd_.png',
      contentType: 'image/png',
      size: PNG.length,
      messageId: null,
    });
    expect(png.body.expiresAt).not.toBeNull();

    const cases: [Buffer | string, string, string][] = [
      [POLYGLOT, 'cat.gif', 'image/gif'],
      ['<!doctype html><script>alert(1)</script>', 'page.html', 'text/plain'],
      ['<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', 'logo.svg', 'text/plain'],
      [Buffer.from([0, 1, 2, 3, 255, 254]), 'blob.bin', 'application/octet-stream'],
      ['%PDF-1.4 fake', 'doc.pdf', 'application/pdf'],
    ];
    for (const [data, filename, expected] of cases) {
      const stored = await h.upload(owner, data, { filename, contentType: 'text/html' });
      expect([filename, stored.status, stored.body.contentType]).toEqual([filename, 201, expected]);
      const got = await h.download(owner, stored.body.id);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).not.toMatch(/html|svg|xml/);
      expect(got.headers.get('content-type')).toMatch(new RegExp(`^${expected}`));
      expect(got.headers.get('content-disposition')).toMatch(/^attachment; filename="/);
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
      expect(got.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
      expect(got.data.equals(Buffer.from(data))).toBe(true);
    }

    const form = new FormData();
    form.append('file', new Blob(['%PDF-1.7 report']), 'Quarterly “report”.pdf');
    const multipart = await h.t.request('/api/v1/attachments', {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.token}` },
      body: form,
    });
    const body = (await multipart.json()) as { id: string; contentType: string; filename: string };
    expect([multipart.status, body.contentType, body.filename]).toEqual([
      201,
      'application/pdf',
      'Quarterly “report”.pdf',
    ]);
    const got = await h.download(owner, body.id);
    expect(got.headers.get('content-disposition')).toBe(
      `attachment; filename="Quarterly _report_.pdf"; filename*=UTF-8''Quarterly%20%E2%80%9Creport%E2%80%9D.pdf`,
    );
  }, 90_000);

  it('refuses files past the limit (413), empty files, JSON and vetoed files', async () => {
    const owner = await h.signUp();
    const big = await h.upload(owner, Buffer.alloc(4097, 'a'), { filename: 'big.txt' });
    expect([big.status, big.body.code]).toEqual([413, 'payload_too_large']);
    const form = new FormData();
    form.append('file', new Blob([Buffer.alloc(4097, 'a')]), 'big.txt');
    const bigMultipart = await h.t.request('/api/v1/attachments', {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.token}` },
      body: form,
    });
    expect(bigMultipart.status).toBe(413);
    expect((await h.upload(owner, Buffer.alloc(4096, 'a'))).status).toBe(201);
    const empty = await h.upload(owner, '');
    expect([empty.status, empty.body.code]).toEqual([400, 'empty_file']);
    const json = await h.upload(owner, '{"a":1}', { contentType: 'application/json' });
    expect(json.status).toBe(415);
    const noFile = new FormData();
    noFile.append('other', 'x');
    const missing = await h.t.request('/api/v1/attachments', {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.token}` },
      body: noFile,
    });
    expect(missing.status).toBe(400);
    const exe = await h.upload(owner, 'MZ', { filename: 'setup.exe' });
    expect([exe.status, exe.body.code]).toEqual([422, 'file_refused']);
    const renamed = await h.upload(owner, 'hello', { filename: 'scan-1.txt' });
    expect(renamed.body.filename).toBe('scanned-1.txt');
    // Nothing of the refused uploads stayed.
    const rows = await h.sql(`select filename from attachment where workspace_id = ?`, [
      owner.workspaceId,
    ]);
    expect(rows.map((r) => r.filename).sort()).toEqual(['file', 'scanned-1.txt']);
  });

  it('holds no transaction while a slow upload arrives', async () => {
    const owner = await h.signUp();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new TextEncoder().encode('first half, '));
        await held;
        controller.enqueue(new TextEncoder().encode('second half'));
        controller.close();
      },
    });
    const upload = h.t.request('/api/v1/attachments?filename=slow.txt', {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'text/plain' },
      body,
      duplex: 'half',
    } as RequestInit);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Meanwhile the workspace (and, embedded, the one database session) keeps serving.
    const started = Date.now();
    await h.ticket(owner);
    expect(Date.now() - started).toBeLessThan(5000);
    release();
    const res = await upload;
    expect(res.status).toBe(201);
    expect(((await res.json()) as { size: number }).size).toBe(23);
  });

  it('attaches uploads to replies and notes and lists them on the timeline', async () => {
    const owner = await h.signUp();
    const agent = await h.addMember(owner, 'agent');
    const ticket = await h.ticket(owner);
    const a = (await h.upload(owner, PNG, { filename: 'screenshot.png' })).body;
    const b = (await h.upload(owner, 'log line', { filename: 'app.log' })).body;
    const c = (await h.upload(owner, 'first', { filename: 'first.txt' })).body;
    const reply = await h.expectStatus(201, 'POST', `/tickets/${ticket.id}/messages`, {
      token: owner.token,
      body: { body: 'See attached', attachmentIds: [a.id] },
    });
    expect(reply.body.attachments).toEqual([
      expect.objectContaining({ id: a.id, filename: 'screenshot.png', messageId: reply.body.id }),
    ]);
    expect(reply.body.attachments[0].expiresAt).toBeNull();
    const note = await h.expectStatus(201, 'POST', `/tickets/${ticket.id}/notes`, {
      token: owner.token,
      body: { bodyHtml: '<p>Logs</p>', attachmentIds: [b.id] },
    });
    expect(note.body.attachments.map((x: { id: string }) => x.id)).toEqual([b.id]);
    const created = await h.ticket(owner, {
      message: { body: 'With a file', attachmentIds: [c.id] },
    });
    expect(created.timeline[0].message.attachments.map((x: { id: string }) => x.id)).toEqual([
      c.id,
    ]);

    const timeline = await h.expectStatus(200, 'GET', `/tickets/${ticket.id}/timeline`, {
      token: agent.token,
    });
    const files = timeline.body.data
      .filter((i: { message?: unknown }) => i.message)
      .map((i: { message: { attachments: { id: string }[] } }) =>
        i.message.attachments.map((x) => x.id),
      );
    expect(files).toEqual([[], [a.id], [b.id]]);
    // Attached files are readable by the workspace's agents.
    expect((await h.download(agent, a.id)).status).toBe(200);

    const onCreate = await h.call('POST', '/tickets', {
      token: owner.token,
      body: {
        subject: 'x',
        requester: { email: 'x@example.test' },
        message: { body: 'x', attachmentIds: [c.id] },
      },
    });
    expect([onCreate.status, onCreate.body.errors[0].path]).toEqual([
      400,
      'body.message.attachmentIds.0',
    ]);
    // An upload is attached once; an unknown id is refused with its field path.
    const reuse = await h.call('POST', `/tickets/${ticket.id}/notes`, {
      token: owner.token,
      body: { body: 'again', attachmentIds: [b.id] },
    });
    expect([reuse.status, reuse.body.errors[0].path]).toEqual([400, 'body.attachmentIds.0']);
  }, 90_000);

  it('keeps uploads to their workspace, and unattached ones to their uploader', async () => {
    const owner = await h.signUp('a');
    const agent = await h.addMember(owner, 'agent');
    const other = await h.signUp('b');
    const ticket = await h.ticket(owner);
    const foreign = (await h.upload(other, 'from b', { filename: 'b.txt' })).body;
    const attach = await h.call('POST', `/tickets/${ticket.id}/messages`, {
      token: owner.token,
      body: { body: 'x', attachmentIds: [foreign.id] },
    });
    expect([attach.status, attach.body.errors[0].path]).toEqual([400, 'body.attachmentIds.0']);
    const mine = (await h.upload(owner, 'from a', { filename: 'a.txt' })).body;
    expect((await h.download(other, mine.id)).status).toBe(404);
    // Not attached yet: only the uploader may read it.
    expect((await h.download(agent, mine.id)).status).toBe(404);
    expect((await h.download(owner, mine.id)).status).toBe(200);
    await h.expectStatus(201, 'POST', `/tickets/${ticket.id}/notes`, {
      token: owner.token,
      body: { body: 'x', attachmentIds: [mine.id] },
    });
    expect((await h.download(agent, mine.id)).status).toBe(200);
    expect((await h.download(other, mine.id)).status).toBe(404);
  });

  it('gives channel plugins a service to store inbound files', async () => {
    const owner = await h.signUp();
    const ticket = await h.ticket(owner);
    const filed = await h.expectStatus(201, 'POST', `/api/p/file-policy/inbound/${ticket.id}`, {
      token: owner.token,
    });
    const timeline = await h.expectStatus(200, 'GET', `/tickets/${ticket.id}/timeline`, {
      token: owner.token,
    });
    const note = timeline.body.data.find(
      (i: { id: string }) => i.id === filed.body.messageId,
    ).message;
    expect(note.bodyHtml).toBe('<p>Received<img /></p>');
    expect(note.attachments).toEqual([
      expect.objectContaining({
        id: filed.body.attachmentId,
        filename: 'invoice.pdf',
        contentType: 'application/pdf',
      }),
    ]);
  });

  it("exports and erases a contact's attachments (rows and files)", async () => {
    const owner = await h.signUp();
    const file = (await h.upload(owner, 'passport scan', { filename: 'passport.txt' })).body;
    const ticket = await h.ticket(owner, {
      requester: { email: 'erase-me@example.test' },
      message: { body: 'My passport', attachmentIds: [file.id] },
    });
    const [row] = await h.sql(`select storage_key from attachment where id = ?`, [file.id]);
    const storage = h.t.hd.container.cradle.storage;
    const subject = {
      kind: 'contact' as const,
      id: ticket.requesterId,
      workspaceId: owner.workspaceId,
      emails: [],
    };
    const scope = h.t.hd.createScope();
    try {
      await inWorkspaceScope(scope, owner.workspaceId, async () => {
        const exported = await ticketsPersonalData.export(subject, scope);
        expect(exported.attachments).toEqual([
          expect.objectContaining({ id: file.id, filename: 'passport.txt' }),
        ]);
        const report = await ticketsPersonalData.erase(subject, scope);
        expect(report.erased).toBeGreaterThanOrEqual(3);
      });
    } finally {
      await scope.dispose();
    }
    expect(await h.sql(`select 1 from attachment where id = ?`, [file.id])).toEqual([]);
    expect(await storage.get(row.storage_key)).toBeNull();
  });

  it('stores HTML bodies sanitized, with the text derived from them', async () => {
    const owner = await h.signUp();
    const dirty =
      '<p onclick="steal()">Hello <b>there</b> &amp; welcome<script>alert(1)</script></p>' +
      '<style>p{color:red}</style><a href="javascript:alert(1)">bad</a>' +
      '<a href="https://example.test/help" target="_self">help</a>' +
      '<img src="data:image/png;base64,AAAA"><img src="cid:logo@mail"><iframe src="https://x.test"></iframe>' +
      '<ul><li>one</li><li>two</li></ul>';
    const ticket = await h.ticket(owner, { message: { bodyHtml: dirty } });
    const first = ticket.timeline[0].message;
    expect(first.bodyHtml).toBe(
      '<p>Hello <b>there</b> &amp; welcome</p><a rel="noopener noreferrer nofollow" target="_blank">bad</a>' +
        '<a target="_blank" rel="noopener noreferrer nofollow" href="https://example.test/help">help</a>' +
        '<img /><img src="cid:logo@mail" /><ul><li>one</li><li>two</li></ul>',
    );
    expect(first.bodyText).toBe('Hello there & welcome\nbadhelp\n- one\n- two');
    const relative = await h.expectStatus(201, 'POST', `/tickets/${ticket.id}/notes`, {
      token: owner.token,
      body: {
        bodyHtml: '<a href="/admin/settings">here</a><img src="/api/v1/me"><img src="//x.test/p">',
      },
    });
    expect(relative.body.bodyHtml).toBe(
      '<a rel="noopener noreferrer nofollow" target="_blank">here</a><img /><img />',
    );
    const reply = await h.expectStatus(201, 'POST', `/tickets/${ticket.id}/messages`, {
      token: owner.token,
      body: { body: 'Plain version', bodyHtml: '<p>Rich <em>version</em></p><script>x</script>' },
    });
    expect([reply.body.bodyText, reply.body.bodyHtml]).toEqual([
      'Plain version',
      '<p>Rich <em>version</em></p>',
    ]);
    const empty = await h.call('POST', `/tickets/${ticket.id}/notes`, {
      token: owner.token,
      body: { bodyHtml: '<script>alert(1)</script>' },
    });
    expect([empty.status, empty.body.errors[0].path]).toEqual([400, 'body.body']);
    const neither = await h.call('POST', `/tickets/${ticket.id}/notes`, {
      token: owner.token,
      body: {},
    });
    expect([neither.status, neither.body.errors[0].path]).toEqual([400, 'body.body']);
  });
});

describe('attachments: expiry of unattached uploads', () => {
  let h: TicketsHarness;
  beforeAll(async () => {
    h = await startTickets({ tickets: { attachments: { unattachedTtlSeconds: 1 } } });
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  it('deletes an upload nobody attached (row and file), and refuses to attach it', async () => {
    const owner = await h.signUp();
    const ticket = await h.ticket(owner);
    const upload = (await h.upload(owner, 'short-lived', { filename: 'tmp.txt' })).body;
    const [row] = await h.sql(`select storage_key from attachment where id = ?`, [upload.id]);
    const storage = h.t.hd.container.cradle.storage;
    expect(await storage.get(row.storage_key)).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const late = await h.call('POST', `/tickets/${ticket.id}/notes`, {
      token: owner.token,
      body: { body: 'too late', attachmentIds: [upload.id] },
    });
    expect([late.status, late.body.errors[0].path]).toEqual([400, 'body.attachmentIds.0']);
    await eventually(
      async () => (await h.sql(`select 1 from attachment where id = ?`, [upload.id])).length === 0,
      20_000,
    );
    expect(await storage.get(row.storage_key)).toBeNull();
    expect((await h.download(owner, upload.id)).status).toBe(404);
  });
});
