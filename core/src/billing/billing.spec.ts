/**
 * The billing contract in the core, over HTTP on the suite's database: unlimited without a
 * provider; with a provider's default plan, the seat limit blocks the invitation past it and
 * frees up when an agent leaves, the inbox limit, a gated plugin feature, the
 * `billing.resolveEntitlements` override, and workspace isolation of the billing contact.
 */
import { definePlugin } from '../kernel/plugins/define-plugin.js';
import { defineRoute } from '../http/route.js';
import type { BillingProvider } from './contract.js';
import { startBilling, type BillingHarness } from './testkit.test.js';

const TEST_PROVIDER: BillingProvider = {
  id: 'test-pay',
  displayName: 'Test',
  seatMode: 'sync',
  plans: [
    {
      id: 'small',
      name: 'Small',
      currency: 'eur',
      unitAmount: 900,
      interval: 'month',
      trialDays: 0,
      features: ['reports'],
      limits: { seats: 2, inboxes: 1, ticketsPerMonth: 2 },
    },
  ],
  defaultPlan: { planId: 'small' },
};

// A provider plugin with a default plan, a gated route, and an override for one workspace.
const overrides = new Set<string>();
const testBilling = definePlugin({
  id: 'billing-test',
  version: '1.0.0',
  core: '*',
  dependsOn: { billing: '*' },
  register(ctx) {
    ctx.hooks.tap('billing.resolveEntitlements', async ({ workspaceId, computed }) =>
      overrides.has(workspaceId) ? { ...computed, limits: { seats: 10 } } : undefined,
    );
    for (const feature of ['reports', 'forecasts']) {
      ctx.route(
        defineRoute({
          method: 'get',
          path: `/${feature}`,
          operationId: `billingTest${feature}`,
          summary: 'A gated feature',
          access: 'authenticated',
          responses: { 200: { description: 'ok' } },
          async handler({ scope, actor }) {
            await scope.cradle.entitlements.assertFeature(scope, actor!.workspaceId!, feature);
            return { ok: true };
          },
        }),
      );
    }
  },
  async boot(ctx) {
    ctx.resolve('billingProviders').add(ctx.id, TEST_PROVIDER);
  },
});

