/** The billing module's tunables (`billingModule(options)` for embedders and tests). */
import { z } from 'zod';

export const billingOptionsSchema = z
  .object({
    /** Days a past_due workspace keeps working normally before it becomes read-only. */
    graceDays: z.number().int().min(0).max(90).default(7),
    /** How long a workspace's resolved entitlements are cached in this process. 0: never. */
    cacheSeconds: z.number().min(0).max(300).default(5),
    /** The trial-ending notice goes out this many days before the trial ends. */
    trialNoticeDays: z.number().int().min(1).max(30).default(3),
    /** When the seat reconciliation and trial-ending sweeps run (cron, UTC). */
    sweepCron: z.string().min(9).default('*/30 * * * *'),
  })
  .prefault({});

export type BillingOptions = z.output<typeof billingOptionsSchema>;
export type BillingOptionsInput = z.input<typeof billingOptionsSchema>;
