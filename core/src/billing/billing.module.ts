/**
 * The billing module: the billing contract in the core, with no processor code in it. It holds
 * the provider registry (`billingProviders`), the entitlements service (`entitlements`), the
 * subscription service providers write through (`billingService`), the subscription and billing
 * contact tables, `/api/v1/billing/...`, the `billing.resolveEntitlements` and
 * `billing.beforeNotice` hooks, seat sync and the trial-ending sweep. Without a provider plugin
 * every workspace is unlimited.
 *
 * It loads after tickets and inboxes so that it can make a read-only workspace (past_due beyond
 * the grace period, unpaid, canceled, paused) refuse new tickets, replies and notes through
 * their `before*` hooks, while everything stays readable and exportable.
 */
import { asFunction, asValue } from 'awilix';
import { AsyncSeriesBailHook, AsyncSeriesWaterfallHook } from 'tapable';
import type { HookContext } from '../kernel/contract.js';
import { definePlugin } from '../kernel/plugins/define-plugin.js';
import { CORE_VERSION } from '../version.js';
import type { BillingNotice, Entitlements } from './contract.js';
import { EntitlementsService } from './entitlements.js';
import { billingEntities } from './entities.js';
import { NOTICE_JOB, sweep, syncSeats, trialNotice } from './jobs.js';
import { billingMigrations } from './migrations/index.js';
import { billingOptionsSchema, type BillingOptions, type BillingOptionsInput } from './options.js';
import { billingPersonalData } from './personal-data.js';
import { BillingProviderRegistry } from './registry.js';
import { BILLING_MANAGE, BILLING_READ, billingRoutes } from './routes.js';
import { BillingService } from './service.js';
import { SEAT_SYNC_JOB } from './seats.js';
import { ticketsThisMonth } from './store.js';
import { sqlFor } from '../identity/db.js';
import '../tickets/hooks.js';

declare module '../kernel/contract.js' {
  interface CoreCradle {
    /** Billing providers added by plugins in `boot()` (billing module). */
    billingProviders: BillingProviderRegistry;
    /** `can` / `limit` / `assert*` per workspace (billing module). */
    entitlements: EntitlementsService;
    /** Writes subscription state with events, audit and notices (billing module). */
    billingService: BillingService;
  }
}

const SINCE = '0.1.0';

export const billingModule = definePlugin<BillingOptions, BillingOptionsInput | undefined>({
  id: 'billing',
  version: CORE_VERSION,
  core: `^${CORE_VERSION}`,
  description: 'Plans, subscriptions, seats and entitlements; billing provider contract',
  dependsOn: {
    identity: `^${CORE_VERSION}`,
    members: `^${CORE_VERSION}`,
    tickets: `^${CORE_VERSION}`,
    inboxes: `^${CORE_VERSION}`,
  },
  options: billingOptionsSchema,
  entities: billingEntities,
  migrations: billingMigrations,
  permissions: [BILLING_READ, BILLING_MANAGE],
  personalData: billingPersonalData,
  register(ctx) {
    const options = ctx.options;
    ctx.hooks.define(
      'billing.resolveEntitlements',
      () =>
        new AsyncSeriesBailHook<
          [{ workspaceId: string; computed: Entitlements }, HookContext],
          Entitlements | undefined
        >(['query', 'ctx']),
      {
        kind: 'resolve',
        description:
          "Called when a workspace's entitlements are resolved (then cached for a few seconds), with what the core computed from the subscription and its plan. The first tap returning entitlements replaces them (an enterprise override, a usage-based plan); returning undefined keeps them.",
        payload: '(query: { workspaceId, computed: Entitlements }, ctx: HookContext)',
        returns: 'Entitlements, or undefined to keep the computed ones',
        since: SINCE,
      },
    );
    ctx.hooks.define(
      'billing.beforeNotice',
      () =>
        new AsyncSeriesWaterfallHook<[BillingNotice, HookContext], BillingNotice>([
          'notice',
          'ctx',
        ]),
      {
        kind: 'transform',
        description:
          'Called before a billing notice (trial ending, payment failed, canceled, seats changed) is handed to the mailer, inside the transaction of the change. Taps may rewrite the text or the recipients; an empty `to` sends nothing.',
        payload: '(notice: { kind, to, subject, text, workspaceId }, ctx: HookContext)',
        returns: 'the (changed) notice',
        since: SINCE,
      },
    );
    const registry = new BillingProviderRegistry();
    ctx.register({
      billingProviders: asValue(registry),
      entitlements: asFunction(
        ({ hooks, clock }) =>
          new EntitlementsService({
            billingProviders: registry,
            hooks,
            clock,
            options: { graceDays: options.graceDays, cacheSeconds: options.cacheSeconds },
          }),
      ).singleton(),
      billingService: asFunction(
        ({ entitlements }) =>
          new BillingService({
            billingProviders: registry,
            entitlements,
            graceDays: options.graceDays,
          }),
      ).singleton(),
    });
    for (const route of billingRoutes()) ctx.route(route);

    // A read-only workspace creates nothing new; reading, exporting and settling stay open.
    // Messages a channel receives (no actor) always land: a customer's email is never refused.
    const writable = async (hc: HookContext) => {
      if (hc.workspaceId && hc.actor)
        await hc.scope.cradle.entitlements.assertWritable(hc.scope, hc.workspaceId);
    };
    // A plan's monthly ticket volume (`ticketsPerMonth`), counted only when the plan sets one.
    ctx.hooks.tap('ticket.beforeCreate', async (draft, hc) => {
      if (!hc.workspaceId || !hc.actor) return draft;
      const { entitlements, clock } = hc.scope.cradle;
      const limit = await entitlements.limit(hc.scope, hc.workspaceId, 'ticketsPerMonth');
      if (limit === null) await writable(hc);
      else {
        const created = await ticketsThisMonth(sqlFor(hc.em), hc.workspaceId, clock.now());
        await entitlements.assertLimit(hc.scope, hc.workspaceId, 'ticketsPerMonth', created + 1);
      }
      return draft;
    });
    ctx.hooks.tap('message.beforeSend', async (draft, hc) => (await writable(hc), draft));
    ctx.hooks.tap('note.beforeCreate', async (draft, hc) => (await writable(hc), draft));

    ctx.job<{ workspaceId: string }>(SEAT_SYNC_JOB.slice('billing.'.length), syncSeats, {
      retryLimit: 8,
    });
    ctx.job<{ workspaceId: string; trialEnd: string }>(
      NOTICE_JOB.slice('billing.'.length),
      trialNotice,
    );
    ctx.job('sweep', (_data, scope) => sweep(scope, options), { cron: options.sweepCron });
  },
});