describe('billing without a provider', () => {
  let h: BillingHarness;
  beforeAll(async () => {
    h = await startBilling();
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  it('limits nothing: unlimited entitlements, any number of agents, no checkout', async () => {
    const owner = await h.signUp();
    const res = await h.expectStatus(200, 'GET', '/billing/entitlements', { token: owner.token });
    expect(res.body).toMatchObject({
      source: 'unlimited',
      readOnly: false,
      features: ['*'],
      limits: {},
    });
    for (let i = 0; i < 3; i++) await h.addMember(owner, 'agent', `agent${i}`);
    await h.expectStatus(201, 'POST', '/inboxes', {
      token: owner.token,
      body: { channelType: 'api', name: 'One' },
    });
    await h.expectStatus(201, 'POST', '/inboxes', {
      token: owner.token,
      body: { channelType: 'api', name: 'Two' },
    });
    await h.createTicket(owner);
    const checkout = await h.call('POST', '/billing/checkout', {
      token: owner.token,
      body: { planId: 'pro' },
    });
    expect([checkout.status, checkout.body.code]).toEqual([422, 'unknown_plan']);
  }, 90_000);
});

describe('billing with a provider', () => {
  let h: BillingHarness;
  beforeAll(async () => {
    h = await startBilling({ plugins: [testBilling] });
  }, 60_000);
  afterAll(() => h?.close(), 30_000);

  it('blocks the invitation past the seat limit and frees the seat when an agent leaves', async () => {
    const owner = await h.signUp();
    const agent = await h.addMember(owner, 'agent', 'first'); // 2 of 2 seats
    const agentRole = await h.roleId(owner, 'agent');
    const over = await h.call('POST', '/invitations', {
      token: owner.token,
      body: { email: 'third@example.test', roleId: agentRole },
    });
    expect(over.status).toBe(402);
    expect(over.headers.get('content-type')).toContain('application/problem+json');
    expect(over.body).toMatchObject({
      code: 'PLAN_LIMIT_REACHED',
      details: { limit: 'seats', allowed: 2, wanted: 3 },
    });
    // Read-only members take no seat.
    await h.addMember(owner, 'read_only', 'viewer');
    // …but promoting one to agent would.
    const viewers = await h.expectStatus(200, 'GET', '/members', { token: owner.token });
    const viewer = viewers.body.find((m: { role: { key: string } }) => m.role.key === 'read_only');
    const promote = await h.call('PATCH', `/members/${viewer.userId}`, {
      token: owner.token,
      body: { roleId: agentRole },
    });
    expect([promote.status, promote.body.code]).toEqual([402, 'PLAN_LIMIT_REACHED']);

    await h.expectStatus(204, 'DELETE', `/members/${agent.userId}`, { token: owner.token });
    await h.expectStatus(201, 'POST', '/invitations', {
      token: owner.token,
      body: { email: 'third@example.test', roleId: agentRole },
    });
    const entitlements = await h.expectStatus(200, 'GET', '/billing/entitlements', {
      token: owner.token,
    });
    expect(entitlements.body).toMatchObject({
      planId: 'small',
      limits: { seats: 2, inboxes: 1, ticketsPerMonth: 2 },
      usage: { seats: 2 },
      overage: [],
    });
  }, 90_000);

  it('refuses the inbox past the limit, and a gated feature the plan lacks', async () => {
    const owner = await h.signUp();
    await h.expectStatus(201, 'POST', '/inboxes', {
      token: owner.token,
      body: { channelType: 'api', name: 'One' },
    });
    const second = await h.call('POST', '/inboxes', {
      token: owner.token,
      body: { channelType: 'api', name: 'Two' },
    });
    expect([second.status, second.body.code, second.body.details.limit]).toEqual([
      402,
      'PLAN_LIMIT_REACHED',
      'inboxes',
    ]);
    await h.expectStatus(200, 'GET', '/api/p/billing-test/reports', { token: owner.token });
    const gated = await h.call('GET', '/api/p/billing-test/forecasts', { token: owner.token });
    expect([gated.status, gated.body.code, gated.body.details.feature]).toEqual([
      403,
      'PLAN_FEATURE_UNAVAILABLE',
      'forecasts',
    ]);
  }, 90_000);

  it("counts the plan's monthly tickets and refuses the one past them", async () => {
    const owner = await h.signUp();
    await h.createTicket(owner);
    await h.createTicket(owner);
    const third = await h.createTicket(owner, 402);
    expect(third.body).toMatchObject({
      code: 'PLAN_LIMIT_REACHED',
      details: { limit: 'ticketsPerMonth', allowed: 2, wanted: 3 },
    });
    // Another workspace's tickets do not count against this one.
    await h.createTicket(await h.signUp('other'));
  }, 90_000);

  it('lets a billing.resolveEntitlements tap replace the computed entitlements', async () => {
    const owner = await h.signUp();
    overrides.add(owner.workspaceId);
    await h.addMember(owner, 'agent', 'a1');
    await h.addMember(owner, 'agent', 'a2'); // 3 seats: past the plan's 2, within the override
    const res = await h.expectStatus(200, 'GET', '/billing/entitlements', { token: owner.token });
    expect(res.body.limits).toEqual({ seats: 10 });
  }, 90_000);

  it("keeps each workspace's billing contact to itself", async () => {
    const a = await h.signUp('a');
    const b = await h.signUp('b');
    const contact = {
      name: 'Ada Lovelace',
      email: 'ada@billing.example',
      address: {
        line1: '1 Main St',
        line2: null,
        postalCode: '10115',
        city: 'Berlin',
        region: null,
        country: 'DE',
      },
      vatId: 'DE123456789',
    };
    await h.expectStatus(200, 'PUT', '/billing/contact', { token: a.token, body: contact });
    const mine = await h.expectStatus(200, 'GET', '/billing/contact', { token: a.token });
    expect(mine.body).toMatchObject({ name: 'Ada Lovelace', vatId: 'DE123456789' });
    await h.expectStatus(404, 'GET', '/billing/contact', { token: b.token });
    const agent = await h.addMember(a, 'agent', 'agent');
    const denied = await h.call('PUT', '/billing/contact', { token: agent.token, body: contact });
    expect(denied.status).toBe(403);
    const invalid = await h.call('PUT', '/billing/contact', {
      token: a.token,
      body: { ...contact, address: { ...contact.address, country: 'Germany' } },
    });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.body)).toContain('body.address.country');
  }, 90_000);
});
