import { z } from 'zod';

export const PrivacyOptionsSchema = z
  .object({
    /** Where this instance keeps its data (shown with the sub-processors), e.g. `EU (Frankfurt)`. */
    dataRegion: z.string().trim().min(2).max(100).optional(),
    /** Rows per batch of a retention run, and batches per job before it continues in a new one. */
    retentionBatchSize: z.number().int().min(10).max(100_000).default(1000),
    retentionMaxBatches: z.number().int().min(1).max(10_000).default(50),
  })
  .default({ retentionBatchSize: 1000, retentionMaxBatches: 50 });

export type PrivacyOptions = z.output<typeof PrivacyOptionsSchema>;
export type PrivacyOptionsInput = z.input<typeof PrivacyOptionsSchema>;
