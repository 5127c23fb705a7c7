import { z } from 'zod';

/**
 * The operator's options: `knowledgeBase({ defaultCenter: 'help', contactRateLimit: { … } })`.
 */
export const KnowledgeBaseOptionsSchema = z.object({
  /**
   * The help center `/help` (and `/help/search`) redirect to, by slug. Unset: the default center
   * of the first workspace that created one (on a fresh install, the bootstrap workspace's).
   */
  defaultCenter: z.string().optional(),
  /** Contact-form submissions per visitor (keyed hash of the address) and center. */
  contactRateLimit: z
    .object({
      limit: z.number().int().min(1).max(1000).default(5),
      windowSeconds: z.number().int().min(10).max(86_400).default(600),
    })
    .default({ limit: 5, windowSeconds: 600 }),
  /** A contact form submitted faster than this after it was served is treated as a bot. */
  contactMinFillSeconds: z.number().min(0).max(60).default(2),
  /** How long a center's host names and settings are cached by each node (other nodes' changes). */
  addressCacheSeconds: z.number().min(0).max(3600).default(5),
  /** Rendered public pages kept in memory per node (LRU); 0 renders every request. */
  pageCacheEntries: z.number().int().min(0).max(100_000).default(2000),
  /** How often buffered page-view counts are written to the database. */
  viewFlushSeconds: z.number().min(0.1).max(3600).default(10),
});

export type KnowledgeBaseOptions = z.output<typeof KnowledgeBaseOptionsSchema>;
export type KnowledgeBaseOptionsInput = z.input<typeof KnowledgeBaseOptionsSchema>;
