/**
 * The Stripe provider end to end, on the suite's database, against the local Stripe fake
 * (`stripe-fake.test.ts`) driven by the real `stripe` client; webhooks signed with the library's
 * own `generateTestHeaderString`.
 */
import Stripe from 'stripe';
import { eventually } from '@novumdesk/core/testing';
import { startBilling, type BillingHarness } from '../../../core/src/billing/testkit.test.js';
import type { Person } from '../../../core/src/members/testkit.test.js';
import billingStripe from './index.js';
import { StripeFake } from './stripe-fake.test.js';

const WEBHOOK_SECRET = 'whsec_test_secret_for_the_suite';
const signer = new Stripe('sk_test_unused');

describe('billing-stripe', () => {
  const fake = new StripeFake();
  let h: BillingHarness;
  beforeAll(async () => {
    await fake.start();
    h = await startBilling({
      plugins: [
        billingStripe({
          secretKey: fake.secretKey,
          webhookSecret: WEBHOOK_SECRET,
          apiUrl: fake.url,
          plans: [
            {
              id: 'team',
              name: 'Team',
              currency: 'eur',
              unitAmount: 1900,
              stripePriceId: 'price_team',
              limits: { seats: 3 },
            },
            {
              id: 'solo',
              name: 'Solo',
              currency: 'eur',
              unitAmount: 900,
              stripePriceId: 'price_solo',
              limits: { seats: 1 },
            },
          ],
        }) as never, // the core's sources (testkit) and dist (package) types: one runtime object
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await fake.stop();
  }, 30_000);

  const post = (event: object, header?: string | null) => {
    const payload = JSON.stringify(event);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const signature =
      header === undefined
        ? signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET })
        : header;
    if (signature) headers['stripe-signature'] = signature;
    return h.t.request('/api/p/billing-stripe/webhooks', {
      method: 'POST',
      headers,
      body: payload,
    });
  };
  const stored = async (eventId: string) =>
    (await h.sql('select status from billing_stripe_event where id = ?', [eventId]))[0]?.status as
      string | undefined;
  const processed = (eventId: string) =>
    eventually(async () => (await stored(eventId)) === 'processed', 30_000);
  const billing = async (p: Person) =>
    (await h.expectStatus(200, 'GET', '/billing', { token: p.token })).body;

  /** Sign-up, checkout for `planId`, Stripe completes it, the webhook arrives. */
  async function subscribe(planId = 'team') {
    const owner = await h.signUp();
    const checkout = await h.expectStatus(200, 'POST', '/billing/checkout', {
      token: owner.token,
      body: { planId },
    });
    expect(checkout.body.url).toMatch(/^https:\/\/checkout\.stripe\.test\//);
    const session = [...fake.checkoutSessions.values()].find(
      (s) => s.client_reference_id === owner.workspaceId,
    )!;
    const { subscription } = fake.completeCheckout(session.id);
    const event = fake.event('checkout.session.completed', fake.checkoutSessions.get(session.id)!);
    expect((await post(event)).status).toBe(200);
    await processed(event.id);
    return { owner, subscription };
  }

  it('subscribes through Checkout: customer, session and subscription in the documented shape', async () => {
    const { owner, subscription } = await subscribe();
    const customer = fake.customers.get(subscription.customer)!;
    expect(customer.metadata).toEqual({ workspace_id: owner.workspaceId });
    expect(fake.requests.every((r) => r.version === '2026-10-28.endive')).toBe(true);
    const body = await billing(owner);
    expect(body.subscription).toMatchObject({
      providerId: 'stripe',
      planId: 'team',
      status: 'active',
      seats: 1,
    });
    expect(body.entitlements).toMatchObject({
      planId: 'team',
      limits: { seats: 3 },
      readOnly: false,
    });
    const portal = await h.expectStatus(200, 'POST', '/billing/portal', { token: owner.token });
    expect(portal.body.url).toMatch(/^https:\/\/billing\.stripe\.test\//);
  }, 90_000);

  it('contributes the billing page, the banner and the operator view to the admin UI', async () => {
    const owner = await h.signUp();
    const agent = await h.addMember(owner, 'agent', 'panels');
    const slots = async (token: string) =>
      (await h.expectStatus(200, 'GET', '/admin/extensions', { token })).body.panels
        .filter((p: { pluginId: string }) => p.pluginId === 'billing-stripe')
        .map((p: { slot: string }) => p.slot)
        .sort();
    expect(await slots(owner.token)).toEqual(['dashboard.widgets', 'settings.pages']);
    expect(await slots(agent.token)).toEqual(['dashboard.widgets']);
    expect(await slots(h.operator.token)).toEqual(['dashboard.widgets', 'nav', 'settings.pages']);
  }, 90_000);

  it('refuses a bad, missing or stale signature with 400 and stores nothing', async () => {
    const event = fake.event('customer.subscription.updated', {
      id: 'sub_none',
      object: 'subscription',
      customer: 'cus_none',
    });
    const payload = JSON.stringify(event);
    const bad = signer.webhooks.generateTestHeaderString({
      payload,
      secret: 'whsec_wrong_secret_value',
    });
    const stale = signer.webhooks.generateTestHeaderString({
      payload,
      secret: WEBHOOK_SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    for (const header of [bad, null, stale, 't=1,v1=00']) {
      const res = await post(event, header);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe('invalid_signature');
    }
    expect(await stored(event.id)).toBeUndefined();
  }, 90_000);

  it('processes the same event once, and converges when updated arrives before created', async () => {
    const { owner, subscription } = await subscribe();
    // Stripe changes the subscription twice; the events arrive newest first, the first one twice.
    fake.subscriptions.get(subscription.id)!.items.data[0].quantity = 2;
    const created = fake.event('customer.subscription.created', subscription, subscription.created);
    fake.subscriptions.get(subscription.id)!.items.data[0].quantity = 3;
    const updated = fake.event(
      'customer.subscription.updated',
      fake.subscriptions.get(subscription.id)!,
    );
    expect((await post(updated)).status).toBe(200);
    expect((await post(updated)).status).toBe(200);
    await processed(updated.id);
    expect((await post(created)).status).toBe(200);
    await processed(created.id);
    expect((await billing(owner)).subscription.seats).toBe(3);
    const rows = await h.sql('select attempts from billing_stripe_event where id = ?', [
      updated.id,
    ]);
    expect(rows).toEqual([{ attempts: 1 }]);
    const changes = await h.sql(
      `select count(*)::int as n from audit_event where workspace_id = ? and action = 'billing_seats_changed'`,
      [owner.workspaceId],
    );
    expect(changes[0].n).toBe(1);
  }, 90_000);

  it('dunning: payment failed → past_due with a portal link in the notice; paid → active', async () => {
    const { owner, subscription } = await subscribe();
    await h.expectStatus(200, 'PUT', '/billing/contact', {
      token: owner.token,
      body: {
        name: 'Billing Person',
        email: 'pay@customer.test',
        address: {
          line1: null,
          line2: null,
          postalCode: null,
          city: null,
          region: null,
          country: null,
        },
        vatId: null,
      },
    });
    fake.subscriptions.get(subscription.id)!.status = 'past_due';
    const failed = fake.event('invoice.payment_failed', fake.invoice(subscription, 'open'));
    await post(failed);
    await processed(failed.id);
    const past = await billing(owner);
    expect(past.subscription.status).toBe('past_due');
    expect(past.entitlements).toMatchObject({ readOnly: false, graceUntil: expect.any(String) });
    const mail = await h.lastMail('pay@customer.test', 'billing_payment_failed');
    expect(mail?.text).toMatch(/https:\/\/billing\.stripe\.test\/p\/session\//);
    await h.createTicket(owner); // within the grace period

    fake.subscriptions.get(subscription.id)!.status = 'active';
    const paid = fake.event('invoice.paid', fake.invoice(subscription, 'paid'));
    await post(paid);
    await processed(paid.id);
    expect((await billing(owner)).subscription.status).toBe('active');
    const invoices = await h.expectStatus(200, 'GET', '/billing/invoices', { token: owner.token });
    expect(invoices.body).toHaveLength(2);
  }, 90_000);

  it('a canceled subscription makes the workspace read-only: reads work, creates are refused', async () => {
    const { owner, subscription } = await subscribe();
    await h.createTicket(owner);
    Object.assign(fake.subscriptions.get(subscription.id)!, {
      status: 'canceled',
      canceled_at: Math.floor(Date.now() / 1000),
    });
    const deleted = fake.event(
      'customer.subscription.deleted',
      fake.subscriptions.get(subscription.id)!,
    );
    await post(deleted);
    await processed(deleted.id);
    const refused = await h.createTicket(owner, 402);
    expect(refused.body.code).toBe('SUBSCRIPTION_READ_ONLY');
    await h.expectStatus(200, 'GET', '/tickets', { token: owner.token });
    expect(await h.lastMail(owner.email, 'billing_canceled')).toBeDefined();
  }, 90_000);

  it('keeps Stripe seats in step with agents and stops at the plan limit', async () => {
    const { owner, subscription } = await subscribe();
    await h.addMember(owner, 'agent', 'a1');
    await eventually(
      async () => fake.subscriptions.get(subscription.id)!.items.data[0].quantity === 2,
      30_000,
    );
    await eventually(async () => (await billing(owner)).subscription.seats === 2, 30_000);
    await h.addMember(owner, 'agent', 'a2');
    const over = await h.call('POST', '/invitations', {
      token: owner.token,
      body: { email: 'fourth@example.test', roleId: await h.roleId(owner, 'agent') },
    });
    expect([over.status, over.body.code]).toEqual([402, 'PLAN_LIMIT_REACHED']);
    // Downgrading below usage through checkout is refused.
    const down = await h.call('POST', '/billing/checkout', {
      token: owner.token,
      body: { planId: 'solo' },
    });
    expect([down.status, down.body.code]).toEqual([409, 'downgrade_below_usage']);
  }, 90_000);

  it('ignores events about customers it does not know, and unhandled types', async () => {
    const event = fake.event('customer.subscription.updated', {
      id: 'sub_x',
      object: 'subscription',
      customer: 'cus_unknown',
      metadata: {},
    });
    await post(event);
    await eventually(async () => (await stored(event.id)) === 'ignored', 30_000);
    const other = fake.event('charge.refunded', { id: 'ch_1', object: 'charge' });
    await post(other);
    await eventually(async () => (await stored(other.id)) === 'ignored', 30_000);
  }, 90_000);
});

describe('billing-stripe trial and notices', () => {
  const fake = new StripeFake();
  let h: BillingHarness;
  beforeAll(async () => {
    await fake.start();
    h = await startBilling({
      plugins: [
        billingStripe({
          secretKey: fake.secretKey,
          webhookSecret: WEBHOOK_SECRET,
          apiUrl: fake.url,
          plans: [
            {
              id: 'pro',
              name: 'Pro',
              currency: 'usd',
              unitAmount: 2900,
              trialDays: 14,
              stripePriceId: 'price_pro',
              limits: { seats: 5 },
            },
          ],
          trialPlan: 'pro',
          adminPanels: false,
          notices: {
            trial_ending: {
              subject: 'Heads up, {{workspace}}',
              text: 'Your {{plan}} trial ends {{date}}. Pick a plan: {{billingUrl}}',
            },
          },
        }) as never,
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await fake.stop();
  }, 30_000);

  it('a new workspace trials the plan, then reads only until it subscribes', async () => {
    const owner = await h.signUp();
    const trial = await h.expectStatus(200, 'GET', '/billing/entitlements', { token: owner.token });
    expect(trial.body).toMatchObject({ planId: 'pro', status: 'trialing', readOnly: false });
    await h.createTicket(owner);
    // Fifteen days later (as if the workspace had been created then).
    await h.sql(`update workspace set created_at = now() - interval '15 days' where id = ?`, [
      owner.workspaceId,
    ]);
    const over = await h.createTicket(owner, 402);
    expect(over.body).toMatchObject({
      code: 'SUBSCRIPTION_READ_ONLY',
      details: { reason: 'trial_ended' },
    });
    await h.expectStatus(200, 'GET', '/tickets', { token: owner.token });
    // Checkout still works (settling is never blocked), with no second trial.
    const checkout = await h.expectStatus(200, 'POST', '/billing/checkout', {
      token: owner.token,
      body: { planId: 'pro' },
    });
    expect(checkout.body.url).toMatch(/^https:\/\/checkout\.stripe\.test\//);
  }, 90_000);

  it("sends the operator's trial-ending notice once, and follows the customer's details", async () => {
    const owner = await h.signUp();
    await h.expectStatus(200, 'POST', '/billing/checkout', {
      token: owner.token,
      body: { planId: 'pro' },
    });
    const session = [...fake.checkoutSessions.values()].find(
      (s) => s.client_reference_id === owner.workspaceId,
    )!;
    expect(session.subscription_data.trial_period_days).toBe('14');
    const { subscription } = fake.completeCheckout(session.id, 'trialing');
    subscription.trial_end = Math.floor(Date.now() / 1000) + 2 * 86400;
    const event = fake.event('checkout.session.completed', session);
    await post(event);
    await eventually(async () => (await stored(event.id)) === 'processed', 30_000);

    for (let i = 0; i < 2; i++) {
      await h.t.hd.container.resolve('jobs').send('billing.sweep', {});
    }
    await eventually(
      async () => (await h.lastMail(owner.email, 'billing_trial_ending')) !== undefined,
      30_000,
    );
    const mail = (await h.lastMail(owner.email, 'billing_trial_ending'))!;
    expect(mail.subject).toMatch(/^Heads up, Workspace /);
    expect(mail.text).toMatch(/Your Pro trial ends \d{4}-\d{2}-\d{2}\. Pick a plan: http/);
    await new Promise((r) => setTimeout(r, 1500));
    const sent = await h.sql(
      `select count(*)::int as n from mail_message where to_address = ? and kind = 'billing_trial_ending'`,
      [owner.email],
    );
    expect(sent[0].n).toBe(1);

    // The customer changes their billing email in the portal: the billing contact follows.
    await h.expectStatus(200, 'PUT', '/billing/contact', {
      token: owner.token,
      body: {
        name: 'Old Name',
        email: 'old@customer.test',
        address: {
          line1: null,
          line2: null,
          postalCode: null,
          city: null,
          region: null,
          country: null,
        },
        vatId: null,
      },
    });
    const customer = fake.customers.get(subscription.customer)!;
    Object.assign(customer, { email: 'new@customer.test', name: 'New Name' });
    const updated = fake.event('customer.updated', customer);
    await post(updated);
    await eventually(async () => (await stored(updated.id)) === 'processed', 30_000);
    const contact = await h.expectStatus(200, 'GET', '/billing/contact', { token: owner.token });
    expect(contact.body).toMatchObject({ name: 'New Name', email: 'new@customer.test' });
  }, 90_000);

  const post = (event: object) => {
    const payload = JSON.stringify(event);
    return h.t.request('/api/p/billing-stripe/webhooks', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': signer.webhooks.generateTestHeaderString({
          payload,
          secret: WEBHOOK_SECRET,
        }),
      },
      body: payload,
    });
  };
  const stored = async (eventId: string) =>
    (await h.sql('select status from billing_stripe_event where id = ?', [eventId]))[0]?.status as
      string | undefined;
});
