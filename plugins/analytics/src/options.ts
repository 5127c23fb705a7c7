import { z } from 'zod';
import { isTimeZone } from './reports/periods.js';

/** A self-hosted Plausible/Umami-style collector that usage events may be copied to. Off by default. */
export const ForwardingSchema = z.object({
  /** `https://stats.example.org/api/event` (Plausible) or an Umami `/api/send` URL. */
  url: z.url(),
  /** `plausible` posts `{ name, url, domain }`; `umami` posts `{ type: 'event', payload }`. */
  format: z.enum(['plausible', 'umami']).default('plausible'),
  /** Plausible's `domain` / Umami's `website` id. */
  site: z.string().min(1).max(200),
  /** Shown in the sub-processor list when forwarding is on. */
  processorName: z.string().min(1).max(200).default('Self-hosted analytics'),
});

export const AnalyticsOptionsSchema = z.object({
  /**
   * The time zone of the daily rollup: reports in this zone grouped by day, week or month read
   * per-day rows. Reports in other zones are exact too, from the hourly rollup. Changing it needs
   * a rebuild (`novumdesk-analytics rebuild`).
   */
  timeZone: z.string().default('UTC').refine(isTimeZone, 'Unknown IANA time zone'),
  /** Days raw usage events are kept; afterwards only per-day counts without identifiers remain. */
  rawRetentionDays: z.number().int().min(1).max(3650).default(90),
  /** Events accepted per batch request. */
  maxBatch: z.number().int().min(1).max(500).default(100),
  /** Tickets per transaction when rebuilding the report tables. */
  rebuildChunk: z.number().int().min(10).max(20_000).default(1000),
  /** Path of a MaxMind-format country database; defaults to the bundled db-ip country lite file. */
  countryDatabase: z.string().optional(),
  /** Copy consented usage events to a self-hosted collector through the job queue. */
  forwarding: ForwardingSchema.optional(),
});

export type AnalyticsOptions = z.output<typeof AnalyticsOptionsSchema>;
export type ForwardingOptions = z.output<typeof ForwardingSchema>;
