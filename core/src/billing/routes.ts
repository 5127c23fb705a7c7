/**
 * `/api/v1/billing/...`: the workspace's plan, subscription, usage and entitlements, its billing
 * contact, checkout and portal through its provider, invoices from the provider; and the
 * operator's cross-workspace view (`system:read`).
 *
 * Who may do what: every member may read the entitlements (the UI's limit and payment banners);
 * `billing:read` shows the subscription, plans, contact and invoices; `billing:manage` changes
 * the contact and starts checkout or the portal. Owners hold both (owners get every permission
 * the loaded modules declare); other roles get them by a custom role.
 */
import { z } from 'zod';
import type { AwilixContainer } from 'awilix';
import type { RequestCradle } from '../kernel/contract.js';
import { NovumError, errors } from '../kernel/errors.js';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { sqlFor } from '../identity/db.js';
import { PERMISSIONS } from '../identity/permissions.js';
import { SYSTEM_READ } from '../system/system.routes.js';
import { auditSource, inWorkspace } from '../members/context.js';
import type { BillingProvider, Entitlements, PlanDefinition } from './contract.js';
import { listSubscriptionsAcrossWorkspaces, operatorSummary } from './operator.js';
import {
  BillingOverviewOut,
  CheckoutBody,
  ContactBody,
  ContactOut,
  EntitlementsOut,
  InvoiceOut,
  OperatorQuery,
  OperatorSubscriptionPage,
  OperatorSummaryOut,
  PlanOut,
  RedirectOut,
} from './schemas.js';
import { findContact, inboxCount, saveContact, seatUsage } from './store.js';

export const BILLING_READ = 'billing:read';
export const BILLING_MANAGE = 'billing:manage';

const TAGS = ['billing'];
type Scope = AwilixContainer<RequestCradle>;

function planView(provider: BillingProvider, plan: PlanDefinition) {
  return { ...plan, providerId: provider.id, features: [...plan.features] };
}

async function usageOf(scope: Scope, workspaceId: string) {
  const sql = sqlFor(scope.cradle.em);
  const seats = await seatUsage(sql, workspaceId, scope.cradle.clock.now());
  return { seats: seats.members + seats.pending, inboxes: await inboxCount(sql, workspaceId) };
}

function overageOf(entitlements: Entitlements, usage: Record<string, number>) {
  return Object.entries(usage)
    .filter(([key, used]) => {
      const allowed = entitlements.limits[key];
      return allowed !== undefined && allowed !== null && used > allowed;
    })
    .map(([key, used]) => ({ limit: key, allowed: entitlements.limits[key]!, used }));
}

async function entitlementsView(scope: Scope, workspaceId: string) {
  const entitlements = await scope.cradle.entitlements.get(scope, workspaceId);
  const usage = await usageOf(scope, workspaceId);
  return {
    ...entitlements,
    features: [...entitlements.features],
    usage,
    overage: overageOf(entitlements, usage),
  };
}

/** The provider that serves this workspace: its subscription's, else the default one. */
async function providerFor(scope: Scope, workspaceId: string, planId?: string) {
  const { billingProviders, billingService } = scope.cradle;
  const subscription = await billingService.subscription(scope, workspaceId);
  const provider = planId
    ? billingProviders.providerOfPlan(planId)
    : subscription
      ? billingProviders.get(subscription.providerId)
      : billingProviders.defaultProvider();
  return { subscription, provider };
}

const notSupported = (what: string) =>
  errors.conflict(
    'billing_not_supported',
    `The workspace's billing provider does not offer ${what}`,
  );

function publicBase(scope: Scope): string {
  const { config } = scope.cradle;
  return (config.publicUrl ?? `http://${config.host}:${config.port}`).replace(/\/$/, '');
}

