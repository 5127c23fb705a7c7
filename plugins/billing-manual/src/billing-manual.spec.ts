/**
 * The manual provider over HTTP: the self-hosted default limits nothing; an operator assigns a
 * plan and seats (and is refused below usage); past_due turns read-only after the grace period;
 * the operator's view; the billing contact in a data-subject export and gone after erasure.
 */
import { billingModule } from '../../../core/src/billing/billing.module.js';
import { startBilling, type BillingHarness } from '../../../core/src/billing/testkit.test.js';
import { inWorkspaceScope } from '../../../core/src/tenancy/index.js';
import { piiSweep } from '../../privacy/src/sweep.test.js';
import billingManual from './index.js';

describe('billing-manual', () => {
  let h: BillingHarness;
  beforeAll(async () => {
    h = await startBilling({
      plugins: [
        billingManual({
          plans: [
            { id: 'self-hosted', name: 'Self-hosted', features: ['*'] },
            {
              id: 'team',
              name: 'Team',
              currency: 'eur',
              unitAmount: 1500,
              limits: { seats: 10, inboxes: 5 },
            },
          ],
        }) as never,
      ],
    });
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  const assign = (workspaceId: string, body: object, status = 200) =>
    h.expectStatus(status, 'PUT', `/api/p/billing-manual/workspaces/${workspaceId}/subscription`, {
      token: h.operator.token,
      body,
    });

  it('the self-hosted default limits nothing', async () => {
    const owner = await h.signUp();
    const res = await h.expectStatus(200, 'GET', '/billing/entitlements', { token: owner.token });
    expect(res.body).toMatchObject({
      planId: 'self-hosted',
      limits: {},
      features: ['*'],
      readOnly: false,
    });
    for (let i = 0; i < 3; i++) await h.addMember(owner, 'agent', `a${i}`);
  }, 90_000);

  it('assigns plan and seats by hand, refuses fewer seats than agents, and audits it', async () => {
    const owner = await h.signUp();
    await h.addMember(owner, 'agent', 'agent');
    const refused = await h.call(
      'PUT',
      `/api/p/billing-manual/workspaces/${owner.workspaceId}/subscription`,
      {
        token: h.operator.token,
        body: { planId: 'team', seats: 1 },
      },
    );
    expect([refused.status, refused.body.code]).toEqual([409, 'downgrade_below_usage']);
    await assign(owner.workspaceId, { planId: 'team', seats: 2 });
    const over = await h.call('POST', '/invitations', {
      token: owner.token,
      body: { email: 'x@example.test', roleId: await h.roleId(owner, 'agent') },
    });
    expect([over.status, over.body.details?.limit]).toEqual([402, 'seats']);
    await assign(owner.workspaceId, { planId: 'team', seats: 3 });
    expect(await h.lastMail(owner.email, 'billing_seats_changed')).toBeDefined();
    const audit = await h.sql(
      `select action from audit_event where workspace_id = ? and action like 'billing_%' order by occurred_at`,
      [owner.workspaceId],
    );
    expect(audit.map((r) => r.action)).toEqual(
      expect.arrayContaining([
        'billing_plan_changed',
        'billing_status_changed',
        'billing_seats_changed',
      ]),
    );
    // An owner is not the operator.
    const self = await h.call(
      'PUT',
      `/api/p/billing-manual/workspaces/${owner.workspaceId}/subscription`,
      {
        token: owner.token,
        body: { planId: 'team', seats: 50 },
      },
    );
    expect(self.status).toBe(403);
  }, 90_000);

  it("keeps one workspace's subscription out of another's view", async () => {
    const a = await h.signUp('a');
    const b = await h.signUp('b');
    await assign(a.workspaceId, { planId: 'team', seats: 7 });
    const mine = await h.expectStatus(200, 'GET', '/billing', { token: a.token });
    expect(mine.body.subscription).toMatchObject({ planId: 'team', seats: 7 });
    const theirs = await h.expectStatus(200, 'GET', '/billing', { token: b.token });
    expect(theirs.body.subscription).toBeNull();
    expect(theirs.body.entitlements.planId).toBe('self-hosted');
    expect(JSON.stringify(theirs.body)).not.toContain(a.workspaceId);
    // Nor can B's owner change A's (operator only).
    const attempt = await h.call(
      'PUT',
      `/api/p/billing-manual/workspaces/${a.workspaceId}/subscription`,
      { token: b.token, body: { planId: 'self-hosted', seats: 1 } },
    );
    expect(attempt.status).toBe(403);
  }, 90_000);

  it('past_due keeps working through the grace period, then reads only', async () => {
    const owner = await h.signUp();
    const inbox = await h.expectStatus(201, 'POST', '/inboxes', {
      token: owner.token,
      body: { channelType: 'api', name: 'API' },
    });
    await assign(owner.workspaceId, { planId: 'team', seats: 2, status: 'past_due' });
    await h.createTicket(owner);
    // Eight days later (the grace period is seven): as if past_due began then.
    await h.sql(
      `update billing_subscription set past_due_since = now() - interval '8 days' where workspace_id = ?`,
      [owner.workspaceId],
    );
    const refused = await h.createTicket(owner, 402);
    expect(refused.body).toMatchObject({
      code: 'SUBSCRIPTION_READ_ONLY',
      details: { reason: 'payment_overdue' },
    });
    await h.expectStatus(200, 'GET', '/tickets', { token: owner.token });
    // A customer's message that a channel receives still lands (nobody's mail is refused).
    const scope = h.t.hd.createScope();
    try {
      const result = await inWorkspaceScope(scope, owner.workspaceId, () =>
        scope.cradle.channelInbound.receive(scope, owner.workspaceId, {
          inboxId: inbox.body.id,
          from: { email: 'customer@example.test' },
          subject: 'Still there?',
          text: 'Hello',
        }),
      );
      expect(result.outcome).toBe('created');
    } finally {
      await scope.dispose();
    }
  }, 90_000);

  it('the operator sees subscriptions by status and MRR; owners see neither', async () => {
    const owner = await h.signUp();
    await assign(owner.workspaceId, { planId: 'team', seats: 4 });
    const list = await h.expectStatus(
      200,
      'GET',
      '/billing/operator/subscriptions?status=active&limit=200',
      {
        token: h.operator.token,
      },
    );
    expect(list.body.data.map((s: { workspaceId: string }) => s.workspaceId)).toContain(
      owner.workspaceId,
    );
    const summary = await h.expectStatus(200, 'GET', '/billing/operator/summary', {
      token: h.operator.token,
    });
    expect(summary.body.mrr).toEqual([{ currency: 'eur', amount: expect.any(Number) }]);
    expect(summary.body.mrr[0].amount).toBeGreaterThanOrEqual(4 * 1500);
    await h.expectStatus(403, 'GET', '/billing/operator/summary', { token: owner.token });
  }, 90_000);

  it('exports the billing contact to its data subject and erases it', async () => {
    const owner = await h.signUp();
    await h.expectStatus(200, 'PUT', '/billing/contact', {
      token: owner.token,
      body: {
        name: 'Grace Hopper',
        email: 'Grace@Billing.example',
        address: {
          line1: '1 Navy Way',
          line2: null,
          postalCode: null,
          city: 'Arlington',
          region: null,
          country: 'US',
        },
        vatId: null,
      },
    });
    const handlers = billingModule.plugin.personalData!;
    const scope = h.t.hd.createScope();
    try {
      const subject = {
        kind: 'contact' as const,
        id: owner.userId,
        workspaceId: owner.workspaceId,
        emails: ['grace@billing.example'],
      };
      const exported = await handlers.export(subject, scope);
      expect(exported).toEqual({
        BillingContact: [expect.objectContaining({ name: 'Grace Hopper', vatId: null })],
      });
      const other = await handlers.export({ ...subject, emails: ['someone@else.example'] }, scope);
      expect(other).toEqual({ BillingContact: [] });
      // The privacy plugin's PII sweep sees the contact before erasure (so it can fail) …
      const needles = ['Grace Hopper', 'grace@billing.example', '1 Navy Way'];
      const before = await piiSweep(h, needles);
      expect(before.map((hit) => hit.where)).toEqual(
        expect.arrayContaining(['public.billing_contact.name', 'public.billing_contact.email']),
      );
      expect(await handlers.erase(subject, scope)).toEqual({ erased: 1 });
      // … and nowhere afterwards: not in the tables, the job queue, the outbox nor the files.
      expect(await piiSweep(h, needles)).toEqual([]);
      expect(await handlers.export(subject, scope)).toEqual({ BillingContact: [] });
    } finally {
      await scope.dispose();
    }
    await h.expectStatus(404, 'GET', '/billing/contact', { token: owner.token });
  }, 90_000);
});
