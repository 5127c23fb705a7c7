/**
 * Restriction, objection and consent through `isProcessingAllowed` (PRV-12, PRV-25, PRV-26,
 * PRV-32): the core's service answers from the plugin's flags and ledger; without an answer,
 * consent-based purposes are off.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isProcessingAllowed, type ProcessingQuery } from '@novumdesk/core';
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

describe('privacy: restriction, objection and consent', () => {
  let h: MembersHarness;
  let owner: Person;
  beforeAll(async () => {
    h = await startPrivacy();
    owner = await h.signUp('processing');
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  const allowed = async (query: Omit<ProcessingQuery, 'workspaceId'>) => {
    const scope = h.t.hd.createScope();
    try {
      return await isProcessingAllowed(scope as never, {
        workspaceId: owner.workspaceId,
        ...query,
      });
    } finally {
      await scope.dispose();
    }
  };

  it('a restriction request stops every non-essential purpose; the data is kept', async () => {
    const subject = await seedContact(h, owner, 'restricted');
    const who = { kind: 'contact' as const, id: subject.contactId };
    expect(await allowed({ subject: who, purpose: 'notifications' })).toBe(true);
    const request = await fileRequest(h, owner, { type: 'restrict', subject: who });
    await waitForState(h, owner, request.id, ['completed']);
    for (const purpose of ['notifications', 'surveys', 'automations', 'webhooks', 'analytics']) {
      expect(await allowed({ subject: who, purpose })).toBe(false);
    }
    // By address too, and the essential service still runs.
    expect(await allowed({ subject: { email: subject.email }, purpose: 'surveys' })).toBe(false);
    expect(await allowed({ subject: who, purpose: 'service' })).toBe(true);
    // The contact module's own flag is set, and the data is still there.
    const contact = await h.expectStatus(200, 'GET', `/contacts/${subject.contactId}`, {
      token: owner.token,
    });
    expect(contact.body.name).toBe(subject.name);
    const status = await h.expectStatus(200, 'GET', `${P}/subjects/contact/${subject.contactId}`, {
      token: owner.token,
    });
    expect(status.body.restricted).toBe(true);
    // Lifting it restores processing.
    await h.expectStatus(200, 'PUT', `${P}/subjects/contact/${subject.contactId}/restriction`, {
      token: owner.token,
      body: { restricted: false },
    });
    expect(await allowed({ subject: who, purpose: 'notifications' })).toBe(true);
  }, 90000);

  it('webhooks honour it: no delivery about a restricted contact, deliveries about others', async () => {
    const receiver = createServer((_req, res) => res.writeHead(204).end());
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    try {
      await h.expectStatus(201, 'POST', '/webhooks', {
        token: owner.token,
        body: { url: `http://127.0.0.1:${port}/hook`, eventTypes: ['contact.updated'] },
      });
      const quiet = await seedContact(h, owner, 'quiet');
      const loud = await seedContact(h, owner, 'loud');
      await h.expectStatus(200, 'PUT', `${P}/subjects/contact/${quiet.contactId}/restriction`, {
        token: owner.token,
        body: { restricted: true },
      });
      for (const c of [quiet, loud]) {
        await h.expectStatus(200, 'PATCH', `/contacts/${c.contactId}`, {
          token: owner.token,
          body: { customAttributes: { tier: 'silver' } },
        });
      }
      const deliveries = (contactId: string) =>
        h.sql(
          `select d.id from webhook_delivery d join domain_event e on e.id = d.event_id
            where d.workspace_id = ? and e.name = 'contact.updated' and e.payload->>'contactId' = ?`,
          [owner.workspaceId, contactId],
        );
      await until(async () => (await deliveries(loud.contactId)).length > 0);
      await until(async () => {
        const [{ n }] = await h.sql(
          `select count(*)::int as n from domain_event where dispatched_at is null`,
        );
        return n === 0;
      });
      expect(await deliveries(quiet.contactId)).toEqual([]);
    } finally {
      receiver.close();
    }
  }, 90000);

  it('redacts a string and an attachment permanently; the audit says who and when, not what (PRV-42)', async () => {
    const subject = await seedContact(h, owner, 'redact');
    const [row] = await h.sql(
      `select m.id, a.id as attachment_id, a.storage_key from ticket_message m
         join attachment a on a.message_id = m.id where m.ticket_id = ? limit 1`,
      [subject.ticketIds[0]],
    );
    expect(row).toBeDefined();
    const agent = await h.addMember(owner, 'agent', 'noredact');
    await h.expectStatus(403, 'POST', `${P}/messages/${row.id}/redactions`, {
      token: agent.token,
      body: { text: subject.phone },
    });
    const res = await h.expectStatus(200, 'POST', `${P}/messages/${row.id}/redactions`, {
      token: owner.token,
      body: { text: subject.phone, attachmentId: row.attachment_id },
    });
    expect(res.body).toEqual({ replaced: 1, attachmentRemoved: true });
    const [after] = await h.sql(`select body_text from ticket_message where id = ?`, [row.id]);
    expect(after.body_text).toContain('▇');
    expect(after.body_text).not.toContain(subject.phone);
    const storage = h.t.hd.container.resolve('storage') as unknown as {
      exists(k: string): Promise<boolean>;
    };
    expect(await storage.exists(row.storage_key)).toBe(false);
    const [event] = await h.sql(
      `select actor_id, metadata from audit_event where action = 'message_redacted' and target_id = ?`,
      [row.id],
    );
    expect(event.actor_id).toBe(owner.userId);
    expect(JSON.stringify(event.metadata)).not.toContain(subject.phone);
  }, 90_000);

  it('an objection turns off exactly the purposes objected to', async () => {
    const subject = await seedContact(h, owner, 'objector');
    const who = { kind: 'contact' as const, id: subject.contactId };
    const request = await fileRequest(h, owner, {
      type: 'object',
      subject: who,
      details: { purposes: ['surveys', 'analytics'] },
    });
    const done = await waitForState(h, owner, request.id, ['completed']);
    expect(done.result.objections).toEqual(['surveys', 'analytics']);
    expect(await allowed({ subject: who, purpose: 'surveys' })).toBe(false);
    expect(await allowed({ subject: who, purpose: 'analytics' })).toBe(false);
    expect(await allowed({ subject: who, purpose: 'notifications' })).toBe(true);
    // Objecting without purposes is a field error, not a 500.
    const bad = await h.call('POST', `${P}/requests`, {
      token: owner.token,
      body: {
        type: 'object',
        subject: who,
        verification: { method: 'admin_checked', note: 'known person' },
      },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('body.details.purposes');
  }, 90000);

  it('consent is an append-only ledger: grant, withdraw, re-grant → 3 rows, latest granted', async () => {
    const subject = await seedContact(h, owner, 'consenter');
    const who = { kind: 'contact' as const, id: subject.contactId };
    const query = { subject: who, purpose: 'analytics', requiresConsent: true };
    expect(await allowed(query)).toBe(false); // no consent yet
    const url = `${P}/subjects/contact/${subject.contactId}/consents`;
    for (const granted of [true, false, true]) {
      await h.expectStatus(201, 'POST', url, {
        token: owner.token,
        body: { kind: 'purpose', purpose: 'analytics', granted, source: 'preference centre' },
      });
      expect(await allowed(query)).toBe(granted);
    }
    const ledger = await h.expectStatus(200, 'GET', url, { token: owner.token });
    expect(ledger.body.data.map((c: { granted: boolean }) => c.granted)).toEqual([
      true,
      false,
      true,
    ]);
    // The application role cannot rewrite history.
    await expect(
      h.sql(
        `begin; set local role novumdesk_app; update privacy_consent set granted = false; commit;`,
      ),
    ).rejects.toThrow(/permission denied/);
    await h.sql('rollback').catch(() => undefined);
  }, 90000);

  it('cookie choices and age attestation are recorded for members; marketing stops for suppressed addresses', async () => {
    const first = await h.expectStatus(201, 'POST', `${P}/me/consents`, {
      token: owner.token,
      body: {
        kind: 'cookies',
        categories: ['preferences', 'analytics'],
        granted: true,
        source: 'banner',
      },
    });
    expect(first.body.categories).toEqual(['preferences', 'analytics']);
    const me = { kind: 'user' as const, id: owner.userId };
    expect(await allowed({ subject: me, purpose: 'analytics', requiresConsent: true })).toBe(true);
    await h.expectStatus(201, 'POST', `${P}/me/consents`, {
      token: owner.token,
      body: { kind: 'cookies', categories: ['preferences'], granted: true, source: 'banner' },
    });
    expect(await allowed({ subject: me, purpose: 'analytics', requiresConsent: true })).toBe(false);
    await h.expectStatus(201, 'POST', `${P}/me/consents`, {
      token: owner.token,
      body: { kind: 'age', version: 'at-least-13', granted: true, source: 'sign-up' },
    });
    const ledger = await h.expectStatus(200, 'GET', `${P}/me/consents`, { token: owner.token });
    expect(ledger.body.data.map((c: { kind: string }) => c.kind)).toEqual([
      'cookies',
      'cookies',
      'age',
    ]);

    const subject = await seedContact(h, owner, 'suppressed');
    const request = await fileRequest(h, owner, {
      type: 'erase',
      subject: { kind: 'contact', id: subject.contactId },
    });
    await waitForState(h, owner, request.id, ['completed']);
    expect(await allowed({ subject: { email: subject.email }, purpose: 'marketing' })).toBe(false);
    expect(
      await allowed({ subject: { email: 'someone-else@example.test' }, purpose: 'marketing' }),
    ).toBe(true);
  }, 90000);
});