export function billingRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/billing/entitlements',
      operationId: 'getBillingEntitlements',
      summary: "The workspace's entitlements, usage and read-only state (for limit banners)",
      tags: TAGS,
      access: { permission: PERMISSIONS.membersRead },
      responses: { 200: { description: 'Entitlements', schema: EntitlementsOut } },
      handler: ({ scope, actor }) => entitlementsView(scope, inWorkspace(actor).workspaceId),
    }),
    defineRoute({
      method: 'get',
      path: '/billing',
      operationId: 'getBilling',
      summary: "The workspace's subscription, plan, usage and what its provider offers",
      tags: TAGS,
      access: { permission: BILLING_READ },
      responses: { 200: { description: 'Billing overview', schema: BillingOverviewOut } },
      async handler({ scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const { subscription, provider } = await providerFor(scope, workspaceId);
        const planId =
          subscription?.planId ?? (provider?.defaultPlan ? provider.defaultPlan.planId : null);
        const plan = planId ? provider?.plans.find((p) => p.id === planId) : undefined;
        return {
          subscription,
          plan: plan && provider ? planView(provider, plan) : null,
          entitlements: await entitlementsView(scope, workspaceId),
          capabilities: {
            checkout: scope.cradle.billingProviders.list().some((p) => p.createCheckout),
            portal: Boolean(subscription && provider?.openPortal),
            invoices: Boolean(subscription && provider?.listInvoices),
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/billing/plans',
      operationId: 'listBillingPlans',
      summary: 'The plans the loaded billing providers sell',
      tags: TAGS,
      access: { permission: BILLING_READ },
      responses: { 200: { description: 'Plans', schema: z.array(PlanOut) } },
      handler: ({ scope }) =>
        scope.cradle.billingProviders
          .list()
          .flatMap((provider) => provider.plans.map((plan) => planView(provider, plan))),
    }),
    defineRoute({
      method: 'get',
      path: '/billing/contact',
      operationId: 'getBillingContact',
      summary: "The workspace's billing contact",
      tags: TAGS,
      access: { permission: BILLING_READ },
      responses: {
        200: { description: 'The contact', schema: ContactOut },
        404: { description: 'No billing contact set yet' },
      },
      async handler({ scope, actor }) {
        const contact = await findContact(sqlFor(scope.cradle.em), inWorkspace(actor).workspaceId);
        if (!contact) throw errors.notFound('Billing contact');
        return contact;
      },
    }),
    defineRoute({
      method: 'put',
      path: '/billing/contact',
      operationId: 'putBillingContact',
      summary: "Set the workspace's billing contact (name, email, address, VAT id)",
      description: 'Personal data: included in data-subject exports and removed by erasure.',
      tags: TAGS,
      access: { permission: BILLING_MANAGE },
      request: { body: ContactBody },
      responses: { 200: { description: 'The contact', schema: ContactOut } },
      async handler({ body, scope, actor, koa }) {
        const { em, clock, identity } = scope.cradle;
        const { workspaceId } = inWorkspace(actor);
        const sql = sqlFor(em);
        const contact = await saveContact(sql, workspaceId, body, clock.now());
        await identity.audit.record(
          {
            action: 'billing_contact_changed',
            workspaceId,
            ...auditSource(actor, koa),
            target: { type: 'billing_contact', id: workspaceId },
          },
          sql,
        );
        return contact;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/billing/checkout',
      operationId: 'createBillingCheckout',
      summary: "Start the provider's checkout for a plan (sign-up or upgrade); returns its URL",
      description:
        'A plan whose limits are below what the workspace uses now is refused ' +
        '(`downgrade_below_usage`): remove agents or inboxes first, so no one loses access by surprise.',
      tags: TAGS,
      access: { permission: BILLING_MANAGE },
      request: { body: CheckoutBody },
      responses: {
        200: { description: 'Where to send the browser', schema: RedirectOut },
        409: {
          description:
            'Over the plan (`downgrade_below_usage`) or no checkout (`billing_not_supported`)',
        },
        422: { description: 'No such plan (`unknown_plan`)' },
      },
      async handler({ body, scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const { subscription, provider } = await providerFor(scope, workspaceId, body.planId);
        const plan = provider?.plans.find((p) => p.id === body.planId);
        if (!provider || !plan)
          throw new NovumError('unknown_plan', 'No such plan', {
            status: 422,
            details: { planId: body.planId },
          });
        if (!provider.createCheckout) throw notSupported('a checkout');
        const usage = await usageOf(scope, workspaceId);
        assertPlanFits(plan, usage);
        const contact = await findContact(sqlFor(scope.cradle.em), workspaceId);
        const base = publicBase(scope);
        return provider.createCheckout(
          {
            workspaceId,
            plan,
            seats: Math.max(1, usage.seats),
            successUrl: `${base}/admin/settings/billing?checkout=success`,
            cancelUrl: `${base}/admin/settings/billing?checkout=canceled`,
            subscription: subscription?.providerId === provider.id ? subscription : null,
            contact: contact ? { name: contact.name, email: contact.email } : null,
          },
          { scope },
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/billing/portal',
      operationId: 'openBillingPortal',
      summary: "Open the provider's customer portal (payment methods, invoices); returns its URL",
      tags: TAGS,
      access: { permission: BILLING_MANAGE },
      responses: {
        200: { description: 'Where to send the browser', schema: RedirectOut },
        409: { description: 'No subscription or no portal (`billing_not_supported`)' },
      },
      async handler({ scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const { subscription, provider } = await providerFor(scope, workspaceId);
        if (!subscription || !provider?.openPortal) throw notSupported('a customer portal');
        return provider.openPortal(
          { subscription, returnUrl: `${publicBase(scope)}/admin/settings/billing` },
          { scope },
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/billing/invoices',
      operationId: 'listBillingInvoices',
      summary: "The workspace's invoices, as its provider reports them (empty without one)",
      tags: TAGS,
      access: { permission: BILLING_READ },
      responses: { 200: { description: 'Invoices, newest first', schema: z.array(InvoiceOut) } },
      async handler({ scope, actor }) {
        const { workspaceId } = inWorkspace(actor);
        const { subscription, provider } = await providerFor(scope, workspaceId);
        if (!subscription || !provider?.listInvoices) return [];
        return provider.listInvoices({ subscription }, { scope });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/billing/operator/subscriptions',
      operationId: 'listBillingSubscriptionsOperator',
      summary: "Operator: every workspace's subscription, optionally by status",
      description: 'Keyset-paginated: pass `nextCursor` back as `cursor`; null on the last page.',
      tags: TAGS,
      access: { permission: SYSTEM_READ },
      tenancy: 'none',
      request: { query: OperatorQuery },
      responses: {
        200: { description: 'A page of subscriptions', schema: OperatorSubscriptionPage },
        400: { description: 'A malformed cursor (`invalid_cursor`)' },
      },
      handler: ({ query, scope }) => listSubscriptionsAcrossWorkspaces(scope.cradle.em, query),
    }),
    defineRoute({
      method: 'get',
      path: '/billing/operator/summary',
      operationId: 'getBillingOperatorSummary',
      summary: 'Operator: subscriptions by status and monthly recurring revenue',
      tags: TAGS,
      access: { permission: SYSTEM_READ },
      tenancy: 'none',
      responses: { 200: { description: 'Summary', schema: OperatorSummaryOut } },
      handler: ({ scope }) => operatorSummary(scope.cradle.em, scope.cradle.billingProviders),
    }),
  ];
}

/**
 * A plan below current usage is refused, not sold with an overage: which agent loses access, or
 * which inbox stops, is the workspace's decision, so it makes it before downgrading.
 */
export function assertPlanFits(plan: PlanDefinition, usage: Record<string, number>): void {
  for (const [key, used] of Object.entries(usage)) {
    const allowed = plan.limits[key];
    if (allowed !== undefined && allowed !== null && used > allowed) {
      throw errors.conflict(
        'downgrade_below_usage',
        `The plan allows ${allowed} ${key} but the workspace uses ${used}; remove some first`,
        { limit: key, allowed, used, planId: plan.id },
      );
    }
  }
}
