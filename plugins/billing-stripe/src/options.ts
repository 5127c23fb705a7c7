import { z } from 'zod';
import { NoticeTemplatesSchema, PlanSchema } from '@novumdesk/core';

/** A plan sold through Stripe: the core plan plus the Stripe Price billed per seat. */
export const StripePlanSchema = PlanSchema.extend({
  stripePriceId: z.string().regex(/^price_[A-Za-z0-9]+$/, 'a Stripe Price id (price_…)'),
});

export const StripeBillingOptionsSchema = z
  .object({
    /** `STRIPE_SECRET_KEY` (sk_live_… / sk_test_… / rk_…). */
    secretKey: z.string().min(8),
    /** `STRIPE_WEBHOOK_SECRET` (whsec_…), the signing secret of the webhook endpoint. */
    webhookSecret: z.string().min(8),
    /** `NOVUMDESK_STRIPE_API_URL`: another API host (tests, a proxy). Default: api.stripe.com. */
    apiUrl: z.url().optional(),
    /** Signed webhooks older than this are refused (replay protection). */
    toleranceSeconds: z.number().int().min(10).max(3600).default(300),
    plans: z.array(StripePlanSchema).min(1),
    /** A plan new workspaces try for its `trialDays` before subscribing (read-only after). */
    trialPlan: z.string().optional(),
    notices: NoticeTemplatesSchema,
    /**
     * Serve the admin panels (billing settings page, limit/payment banner, operator view). They
     * need the built bundle (`npm run build`); tests that run from sources turn them off.
     */
    adminPanels: z.boolean().default(true),
  })
  .refine((o) => !o.trialPlan || o.plans.some((p) => p.id === o.trialPlan), {
    message: 'trialPlan must be the id of one of the plans',
    path: ['trialPlan'],
  });

export type StripeBillingOptions = z.output<typeof StripeBillingOptionsSchema>;
export type StripeBillingOptionsInput = z.input<typeof StripeBillingOptionsSchema>;
