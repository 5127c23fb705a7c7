/**
 * The Stripe billing provider: Checkout Sessions for sign-up and upgrades, the Customer Portal,
 * seat quantity updates (prorated by Stripe) and invoices. A workspace's Stripe customer is
 * created on its first checkout and remembered in `billing_stripe_customer`.
 */
import type Stripe from 'stripe';
import type { BillingProvider, PlanDefinition, SubscriptionUpdate } from '@novumdesk/core';
import type { StripeBillingOptions } from './options.js';

export const STRIPE_PROVIDER_ID = 'stripe';

type Sql = (text: string, params?: readonly unknown[]) => Promise<Record<string, any>[]>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function stripeProvider(stripe: Stripe, options: StripeBillingOptions): BillingProvider {
  const priceOf = (planId: string) => options.plans.find((p) => p.id === planId)?.stripePriceId;
  return {
    id: STRIPE_PROVIDER_ID,
    displayName: 'Stripe',
    plans: options.plans.map(({ stripePriceId: _price, ...plan }) => plan as PlanDefinition),
    seatMode: 'sync',
    ...(options.trialPlan ? { defaultPlan: { planId: options.trialPlan, trial: true } } : {}),
    notices: options.notices,
    async createCheckout(input, { scope }) {
      const { em, clock } = scope.cradle;
      const sql: Sql = (t, p = []) => em.execute(t, [...p]);
      let customer = input.subscription?.externalCustomerId ?? null;
      if (!customer) {
        const [row] = await sql(
          'select customer_id from billing_stripe_customer where workspace_id = ?',
          [input.workspaceId],
        );
        customer = (row?.customer_id as string | undefined) ?? null;
      }
      if (!customer) {
        const created = await stripe.customers.create(
          {
            ...(input.contact?.email ? { email: input.contact.email } : {}),
            ...(input.contact?.name ? { name: input.contact.name } : {}),
            metadata: { workspace_id: input.workspaceId },
          },
          { idempotencyKey: `novumdesk-customer-${input.workspaceId}` },
        );
        customer = created.id;
        await sql(
          'insert into billing_stripe_customer (customer_id, workspace_id, created_at) values (?, ?, ?) on conflict do nothing',
          [customer, input.workspaceId, clock.now()],
        );
      }
      const session = await stripe.checkout.sessions.create({
        mode: 'subscription',
        customer,
        client_reference_id: input.workspaceId,
        line_items: [{ price: priceOf(input.plan.id)!, quantity: input.seats }],
        subscription_data: {
          metadata: { workspace_id: input.workspaceId, plan_id: input.plan.id },
          ...(input.plan.trialDays > 0 && !input.subscription
            ? { trial_period_days: input.plan.trialDays }
            : {}),
        },
        metadata: { workspace_id: input.workspaceId },
        success_url: input.successUrl,
        cancel_url: input.cancelUrl,
      });
      if (!session.url) throw new Error('Stripe returned a checkout session without a URL');
      return { url: session.url };
    },
    async openPortal({ subscription, returnUrl }) {
      const session = await stripe.billingPortal.sessions.create({
        customer: subscription.externalCustomerId!,
        return_url: returnUrl,
      });
      return { url: session.url };
    },
    async syncSeats({ subscription, seats }) {
      const current = await stripe.subscriptions.retrieve(subscription.externalSubscriptionId!);
      const item = current.items.data[0];
      if (!item || item.quantity === seats) return;
      await stripe.subscriptions.update(current.id, {
        items: [{ id: item.id, quantity: seats }],
        proration_behavior: 'create_prorations',
      });
    },
    async cancel({ subscription }) {
      await stripe.subscriptions.update(subscription.externalSubscriptionId!, {
        cancel_at_period_end: true,
      });
    },
    async listInvoices({ subscription }) {
      const list = await stripe.invoices.list({
        customer: subscription.externalCustomerId!,
        limit: 24,
      });
      return list.data.map((invoice) => ({
        id: invoice.id!,
        number: invoice.number ?? null,
        status: invoice.status ?? 'draft',
        currency: invoice.currency,
        total: invoice.total,
        createdAt: new Date(invoice.created * 1000).toISOString(),
        url: invoice.hosted_invoice_url ?? null,
      }));
    },
  };
}

/** A Stripe subscription as the core's update; null when its price is not one of our plans. */
export function toUpdate(
  subscription: Stripe.Subscription,
  options: StripeBillingOptions,
): SubscriptionUpdate | null {
  const item = subscription.items.data[0];
  const plan = options.plans.find((p) => p.stripePriceId === item?.price.id);
  if (!item || !plan) return null;
  const date = (s: number | null | undefined) => (s ? new Date(s * 1000) : null);
  const status = subscription.status === 'incomplete_expired' ? 'canceled' : subscription.status;
  return {
    planId: plan.id,
    status: status as SubscriptionUpdate['status'],
    seats: item.quantity ?? 1,
    externalCustomerId:
      typeof subscription.customer === 'string' ? subscription.customer : subscription.customer.id,
    externalSubscriptionId: subscription.id,
    currentPeriodStart: date(item.current_period_start),
    currentPeriodEnd: date(item.current_period_end),
    trialEnd: date(subscription.trial_end),
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
    canceledAt: date(subscription.canceled_at),
  };
}
