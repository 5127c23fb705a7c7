/**
 * The zod schema provider plugins use for the plans in their options, so every provider reads
 * plans the same way: integer minor units, ISO currency, kebab-case ids.
 */
import { z } from 'zod';

export const PlanSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'kebab-case'),
  name: z.string().min(1).max(100),
  currency: z
    .string()
    .regex(/^[a-z]{3}$/, 'ISO 4217, lower case')
    .default('usd'),
  unitAmount: z.number().int().min(0).default(0),
  interval: z.enum(['month', 'year']).default('month'),
  trialDays: z.number().int().min(0).max(365).default(0),
  features: z.array(z.string().min(1)).default([]),
  /** `null` or absent: unlimited. */
  limits: z.record(z.string(), z.number().int().min(0).nullable()).default({}),
});

export type PlanInput = z.input<typeof PlanSchema>;

/** The plan a self-hosted desk runs on: every feature, no limits, free. */
export const SELF_HOSTED_PLAN = {
  id: 'self-hosted',
  name: 'Self-hosted',
  currency: 'usd',
  unitAmount: 0,
  interval: 'month',
  trialDays: 0,
  features: ['*'],
  limits: {},
} as const;

/** Operator texts for billing notices: `{ payment_failed: { subject, text } }`, `{{placeholders}}`. */
export const NoticeTemplatesSchema = z
  .partialRecord(
    z.enum(['trial_ending', 'payment_failed', 'canceled', 'seats_changed']),
    z.object({ subject: z.string().min(1).max(300), text: z.string().min(1).max(20_000) }),
  )
  .default({});
