import { z } from 'zod';
import { NoticeTemplatesSchema, PlanSchema, SELF_HOSTED_PLAN } from '@novumdesk/core';

export const ManualBillingOptionsSchema = z
  .object({
    /** The plans an operator assigns by hand. Default: the unlimited "self-hosted" plan only. */
    plans: z
      .array(PlanSchema)
      .min(1)
      .default([{ ...SELF_HOSTED_PLAN, features: ['*'] }]),
    /** What a workspace without an assigned plan gets; null: nothing (unlimited only if no provider has a default). */
    defaultPlan: z.string().nullable().default('self-hosted'),
    /** Operator texts for notices: `{ seats_changed: { subject, text }, … }` with `{{placeholders}}`. */
    notices: NoticeTemplatesSchema,
  })
  .prefault({})
  .refine((o) => o.defaultPlan === null || o.plans.some((p) => p.id === o.defaultPlan), {
    message: 'defaultPlan must be the id of one of the plans',
    path: ['defaultPlan'],
  });

export type ManualBillingOptions = z.output<typeof ManualBillingOptionsSchema>;
export type ManualBillingOptionsInput = z.input<typeof ManualBillingOptionsSchema>;
