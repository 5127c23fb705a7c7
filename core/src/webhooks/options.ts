/** The webhooks module's tunables (`webhooksModule(options)`). */
import { z } from 'zod';

export const webhooksOptionsSchema = z
  .object({
    /**
     * Allow subscriptions to loopback and private addresses. Default true so single-tenant and
     * test installs can target local services; operators of multi-tenant installs MUST set it to
     * false, or any workspace admin can make the server POST to its internal network (SSRF).
     */
    allowPrivateTargets: z.boolean().default(true),
    /** Retries after the first attempt (exponential backoff), then the job is dead-lettered. */
    retryLimit: z.number().int().min(0).max(20).default(5),
    /** First retry delay; doubled on each retry. */
    retryDelaySeconds: z.number().int().min(1).default(10),
    /** Per-attempt HTTP timeout. */
    timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
  })
  .prefault({});

export type WebhooksOptions = z.output<typeof webhooksOptionsSchema>;
export type WebhooksOptionsInput = z.input<typeof webhooksOptionsSchema>;
