/**
 * `billingService`: the one way providers change a workspace's subscription. It runs in the
 * caller's workspace transaction (a request's, or a job's), stores the new state, and in the
 * same transaction records the audit events, the domain events (`billing.*`, delivered to
 * outgoing webhooks) and the notices, so a rolled-back change leaves no trace anywhere.
 */
import type { AwilixContainer } from 'awilix';
import type { RequestCradle } from '../kernel/contract.js';
import { sqlFor } from '../identity/db.js';
import type { BillingNoticeKind, SubscriptionState, SubscriptionUpdate } from './contract.js';
import type { EntitlementsService } from './entitlements.js';
import { sendNotice } from './notices.js';
import type { BillingProviderRegistry } from './registry.js';
import { deleteSubscription, findSubscription, markNotice, upsertSubscription } from './store.js';

type Scope = AwilixContainer<RequestCradle>;

const OVERDUE = new Set(['past_due', 'unpaid']);

export interface ApplyResult {
  previous: SubscriptionState | null;
  current: SubscriptionState;
  changed: { plan: boolean; status: boolean; seats: boolean };
}

export class BillingService {
  constructor(
    private readonly deps: {
      billingProviders: BillingProviderRegistry;
      entitlements: EntitlementsService;
      graceDays: number;
    },
  ) {}

  /** The workspace's subscription, or null (read in the scope's transaction). */
  async subscription(scope: Scope, workspaceId: string): Promise<SubscriptionState | null> {
    const found = await findSubscription(sqlFor(scope.cradle.em), workspaceId);
    if (!found) return null;
    const { notices: _notices, ...state } = found;
    return state;
  }

  /** Stores what the provider reports, with events, audit and notices for what changed. */
  async apply(
    scope: Scope,
    workspaceId: string,
    providerId: string,
    update: SubscriptionUpdate,
  ): Promise<ApplyResult> {
    const { em, clock, events, identity, actor, requestId } = scope.cradle;
    const sql = sqlFor(em);
    const now = clock.now();
    const previous = await findSubscription(sql, workspaceId, { lock: true });
    const pastDueSince = OVERDUE.has(update.status)
      ? previous && OVERDUE.has(previous.status) && previous.pastDueSince
        ? new Date(previous.pastDueSince)
        : now
      : null;
    await upsertSubscription(sql, workspaceId, providerId, update, pastDueSince, now);
    const current = (await findSubscription(sql, workspaceId))!;
    this.deps.entitlements.invalidate(workspaceId);

    const changed = {
      plan: previous?.planId !== current.planId,
      status: previous?.status !== current.status,
      seats: previous !== null && previous.seats !== current.seats,
    };
    const meta = { workspaceId, actor, requestId };
    const source = { actor: actor ? { kind: actor.kind, id: actor.id } : null };
    if (changed.plan || changed.status) {
      events.record(
        em,
        'billing.subscription_changed',
        {
          providerId,
          planId: current.planId,
          status: current.status,
          previousPlanId: previous?.planId ?? null,
          previousStatus: previous?.status ?? null,
        },
        meta,
      );
    }
    if (changed.plan) {
      events.record(
        em,
        'billing.plan_changed',
        { providerId, planId: current.planId, previousPlanId: previous?.planId ?? null },
        meta,
      );
      await identity.audit.record(
        {
          action: 'billing_plan_changed',
          workspaceId,
          ...source,
          target: { type: 'subscription', id: workspaceId },
          metadata: { providerId, from: previous?.planId ?? null, to: current.planId },
        },
        sql,
      );
    }
    if (changed.status) {
      await identity.audit.record(
        {
          action: 'billing_status_changed',
          workspaceId,
          ...source,
          target: { type: 'subscription', id: workspaceId },
          metadata: { providerId, from: previous?.status ?? null, to: current.status },
        },
        sql,
      );
    }
    if (changed.seats) {
      events.record(
        em,
        'billing.seats_changed',
        { providerId, seats: current.seats, previousSeats: previous?.seats ?? null },
        meta,
      );
      await identity.audit.record(
        {
          action: 'billing_seats_changed',
          workspaceId,
          ...source,
          target: { type: 'subscription', id: workspaceId },
          metadata: { providerId, from: previous?.seats ?? null, to: current.seats },
        },
        sql,
      );
      await this.notify(
        scope,
        workspaceId,
        'seats_changed',
        `${current.seats}@${now.toISOString()}`,
      );
    }
    if (changed.status && current.status === 'canceled') {
      await this.notify(scope, workspaceId, 'canceled', current.canceledAt ?? now.toISOString());
    }
    return { previous, current, changed };
  }

  /** Back to the default plan (the manual provider's "remove"); true when there was one. */
  async remove(scope: Scope, workspaceId: string): Promise<boolean> {
    const removed = await deleteSubscription(sqlFor(scope.cradle.em), workspaceId);
    this.deps.entitlements.invalidate(workspaceId);
    return removed;
  }

  /** A failed payment: domain and audit event, and the dunning notice with the portal link. */
  async paymentFailed(
    scope: Scope,
    workspaceId: string,
    providerId: string,
    invoiceId: string | null,
    portalUrl?: string,
  ): Promise<void> {
    const { em, events, identity, actor, requestId } = scope.cradle;
    events.record(
      em,
      'billing.payment_failed',
      { providerId, invoiceId },
      { workspaceId, actor, requestId },
    );
    await identity.audit.record(
      {
        action: 'billing_payment_failed',
        workspaceId,
        target: { type: 'invoice', id: invoiceId ?? 'unknown' },
        metadata: { providerId },
      },
      sqlFor(em),
    );
    await this.notify(scope, workspaceId, 'payment_failed', invoiceId ?? 'unknown', {
      ...(portalUrl ? { portalUrl } : {}),
    });
  }

  async paymentSucceeded(
    scope: Scope,
    workspaceId: string,
    providerId: string,
    invoiceId: string | null,
  ): Promise<void> {
    const { em, events, actor, requestId } = scope.cradle;
    events.record(
      em,
      'billing.payment_succeeded',
      { providerId, invoiceId },
      { workspaceId, actor, requestId },
    );
  }

  /**
   * Sends a notice once per `key` (an invoice id, a trial's end): a redelivered webhook or a
   * second sweep does not send it again. Returns whether it was sent now.
   */
  async notify(
    scope: Scope,
    workspaceId: string,
    kind: BillingNoticeKind,
    key: string,
    vars: Record<string, string> = {},
  ): Promise<boolean> {
    const sql = sqlFor(scope.cradle.em);
    const subscription = await findSubscription(sql, workspaceId);
    if (subscription?.notices[kind] === key) return false;
    const provider = subscription
      ? this.deps.billingProviders.get(subscription.providerId)
      : undefined;
    const plan = subscription ? this.deps.billingProviders.plan(subscription.planId) : undefined;
    const graceUntil =
      subscription?.pastDueSince &&
      new Date(
        Date.parse(subscription.pastDueSince) + this.deps.graceDays * 24 * 3600 * 1000,
      ).toISOString();
    const sent = await sendNotice(
      scope,
      workspaceId,
      kind,
      {
        plan: plan?.name ?? subscription?.planId ?? '',
        seats: String(subscription?.seats ?? ''),
        status: subscription?.status ?? '',
        date: (kind === 'payment_failed' ? graceUntil : subscription?.trialEnd) || key,
        ...vars,
      },
      provider?.notices,
    );
    if (subscription) await markNotice(sql, workspaceId, kind, key);
    return sent;
  }
}
