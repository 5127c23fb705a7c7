/** Request and response schemas of the report routes (named `Analytics…` in the OpenAPI document). */
import { z } from 'zod';
import { daysBetween, isTimeZone } from './periods.js';
import { DRILL_METRICS, GROUPS } from './query.js';

export const MAX_RANGE_DAYS = 731;

const IdOrNone = z.union([z.uuid(), z.literal('none')]);

export const FilterFields = {
  agentId: IdOrNone.optional().describe('An agent (user id), or `none` for unassigned'),
  teamId: IdOrNone.optional().describe('A team id, or `none`'),
  inboxId: IdOrNone.optional().describe('An inbox id, or `none`'),
  channel: z.string().min(1).max(64).optional(),
  priority: z.enum(['low', 'normal', 'high', 'urgent']).optional(),
  tag: z.string().min(1).max(100).optional(),
};

const RangeFields = {
  from: z.iso.date().describe('First local day, inclusive (YYYY-MM-DD)'),
  to: z.iso.date().describe('Last local day, inclusive (YYYY-MM-DD)'),
  timeZone: z
    .string()
    .default('UTC')
    .refine(isTimeZone, 'Unknown IANA time zone')
    .describe('IANA time zone the days are counted in, e.g. Europe/Paris'),
};

const checkRange = (value: { from: string; to: string }, ctx: z.RefinementCtx) => {
  if (value.to < value.from) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: '`to` is before `from`' });
  } else if (daysBetween(value.from, value.to) >= MAX_RANGE_DAYS) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `At most ${MAX_RANGE_DAYS} days` });
  }
};

export const SeriesQuery = z
  .object({
    ...RangeFields,
    interval: z.enum(['day', 'week', 'month']).default('day'),
    groupBy: z.enum(GROUPS).default('none'),
    compare: z
      .enum(['none', 'previous'])
      .default('none')
      .describe('`previous`: also the same number of days just before `from`'),
    ...FilterFields,
  })
  .superRefine(checkRange);

export const BacklogQuery = z.object({
  groupBy: z.enum(GROUPS).default('none'),
  ...FilterFields,
});

export const DrillQuery = z
  .object({
    ...RangeFields,
    metric: z.enum(DRILL_METRICS),
    ...FilterFields,
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional(),
  })
  .superRefine(checkRange);

export const UsageRangeQuery = z
  .object({ from: RangeFields.from, to: RangeFields.to })
  .superRefine(checkRange);

const Group = z
  .string()
  .nullable()
  .describe('The group value (an id, channel, tag, priority), null = none');
const Counts = {
  created: z.number().int(),
  solved: z.number().int(),
  reopened: z.number().int(),
  replies: z.number().int(),
};

const VolumeBody = z.object({
  source: z
    .enum(['daily', 'rollup', 'activity'])
    .describe('daily: per-day rollup (the plugin time zone); rollup: hourly; activity: per ticket'),
  rows: z.array(z.object({ period: z.string(), group: Group, ...Counts })),
  totals: z.object(Counts),
});

export const VolumeReportSchema = VolumeBody.extend({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  interval: z.string(),
  groupBy: z.string(),
  previous: VolumeBody.extend({ from: z.string(), to: z.string() }).optional(),
}).meta({ id: 'AnalyticsVolumeReport' });

const Percentiles = z.object({
  count: z.number().int(),
  median: z.number().nullable().describe('Seconds'),
  p90: z.number().nullable().describe('Seconds'),
});
const TimesValues = {
  firstResponse: Percentiles,
  resolution: Percentiles,
  repliesPerSolved: z.number().nullable(),
};
const TimesBody = z.object({
  approximate: z
    .boolean()
    .describe('true: percentiles from the daily histograms (within ±10 %); false: exact'),
  rows: z.array(z.object({ period: z.string(), group: Group, ...TimesValues })),
  totals: z.object(TimesValues),
});
export const TimesReportSchema = TimesBody.extend({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  interval: z.string(),
  groupBy: z.string(),
  previous: TimesBody.extend({ from: z.string(), to: z.string() }).optional(),
}).meta({ id: 'AnalyticsTimesReport' });

const BacklogValues = {
  new: z.number().int(),
  open: z.number().int(),
  pending: z.number().int(),
  on_hold: z.number().int(),
  total: z.number().int(),
};
export const BacklogReportSchema = z
  .object({
    rows: z.array(z.object({ group: Group, ...BacklogValues })),
    totals: z.object(BacklogValues),
  })
  .meta({ id: 'AnalyticsBacklogReport' });

export const DrillPageSchema = z
  .object({
    data: z.array(
      z.object({
        ticketId: z.uuid(),
        number: z.number().int(),
        at: z.string(),
        agentId: z.string().nullable(),
        seconds: z.number().nullable(),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'AnalyticsDrillPage' });

export const RebuildStateSchema = z
  .object({
    runId: z.string(),
    status: z.enum(['running', 'done', 'failed']),
    total: z.number().int(),
    done: z.number().int(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'AnalyticsRebuildState' });

export const FeatureUsageSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    rawRetentionDays: z.number().int(),
    data: z.array(
      z.object({
        feature: z.string(),
        events: z.number().int(),
        activeUsers: z.number().int(),
        peakDailyUsers: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'AnalyticsFeatureUsage' });
