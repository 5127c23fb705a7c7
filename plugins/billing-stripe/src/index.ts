/**
 * `@novumdesk/plugin-billing-stripe`: Stripe as a billing provider. Checkout Sessions for
 * sign-up and upgrades, the Customer Portal for payment methods and invoices, seat quantities
 * kept in step with the workspace's agents (prorated by Stripe), and signed webhooks stored
 * first and processed through the job queue.
 *
 *   billingStripe({
 *     secretKey: process.env.STRIPE_SECRET_KEY,
 *     webhookSecret: process.env.STRIPE_WEBHOOK_SECRET,
 *     apiUrl: process.env.NOVUMDESK_STRIPE_API_URL,
 *     plans: [{ id: 'team', name: 'Team', currency: 'eur', unitAmount: 1900, stripePriceId: 'price_…', limits: { seats: 25 } }],
 *   })
 */
import { fileURLToPath } from 'node:url';
import { CORE_VERSION, definePlugin, type NovumPlugin } from '@novumdesk/core';
import { createStripeClient } from './client.js';
import { stripeMigrations } from './migrations/index.js';
import {
  StripeBillingOptionsSchema,
  type StripeBillingOptions,
  type StripeBillingOptionsInput,
} from './options.js';
import { stripeProvider } from './provider.js';
import { PROCESS_JOB, processEvent, webhookRoute } from './webhooks.js';

export { StripeBillingOptionsSchema, type StripeBillingOptions, type StripeBillingOptionsInput };
export { STRIPE_PROVIDER_ID } from './provider.js';

/** Built by `vite build` from admin/ (the same path from src/ in tests and from dist/). */
const ADMIN: NonNullable<NovumPlugin['admin']> = {
  assetsDir: fileURLToPath(new URL('../dist/admin/', import.meta.url)),
  panels: [
    {
      id: 'billing',
      slot: 'settings.pages',
      title: 'Billing',
      entry: 'panels.js',
      exportName: 'BillingSettings',
      requires: ['billing:read'],
    },
    {
      id: 'billing-banner',
      slot: 'dashboard.widgets',
      title: 'Billing',
      entry: 'panels.js',
      exportName: 'BillingBanner',
      order: 1,
      requires: ['members:read'],
    },
    {
      id: 'billing-operator',
      slot: 'nav',
      title: 'Subscriptions',
      entry: 'panels.js',
      exportName: 'BillingOperator',
      requires: ['system:read'],
    },
  ],
};

const stripePlugin = definePlugin<StripeBillingOptions, StripeBillingOptionsInput>({
  id: 'billing-stripe',
  version: '0.1.0',
  core: `^${CORE_VERSION}`,
  description: 'Stripe billing: checkout, customer portal, seat sync, webhooks',
  dependsOn: { billing: `^${CORE_VERSION}` },
  options: StripeBillingOptionsSchema,
  migrations: stripeMigrations,
  subProcessors: [
    {
      name: 'Stripe',
      purpose: 'Subscription billing and payments',
      region: 'US',
      categories: ['billing contact name', 'billing email address'],
      origin: 'https://api.stripe.com',
    },
  ],
  register(ctx) {
    const stripe = createStripeClient(ctx.options);
    ctx.route(webhookRoute(stripe, ctx.options));
    ctx.job<{ eventId: string }>(
      PROCESS_JOB.slice('billing-stripe.'.length),
      async (data, scope) => {
        try {
          await processEvent(data, scope, stripe, ctx.options);
        } catch (error) {
          // Kept for the operator (the job retries with backoff, then dead-letters).
          await scope.cradle.em
            .execute(
              "update billing_stripe_event set error = ? where id = ? and status = 'received'",
              [String((error as Error).message ?? error).slice(0, 500), data.eventId],
            )
            .catch(() => undefined);
          throw error;
        }
      },
      { retryLimit: 10 },
    );
  },
  async boot(ctx) {
    const stripe = createStripeClient(ctx.options);
    ctx.resolve('billingProviders').add(ctx.id, stripeProvider(stripe, ctx.options));
  },
});

/**
 * The factory: the manifest carries the admin panels unless the options turn them off (the
 * kernel refuses to start when a declared bundle is missing, and tests run without a build).
 */
function billingStripe(options: StripeBillingOptionsInput) {
  const instance = stripePlugin(options);
  if (options.adminPanels === false) return instance;
  return { ...instance, plugin: { ...instance.plugin, admin: ADMIN } };
}
billingStripe.plugin = stripePlugin.plugin;

export default billingStripe;
