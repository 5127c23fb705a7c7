/**
 * Access and export (PRV-02, PRV-03, PRV-21, PRV-22, PRV-27, PRV-39, PRV-40): a background job
 * with progress assembles one JSON package from every module's and plugin's export handler; it
 * validates against the published JSON Schema, is downloadable once by the right person
 * through an expiring link, is deleted by retention, and re-imports into a fresh workspace.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  P,
  fileRequest,
  seedContact,
  startPrivacy,
  waitForState,
  type MembersHarness,
  type Person,
  until,
} from './testkit.test.js';

const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020.js').default;
const addFormats = require('ajv-formats').default;

const linkIn = (text: string) => /\/api\/p\/privacy\/downloads\/([A-Za-z0-9_-]+)/.exec(text)![1]!;

describe('privacy: export', () => {
  let h: MembersHarness;
  let owner: Person;
  let validate: ((data: unknown) => boolean) & { errors?: unknown };
  beforeAll(async () => {
    h = await startPrivacy();
    owner = await h.signUp('exporter');
    const schema = await h.expectStatus(200, 'GET', `${P}/export-schema`);
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    validate = ajv.compile(typeof schema.body === 'string' ? JSON.parse(schema.body) : schema.body);
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  it("exports a contact's data as a schema-valid package that re-imports into a fresh workspace", async () => {
    const subject = await seedContact(h, owner, 'porta');
    const request = await fileRequest(h, owner, {
      type: 'export',
      subject: { kind: 'contact', id: subject.contactId },
    });
    const done = await waitForState(h, owner, request.id, ['completed']);
    expect(done.progress).toBe(100);
    expect(done.trail.map((t: { to: string }) => t.to)).toEqual([
      'received',
      'in_progress',
      'completed',
    ]);
    // PRV-40: the subject is told, by a service message of a stable kind.
    const mail = await h.lastMail(subject.email, 'privacy_request_completed');
    expect(mail?.text).toContain('/api/p/privacy/downloads/');
    const token = linkIn(mail!.text);

    const res = await h.t.request(`${P}/downloads/${token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const pkg = (await res.json()) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(validate(pkg)).toBe(true);
    expect(pkg.schemaVersion).toMatch(/^1\./);
    expect(Object.keys(pkg.sources)).toEqual(
      expect.arrayContaining(['contacts', 'tickets', 'hello']),
    );
    const exported = JSON.stringify(pkg.sources);
    expect(exported).toContain(subject.email);
    expect(exported).toContain(subject.phone);
    // PRV-03: the attachment's bytes, by SHA-256; internal notes flagged for review.
    const file = pkg.files.find((f: { path: string }) => f.path.endsWith(`${subject.name}.txt`));
    expect(file).toBeDefined();
    expect(file.sha256).toBe(createHash('sha256').update(subject.attachmentText).digest('hex'));
    expect(Buffer.from(file.contentBase64, 'base64').toString()).toBe(subject.attachmentText);
    const notes = pkg.sources.tickets.ticketMessages.filter(
      (m: { kind: string }) => m.kind === 'note',
    );
    expect(notes.length).toBeGreaterThan(0);
    expect(notes.every((m: { internal: boolean }) => m.internal === true)).toBe(true);

    // Once: a second download is gone (410).
    expect((await h.t.request(`${P}/downloads/${token}`)).status).toBe(410);

    // Re-import into a fresh workspace through the public API.
    const fresh = await h.signUp('importer');
    const contact = pkg.sources.contacts.contacts[0];
    const imported = await h.expectStatus(201, 'POST', '/contacts', {
      token: fresh.token,
      body: { name: contact.name, emails: contact.emails, phones: contact.phones },
    });
    for (const ticket of pkg.sources.tickets.tickets) {
      const first = pkg.sources.tickets.ticketMessages.find(
        (m: { ticketId: string }) => m.ticketId === ticket.id,
      );
      await h.expectStatus(201, 'POST', '/tickets', {
        token: fresh.token,
        body: {
          subject: ticket.subject,
          requesterId: imported.body.id,
          message: { body: first?.bodyText ?? '(imported)' },
        },
      });
    }
    const list = await h.expectStatus(200, 'GET', '/tickets', { token: fresh.token });
    expect(list.body.data.map((t: { subject: string }) => t.subject)).toEqual(
      pkg.sources.tickets.tickets.map((t: { subject: string }) => t.subject),
    );
  }, 120000);

  it('lets only the member download their own package; an expired link is 410 and retention deletes the file', async () => {
    const agent = await h.addMember(owner, 'agent', 'selfexport');
    // Re-authentication is required.
    const missing = await h.call('POST', `${P}/me/requests`, {
      token: agent.token,
      body: { type: 'access' },
    });
    expect(missing.status).toBe(401);
    expect(missing.body.code).toBe('reauth_required');
    const wrong = await h.call('POST', `${P}/me/requests`, {
      token: agent.token,
      body: { type: 'access', password: 'not-the-password' },
    });
    expect(wrong.status).toBe(401);
    const created = await h.expectStatus(201, 'POST', `${P}/me/requests`, {
      token: agent.token,
      body: { type: 'access', password: agent.password },
    });
    expect(created.body.verification.method).toBe('reauth');
    await waitForState(h, owner, created.body.id, ['completed']);
    const token = linkIn((await h.lastMail(agent.email, 'privacy_request_completed'))!.text);

    // Another member, or nobody, gets 404.
    const other = await h.addMember(owner, 'agent', 'nosy');
    expect((await h.call('GET', `${P}/downloads/${token}`, { token: other.token })).status).toBe(
      404,
    );
    expect((await h.t.request(`${P}/downloads/${token}`)).status).toBe(404);

    const res = await h.call('GET', `${P}/downloads/${token}`, { token: agent.token });
    expect(res.status).toBe(200);
    expect(validate(res.body)).toBe(true);
    // PRV-02: profile, roles, memberships; API keys as metadata only.
    const identity = res.body.sources.identity;
    expect(identity.user.email).toBe(agent.email);
    expect(Array.isArray(identity.roles)).toBe(true);
    expect(JSON.stringify(res.body)).not.toMatch(/keyHash|key_hash|password_hash/);

    // Expiry: a fresh package, 8 days later → 410; then retention deletes the file.
    const again = await h.expectStatus(201, 'POST', `${P}/me/requests`, {
      token: agent.token,
      body: { type: 'export', password: agent.password },
    });
    await waitForState(h, owner, again.body.id, ['completed']);
    const second = linkIn((await h.lastMail(agent.email, 'privacy_request_completed'))!.text);
    const [row] = await h.sql(`select export_key from privacy_request where id = ?`, [
      again.body.id,
    ]);
    const storage = h.t.hd.container.resolve('storage') as unknown as {
      exists(k: string): Promise<boolean>;
    };
    expect(await storage.exists(row.export_key)).toBe(true);
    h.clock.offsetMs = 8 * 86_400_000;
    try {
      const later = await h.login(agent.email, agent.password, owner.workspaceId);
      const expired = await h.call('GET', `${P}/downloads/${second}`, { token: later.token });
      expect(expired.status).toBe(410);
      expect(expired.body.code).toBe('link_expired');
      const admin = await h.login(owner.email, owner.password);
      await h.expectStatus(202, 'POST', `${P}/retention/run`, { token: admin.token });
      await until(async () => !(await storage.exists(row.export_key)));
    } finally {
      h.clock.offsetMs = 0;
    }
  }, 120000);
});
