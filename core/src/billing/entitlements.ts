/**
 * The entitlements service (`entitlements` in the container): what the rest of the code asks.
 *
 *   await entitlements.can(scope, workspaceId, 'analytics')       // boolean
 *   await entitlements.limit(scope, workspaceId, 'seats')         // number, or null = unlimited
 *   await entitlements.assertLimit(scope, workspaceId, 'inboxes', wanted)  // 402 PLAN_LIMIT_REACHED
 *   await entitlements.assertFeature(scope, workspaceId, 'analytics')      // 403 PLAN_FEATURE_UNAVAILABLE
 *   await entitlements.assertWritable(scope, workspaceId)                  // 402 SUBSCRIPTION_READ_ONLY
 *
 * Resolution: the workspace's subscription row and its plan (or the default provider's plan for
 * a workspace without one; unlimited when no provider is loaded), then the
 * `billing.resolveEntitlements` bail hook, whose first answer replaces the computed one. The
 * answer is cached per workspace for a few seconds (`cacheSeconds`), and dropped when this
 * process changes the subscription, so the check on hot paths (creating a ticket) is usually a
 * map lookup. Other processes see a change after at most `cacheSeconds`.
 */
import type { AwilixContainer } from 'awilix';
import type { RequestCradle } from '../kernel/contract.js';
import { NovumError } from '../kernel/errors.js';
import type { Clock } from '../kernel/clock.js';
import type { HookRegistry } from '../kernel/hooks/registry.js';
import { sqlFor, type Sql } from '../identity/db.js';
import type { Entitlements, PlanDefinition, SubscriptionState } from './contract.js';
import type { BillingProviderRegistry } from './registry.js';
import { findSubscription, workspaceInfo } from './store.js';

export const UNLIMITED: Entitlements = Object.freeze({
  source: 'unlimited',
  providerId: null,
  planId: null,
  status: 'none',
  features: Object.freeze(['*']),
  limits: Object.freeze({}),
  readOnly: false,
  readOnlyReason: null,
  graceUntil: null,
}) as Entitlements;

const DAY_MS = 24 * 3600 * 1000;

export interface EntitlementsOptions {
  graceDays: number;
  cacheSeconds: number;
}

type Scope = AwilixContainer<RequestCradle>;

export class EntitlementsService {
  private readonly cache = new Map<string, { value: Entitlements; expires: number }>();

  constructor(
    private readonly deps: {
      billingProviders: BillingProviderRegistry;
      hooks: Readonly<HookRegistry>;
      clock: Clock;
      options: EntitlementsOptions;
    },
  ) {}

  /** The workspace's entitlements, read in the scope's transaction (cached briefly). */
  async get(scope: Scope, workspaceId: string): Promise<Entitlements> {
    const hit = this.cache.get(workspaceId);
    const now = Date.now();
    if (hit && hit.expires > now) return hit.value;
    const value = await this.resolve(scope, workspaceId);
    if (this.deps.options.cacheSeconds > 0)
      this.cache.set(workspaceId, { value, expires: now + this.deps.options.cacheSeconds * 1000 });
    return value;
  }

  /** Forget the cached answer (called when this process changes a subscription). */
  invalidate(workspaceId?: string): void {
    if (workspaceId) this.cache.delete(workspaceId);
    else this.cache.clear();
  }

  async can(scope: Scope, workspaceId: string, feature: string): Promise<boolean> {
    return hasFeature(await this.get(scope, workspaceId), feature);
  }

  /** The limit for `key`: a number, or null for unlimited. */
  async limit(scope: Scope, workspaceId: string, key: string): Promise<number | null> {
    return (await this.get(scope, workspaceId)).limits[key] ?? null;
  }

  /** 402 `PLAN_LIMIT_REACHED` when `wanted` (the count after the change) exceeds the limit. */
  async assertLimit(scope: Scope, workspaceId: string, key: string, wanted: number): Promise<void> {
    const entitlements = await this.get(scope, workspaceId);
    this.assertNotReadOnly(entitlements);
    const limit = entitlements.limits[key] ?? null;
    if (limit !== null && wanted > limit) {
      throw new NovumError(
        'PLAN_LIMIT_REACHED',
        `The plan allows ${limit} ${key}; this would make ${wanted}. Upgrade the plan or free some first.`,
        {
          status: 402,
          details: { limit: key, allowed: limit, wanted, planId: entitlements.planId },
        },
      );
    }
  }

  /** 403 `PLAN_FEATURE_UNAVAILABLE` when the plan does not include `feature`. */
  async assertFeature(scope: Scope, workspaceId: string, feature: string): Promise<void> {
    const entitlements = await this.get(scope, workspaceId);
    if (!hasFeature(entitlements, feature)) {
      throw new NovumError('PLAN_FEATURE_UNAVAILABLE', `The plan does not include "${feature}"`, {
        status: 403,
        details: { feature, planId: entitlements.planId },
      });
    }
  }

