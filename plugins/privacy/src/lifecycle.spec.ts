/**
 * Requests handled on time and accountably (PRV-28, PRV-29, PRV-30, PRV-33), policy versions
 * with member notification and acceptance at the next sign-in, sub-processor declarations
 * (PRV-34), and the start-up check of personal-data declarations (PRV-36).
 */
import { createTestHelpdesk } from '@novumdesk/core/testing';
import { definePlugin, type PersonalDataHandlers } from '@novumdesk/core';
import { EntitySchema } from '@mikro-orm/core';
import {
  P,
  seedContact,
  startPrivacy,
  waitForState,
  type MembersHarness,
  type Person,
} from './testkit.test.js';

const DAY = 86_400_000;
const ADMIN = { email: 'operator@example.test', password: 'operator-password-for-tests-9f3k' };

/** A plugin that sends data off the host and says so. */
const mailer = definePlugin({
  id: 'cloud-mailer',
  version: '1.0.0',
  core: '^0.1.0',
  noPersonalData: true,
  subProcessors: [
    {
      name: 'Example Mail Inc.',
      purpose: 'delivering email',
      region: 'US',
      categories: ['email address', 'message content'],
      origin: 'https://api.mail.example',
    },
  ],
});

describe('privacy: request lifecycle, policies and declarations', () => {
  let h: MembersHarness;
  let operator: Person;
  let owner: Person;
  beforeAll(async () => {
    h = await startPrivacy([mailer as never], {
      bootstrapAdmin: true,
      config: { admin: ADMIN },
    });
    operator = await h.login(ADMIN.email, ADMIN.password);
    owner = await h.signUp('lifecycle');
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  it('is due one month after receipt; overdue requests alert the managers once; an extension notifies the subject', async () => {
    const subject = await seedContact(h, owner, 'slow');
    const created = await h.expectStatus(201, 'POST', `${P}/requests`, {
      token: owner.token,
      body: {
        type: 'access',
        subject: { kind: 'contact', id: subject.contactId },
        verification: { method: 'email_link' },
      },
    });
    const received = new Date(created.body.receivedAt);
    const due = new Date(created.body.dueAt);
    expect(due.getUTCMonth()).toBe((received.getUTCMonth() + 1) % 12);
    expect(created.body.overdue).toBe(false);

    h.clock.offsetMs = 32 * DAY;
    try {
      const later = await h.login(owner.email, owner.password);
      const jobs = h.t.hd.container.resolve('jobs');
      await jobs.send('privacy.workspace-sweep', { workspaceId: owner.workspaceId });
      await waitForMail(h, owner.email, 'privacy_request_overdue');
      const listed = await h.expectStatus(200, 'GET', `${P}/requests?open=true`, {
        token: later.token,
      });
      expect(listed.body.data.find((r: { id: string }) => r.id === created.body.id).overdue).toBe(
        true,
      );
      // Once per request.
      await jobs.send('privacy.workspace-sweep', { workspaceId: owner.workspaceId });
      await new Promise((r) => setTimeout(r, 1500));
      const [{ n }] = await h.sql(
        `select count(*)::int as n from mail_message where to_address = ? and kind = ?`,
        [owner.email, 'privacy_request_overdue'],
      );
      expect(n).toBe(1);

      const extended = await h.expectStatus(
        200,
        'POST',
        `${P}/requests/${created.body.id}/extend`,
        {
          token: later.token,
          body: { reason: 'the archive is on tape', months: 2 },
        },
      );
      expect(extended.body.state).toBe('extended');
      expect(new Date(extended.body.dueAt).getUTCMonth()).toBe((received.getUTCMonth() + 3) % 12);
      expect((await h.lastMail(subject.email, 'privacy_request_extended'))?.text).toContain(
        'the archive is on tape',
      );
      const again = await h.call('POST', `${P}/requests/${created.body.id}/extend`, {
        token: later.token,
        body: { reason: 'more' },
      });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('already_extended');
    } finally {
      h.clock.offsetMs = 0;
    }
  }, 90000);

  it('a refusal gives its reason and how to complain; every transition is audited with its actor', async () => {
    const subject = await seedContact(h, owner, 'refused');
    const created = await h.expectStatus(201, 'POST', `${P}/requests`, {
      token: owner.token,
      body: {
        type: 'erase',
        subject: { kind: 'contact', id: subject.contactId },
        verification: { method: 'email_link' },
      },
    });
    const refused = await h.expectStatus(200, 'POST', `${P}/requests/${created.body.id}/refuse`, {
      token: owner.token,
      body: { reason: 'manifestly unfounded' },
    });
    expect(refused.body).toMatchObject({ state: 'refused', refusalReason: 'manifestly unfounded' });
    const notice = await h.lastMail(subject.email, 'privacy_request_refused');
    expect(notice?.text).toContain('manifestly unfounded');
    expect(notice?.text).toContain('supervisory authority');
    // No transition out of a final state.
    const res = await h.call('POST', `${P}/requests/${created.body.id}/verify`, {
      token: owner.token,
      body: { note: 'too late' },
    });
    expect(res.status).toBe(409);
    const audit = await h.sql(
      `select action, actor_id, metadata from audit_event where target_id = ? order by occurred_at`,
      [created.body.id],
    );
    expect(audit.map((a) => a.metadata.to)).toEqual(['received', 'verifying', 'refused']);
    expect(audit.every((a) => a.actor_id === owner.userId)).toBe(true);
  }, 90000);

  it('rectifies a contact: new name and address, the old address is told, the register keeps no values (PRV-23)', async () => {
    const subject = await seedContact(h, owner, 'typo');
    const corrected = `corrected-${subject.email}`;
    const request = await h.expectStatus(201, 'POST', `${P}/requests`, {
      token: owner.token,
      body: {
        type: 'rectify',
        subject: { kind: 'contact', id: subject.contactId },
        verification: {
          method: 'admin_checked',
          note: 'the contact called from the number on file',
        },
        details: {
          changes: { name: 'Zelda Corrected', email: { from: subject.email, to: corrected } },
        },
      },
    });
    const done = await waitForState(h, owner, request.body.id, ['completed']);
    expect(done.result).toMatchObject({ fields: ['name', 'email'] });
    expect(done.result.changed).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(done)).not.toContain(corrected);
    const contact = await h.expectStatus(200, 'GET', `/contacts/${subject.contactId}`, {
      token: owner.token,
    });
    expect(contact.body.name).toBe('Zelda Corrected');
    expect(JSON.stringify(contact.body)).toContain(corrected);
    expect((await h.lastMail(subject.email, 'privacy_request_completed'))?.subject).toBe(
      'Your email address was changed',
    );
  }, 90000);

  it('an under-age report creates and runs an erasure, and excludes the subject from analytics at once', async () => {
    const subject = await seedContact(h, owner, 'young');
    const report = await h.expectStatus(201, 'POST', `${P}/underage-reports`, {
      token: owner.token,
      body: { subject: { kind: 'contact', id: subject.contactId }, note: 'parent wrote in' },
    });
    expect(report.body).toMatchObject({
      type: 'erase',
      verification: { method: 'underage_report' },
    });
    await waitForState(h, owner, report.body.id, ['completed']);
    const status = await h.expectStatus(200, 'GET', `${P}/subjects/contact/${subject.contactId}`, {
      token: owner.token,
    });
    expect(status.body.objections).toContain('analytics');
  }, 90000);

  it('publishes policy versions: members are told, and accept at their next sign-in', async () => {
    const member = await h.addMember(owner, 'agent', 'reader');
    const denied = await h.call('POST', `${P}/policies`, {
      token: owner.token,
      body: {
        kind: 'privacy_policy',
        version: 'x',
        effectiveAt: new Date().toISOString(),
        material: true,
        summary: 'nope',
      },
    });
    expect(denied.status).toBe(403);
    const published = await h.expectStatus(201, 'POST', `${P}/policies`, {
      token: operator.token,
      body: {
        kind: 'privacy_policy',
        version: '2026-12',
        effectiveAt: new Date(Date.now() - 1000).toISOString(),
        material: true,
        summary: 'We now keep delivery logs for 90 days.',
      },
    });
    expect(published.body.version).toBe('2026-12');
    await waitForMail(h, member.email, 'privacy_policy_changed');
    const pending = await h.expectStatus(200, 'GET', `${P}/me/policies`, { token: member.token });
    expect(pending.body.pending.map((p: { version: string }) => p.version)).toEqual(['2026-12']);
    await h.expectStatus(201, 'POST', `${P}/me/policies/accept`, {
      token: member.token,
      body: { kind: 'privacy_policy', version: '2026-12' },
    });
    const after = await h.expectStatus(200, 'GET', `${P}/me/policies`, { token: member.token });
    expect(after.body.pending).toEqual([]);
    const ledger = await h.expectStatus(200, 'GET', `${P}/me/consents`, { token: member.token });
    expect(ledger.body.data.at(-1)).toMatchObject({
      kind: 'privacy_policy',
      version: '2026-12',
      granted: true,
    });
    const again = await h.call('POST', `${P}/policies`, {
      token: operator.token,
      body: { ...published.body, id: undefined, publishedAt: undefined },
    });
    expect([400, 409]).toContain(again.status);
  }, 90000);

  it('lists every plugin that sends data off the host, with its region and categories', async () => {
    const res = await h.expectStatus(200, 'GET', `${P}/sub-processors`, { token: owner.token });
    expect(res.body.data).toContainEqual({
      plugin: 'cloud-mailer',
      name: 'Example Mail Inc.',
      purpose: 'delivering email',
      region: 'US',
      categories: ['email address', 'message content'],
      origin: 'https://api.mail.example',
    });
  }, 90000);

  it('contributes its admin panels (requests page, contact sidebar, retention settings) to those who may read', async () => {
    const res = await h.expectStatus(200, 'GET', '/admin/extensions', { token: owner.token });
    const mine = JSON.stringify(res.body);
    for (const exportName of ['PrivacyRequests', 'ContactPrivacy', 'RetentionSettings']) {
      expect(mine).toContain(exportName);
    }
    const bundle = await h.t.request('/admin/plugins/privacy/panels.js');
    expect(bundle.status).toBe(200);
    expect(await bundle.text()).toContain('privacy-requests');
    const agent = await h.addMember(owner, 'agent', 'nopanels');
    const theirs = await h.expectStatus(200, 'GET', '/admin/extensions', { token: agent.token });
    expect(JSON.stringify(theirs.body)).not.toContain('PrivacyRequests');
  }, 90000);

  it('refuses to start a plugin that stores data without handlers, or declares a retention target without purge', async () => {
    const table = new EntitySchema<{ id: string; email: string }>({
      name: 'LeakyRow',
      tableName: 'leaky_row',
      properties: { id: { type: 'uuid', primary: true }, email: { type: 'text' } },
    });
    const leaky = definePlugin({
      id: 'leaky',
      version: '1.0.0',
      core: '^0.1.0',
      entities: [table],
    });
    await expect(createTestHelpdesk({ plugins: [leaky], start: false })).rejects.toThrow(
      /personal data/,
    );
    const half = {
      entities: {},
      export: () => Promise.resolve({}),
      erase: () => Promise.resolve({ erased: 0 }),
      retention: [{ type: 'leaky.rows', count: () => Promise.resolve(0) }],
    } as unknown as PersonalDataHandlers;
    const broken = definePlugin({
      id: 'half',
      version: '1.0.0',
      core: '^0.1.0',
      personalData: half,
    });
    await expect(createTestHelpdesk({ plugins: [broken], start: false })).rejects.toThrow(/purge/);
  }, 90000);
});

async function waitForMail(h: MembersHarness, to: string, kind: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await h.lastMail(to, kind))) {
    if (Date.now() > deadline) throw new Error(`no ${kind} message to ${to}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
