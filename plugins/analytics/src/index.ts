/**
 * `@novumdesk/plugin-analytics`: helpdesk reports and first-party usage analytics.
 *
 * - Reports: event subscribers keep per-ticket facts, activities and an hourly rollup in step
 *   with the tickets (`rollups/`); routes under `/api/p/analytics/reports/…` read them
 *   (`reports/`); `POST /reports/rebuild` or `novumdesk analytics rebuild` rebuild them.
 * - Usage analytics: the admin UI posts page views and actions in batches (`usage/`), stored only
 *   for people who consented, never with DNT / GPC or after an objection; IPs truncated, country
 *   from a local database; raw events kept `rawRetentionDays`, then only counts remain.
 *
 * Every event and field collected is listed in docs/analytics.md.
 */
import { fileURLToPath } from 'node:url';
import type { AwilixContainer } from 'awilix';
import {
  definePlugin,
  type EventEnvelope,
  type EventSubscriberOptions,
  type RequestCradle,
} from '@novumdesk/core';
import { sqlFor } from './db.js';
import { analyticsEntities } from './entities.js';
import { analyticsMigrations } from './migrations/index.js';
import { AnalyticsOptionsSchema } from './options.js';
import { analyticsPersonalData } from './personal-data.js';
import { rebuildChunk } from './rollups/rebuild.js';
import { refreshTickets } from './rollups/store.js';
import { ANALYTICS_MANAGE, REBUILD_JOB, REPORTS_READ, reportRoutes } from './reports/routes.js';
import { forward, type ForwardedEvent } from './usage/forward.js';
import { CountryLookup } from './usage/geo.js';
import { usageRoutes } from './usage/routes.js';
import { sweepRawEvents } from './usage/sweep.js';
import { analyticsCommand } from './command.js';

export type { AnalyticsOptions } from './options.js';
export { truncateIp, parseUserAgent, optedOutByHeaders } from './usage/edge.js';
export { refreshTickets } from './rollups/store.js';
export { startRebuild, rebuildChunk, rebuildState } from './rollups/rebuild.js';

/**
 * The domain events that change what a ticket contributes to the reports. `ticket.merged` and
 * `ticket.deleted` are subscribed by name for when the tickets module publishes them; every
 * ticket id their payload names (`ticketId`, `sourceId`, `targetId`, …) is re-derived.
 */
const TICKET_EVENTS = [
  'ticket.created',
  'ticket.updated',
  'message.created',
  'ticket.merged',
  'ticket.deleted',
];

export function ticketIdsOf(name: string, payload: Record<string, unknown>): string[] {
  const keys = Object.keys(payload).filter(
    (k) =>
      /ticketid$/i.test(k) || (name === 'ticket.merged' && /^(source|target)(Id|Ids)$/.test(k)),
  );
  const ids = keys.flatMap((k) => {
    const value = payload[k];
    return Array.isArray(value) ? value : [value];
  });
  return ids.filter((v): v is string => typeof v === 'string' && /^[0-9a-f-]{36}$/i.test(v));
}

/** `ctx.on` for event names that may not be declared in `EventMap` yet. */
type SubscribeByName = (
  event: string,
  options: EventSubscriberOptions,
  handler: (
    envelope: EventEnvelope<Record<string, unknown>>,
    scope: AwilixContainer<RequestCradle>,
  ) => Promise<void>,
) => void;

export default definePlugin({
  id: 'analytics',
  version: '0.1.0',
  core: '^0.1.0',
  description: 'Helpdesk reports and first-party, consent-based usage analytics',
  // Reads the tickets module's tables and follows its events.
  dependsOn: { tickets: '^0.1.0' },
  options: AnalyticsOptionsSchema,
  permissions: [REPORTS_READ, ANALYTICS_MANAGE],
  entities: analyticsEntities,
  migrations: analyticsMigrations,
  personalData: analyticsPersonalData,
  commands: [analyticsCommand],
  // Built by `npm run build:admin` from admin/ (the same path from src/ in tests and from dist/).
  admin: {
    assetsDir: fileURLToPath(new URL('../dist/admin/', import.meta.url)),
    panels: [
      {
        id: 'reports',
        slot: 'nav',
        title: 'Reports',
        entry: 'panels.js',
        exportName: 'ReportsPage',
        order: 40,
        requires: [REPORTS_READ],
      },
      {
        id: 'tickets-this-week',
        slot: 'dashboard.widgets',
        title: 'Tickets this week',
        entry: 'panels.js',
        exportName: 'VolumeWidget',
        order: 20,
        requires: [REPORTS_READ],
      },
    ],
  },

  register(ctx) {
    const countries = new CountryLookup(ctx.options.countryDatabase, (error) =>
      ctx.logger.warn({ err: error }, 'country database unavailable: usage events get no country'),
    );
    for (const route of [...reportRoutes(ctx.options), ...usageRoutes(ctx.options, countries)])
      ctx.route(route);

    // Subscribed by name: `ticket.merged` / `ticket.deleted` may not be in EventMap yet.
    const on = ctx.on.bind(ctx) as unknown as SubscribeByName;
    for (const event of TICKET_EVENTS) {
      on(event, { name: `refresh-${event.replace('.', '-')}` }, async (envelope, scope) => {
        const ids = ticketIdsOf(envelope.name, envelope.payload);
        if (!envelope.workspaceId || ids.length === 0) return;
        await refreshTickets(sqlFor(scope.cradle.em), envelope.workspaceId, ids, {
          timeZone: ctx.options.timeZone,
        });
      });
    }

    // One chunk per job, each in its own workspace transaction; the next chunk is enqueued in
    // the same transaction, so progress and continuation commit together.
    ctx.job<{ workspaceId: string; runId: string }>(
      'rebuild',
      async ({ workspaceId, runId }, scope) => {
        const { em, jobs, clock } = scope.cradle;
        const state = await rebuildChunk(
          sqlFor(em),
          workspaceId,
          runId,
          ctx.options.rebuildChunk,
          clock.now(),
        );
        if (state?.status === 'running')
          await jobs.send(REBUILD_JOB, { workspaceId, runId }, { em });
      },
      { retryLimit: 5 },
    );

    ctx.job(
      'retention',
      async (_data, scope) => {
        const cutoff = new Date(
          scope.cradle.clock.now().getTime() - ctx.options.rawRetentionDays * 86_400_000,
        );
        const deleted = await sweepRawEvents(scope.cradle.orm.em, cutoff);
        if (deleted > 0) ctx.logger.info({ deleted }, 'usage events past their retention deleted');
      },
      { cron: '23 3 * * *', retryLimit: 3 },
    );

    const forwarding = ctx.options.forwarding;
    if (forwarding) {
      ctx.job<{ workspaceId: string; events: ForwardedEvent[] }>(
        'forward',
        async ({ events }) => forward(forwarding, events),
        { retryLimit: 8, retryDelaySeconds: 30 },
      );
    }
  },
});