  /** 402 `SUBSCRIPTION_READ_ONLY` when the workspace may only read and export. */
  async assertWritable(scope: Scope, workspaceId: string): Promise<void> {
    this.assertNotReadOnly(await this.get(scope, workspaceId));
  }

  private assertNotReadOnly(entitlements: Entitlements): void {
    if (!entitlements.readOnly) return;
    throw new NovumError(
      'SUBSCRIPTION_READ_ONLY',
      'The workspace is read-only until its subscription is settled: reading and exporting still work',
      {
        status: 402,
        details: { reason: entitlements.readOnlyReason, status: entitlements.status },
      },
    );
  }

  private async resolve(scope: Scope, workspaceId: string): Promise<Entitlements> {
    const { em, actor, requestId } = scope.cradle;
    const computed = await this.compute(sqlFor(em), workspaceId);
    const answer = await this.deps.hooks['billing.resolveEntitlements'].promise(
      { workspaceId, computed },
      { em, scope, actor, workspaceId, requestId },
    );
    return answer ?? computed;
  }

  /** From the stored subscription and its plan, without the hook and the cache. */
  async compute(sql: Sql, workspaceId: string): Promise<Entitlements> {
    const { billingProviders } = this.deps;
    if (billingProviders.empty) return UNLIMITED;
    const subscription = await findSubscription(sql, workspaceId);
    if (subscription) return this.fromSubscription(subscription);
    const fallback = billingProviders.defaultProvider();
    if (!fallback?.defaultPlan) return UNLIMITED;
    const plan = billingProviders.plan(fallback.defaultPlan.planId)!;
    if (!fallback.defaultPlan.trial || plan.trialDays <= 0) {
      return fromPlan(plan, fallback.id, 'active', null, false, null);
    }
    // A trial counted from the workspace's creation; afterwards read-only until it subscribes.
    const workspace = await workspaceInfo(sql, workspaceId);
    const trialEnd = (workspace?.createdAt.getTime() ?? 0) + plan.trialDays * DAY_MS;
    const over = this.deps.clock.now().getTime() > trialEnd;
    return fromPlan(plan, fallback.id, 'trialing', null, over, over ? 'trial_ended' : null);
  }

  private fromSubscription(s: SubscriptionState): Entitlements {
    const { billingProviders, clock, options } = this.deps;
    const plan = billingProviders.plan(s.planId);
    const provider = billingProviders.get(s.providerId);
    const now = clock.now().getTime();
    let readOnly = false;
    let reason: string | null = null;
    let graceUntil: string | null = null;
    if (s.status === 'past_due') {
      const since = s.pastDueSince ? Date.parse(s.pastDueSince) : now;
      const until = since + options.graceDays * DAY_MS;
      graceUntil = new Date(until).toISOString();
      if (now > until) [readOnly, reason] = [true, 'payment_overdue'];
    } else if (s.status === 'unpaid') [readOnly, reason] = [true, 'payment_overdue'];
    else if (s.status === 'canceled') [readOnly, reason] = [true, 'subscription_canceled'];
    else if (s.status === 'paused') [readOnly, reason] = [true, 'subscription_paused'];
    if (!plan) {
      // The operator removed the plan from the catalog: keep the workspace working, unlimited.
      return {
        ...UNLIMITED,
        source: 'plan',
        providerId: s.providerId,
        planId: s.planId,
        status: s.status,
        readOnly,
        readOnlyReason: reason,
        graceUntil,
      };
    }
    const entitlements = fromPlan(plan, s.providerId, s.status, graceUntil, readOnly, reason);
    if (provider?.seatMode === 'fixed') {
      const planSeats = plan.limits.seats ?? null;
      entitlements.limits = {
        ...entitlements.limits,
        seats: planSeats === null ? s.seats : Math.min(planSeats, s.seats),
      };
    }
    return entitlements;
  }
}

function fromPlan(
  plan: PlanDefinition,
  providerId: string,
  status: Entitlements['status'],
  graceUntil: string | null,
  readOnly: boolean,
  readOnlyReason: string | null,
): Entitlements {
  return {
    source: 'plan',
    providerId,
    planId: plan.id,
    status,
    features: [...plan.features],
    limits: { ...plan.limits },
    readOnly,
    readOnlyReason,
    graceUntil,
  };
}

export function hasFeature(entitlements: Entitlements, feature: string): boolean {
  return entitlements.features.includes('*') || entitlements.features.includes(feature);
}
