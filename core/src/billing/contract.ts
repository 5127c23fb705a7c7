/**
 * The billing contract: what a billing provider plugin (Stripe, manual invoicing, Paddle, …)
 * implements, the plans an operator sells, the subscription state the core keeps per workspace,
 * and the entitlements the rest of the code asks about. No processor code lives in the core:
 * providers add themselves to the `billingProviders` registry and write subscription state
 * through the `billing` service (`service.ts`).
 */
import type { AwilixContainer } from 'awilix';
import type { AsyncSeriesBailHook, AsyncSeriesWaterfallHook } from 'tapable';
import type { HookContext, RequestCradle } from '../kernel/contract.js';

/** The states a subscription can be in (Stripe's vocabulary, which other processors map onto). */
export const SUBSCRIPTION_STATUSES = [
  'trialing',
  'active',
  'past_due',
  'unpaid',
  'canceled',
  'incomplete',
  'paused',
] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/**
 * Limits a plan sets. `null` (or an absent key) is unlimited. The core enforces `seats` (agents:
 * members whose role may write tickets, plus pending invitations to such roles) and `inboxes`;
 * plugins may define and enforce their own keys (`ticketsPerMonth`, `emailsPerMonth`, …).
 */
export type PlanLimits = Record<string, number | null>;

/** A plan an operator sells. Prices are integer minor units (cents) per seat and interval. */
export interface PlanDefinition {
  /** kebab-case, unique across providers: `starter`, `pro`, `self-hosted`. */
  id: string;
  name: string;
  /** ISO 4217, lower case: `eur`, `usd`. */
  currency: string;
  /** Price per seat per interval, in minor units (1900 = 19.00). 0 for a free plan. */
  unitAmount: number;
  interval: 'month' | 'year';
  trialDays: number;
  /** Features the plan unlocks (`analytics`, `knowledge-base`, …); `*` unlocks every feature. */
  features: readonly string[];
  limits: PlanLimits;
}

/** What the core stores about one workspace's subscription (one per workspace). */
export interface SubscriptionState {
  workspaceId: string;
  providerId: string;
  planId: string;
  status: SubscriptionStatus;
  /** Billed quantity (seats). */
  seats: number;
  externalCustomerId: string | null;
  externalSubscriptionId: string | null;
  currentPeriodStart: string | null;
  currentPeriodEnd: string | null;
  trialEnd: string | null;
  cancelAtPeriodEnd: boolean;
  /** When the subscription became past_due/unpaid (grace runs from here); null otherwise. */
  pastDueSince: string | null;
  canceledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What a provider reports; `apply()` turns it into the stored state (and events, notices). */
export interface SubscriptionUpdate {
  planId: string;
  status: SubscriptionStatus;
  seats: number;
  externalCustomerId?: string | null;
  externalSubscriptionId?: string | null;
  currentPeriodStart?: Date | null;
  currentPeriodEnd?: Date | null;
  trialEnd?: Date | null;
  cancelAtPeriodEnd?: boolean;
  canceledAt?: Date | null;
}

/** The answer to "what may this workspace do": resolved per workspace, briefly cached. */
export interface Entitlements {
  /** `unlimited`: no provider (self-hosted without billing); `plan`: from a plan. */
  source: 'unlimited' | 'plan';
  providerId: string | null;
  planId: string | null;
  status: SubscriptionStatus | 'none';
  /** `*` = every feature. */
  features: readonly string[];
  /** Absent or null = unlimited. */
  limits: PlanLimits;
  /** Reads and exports only: past_due beyond the grace period, unpaid, canceled, paused. */
  readOnly: boolean;
  readOnlyReason: string | null;
  /** While past_due: until when the workspace keeps working normally. */
  graceUntil: string | null;
}

export interface CheckoutInput {
  workspaceId: string;
  plan: PlanDefinition;
  /** Billed seats to start with (the workspace's current agents, at least 1). */
  seats: number;
  successUrl: string;
  cancelUrl: string;
  subscription: SubscriptionState | null;
  contact: { name: string | null; email: string | null } | null;
}

export interface ProviderCallContext {
  scope: AwilixContainer<RequestCradle>;
}

/** An invoice as the provider reports it (the core stores none). */
export interface ProviderInvoice {
  id: string;
  number: string | null;
  status: string;
  currency: string;
  /** Minor units. */
  total: number;
  createdAt: string;
  url: string | null;
}

/**
 * A billing provider. Required: `id`, `displayName`, `plans`. The rest are optional
 * capabilities; a route needing one the workspace's provider lacks answers 409
 * `billing_not_supported`.
 */
export interface BillingProvider {
  /** kebab-case, unique: `stripe`, `manual`. Stored on the workspace's subscription. */
  id: string;
  displayName: string;
  plans: readonly PlanDefinition[];
  /**
   * `sync`: billed seats follow the workspace's agents (the provider prorates), the limit is the
   * plan's. `fixed`: the seats bought are the limit (manual invoicing).
   */
  seatMode: 'sync' | 'fixed';
  /**
   * What a workspace without a subscription gets from this provider: a plan (the self-hosted
   * plan, a free tier) or a trial of one counted from the workspace's creation. The first
   * registered provider with a default decides.
   */
  defaultPlan?: { planId: string; trial?: boolean };
  /** A hosted checkout page (sign-up, upgrade): returns the URL to send the browser to. */
  createCheckout?(input: CheckoutInput, ctx: ProviderCallContext): Promise<{ url: string }>;
  /** The processor's self-service portal (payment methods, invoices). */
  openPortal?(
    input: { subscription: SubscriptionState; returnUrl: string },
    ctx: ProviderCallContext,
  ): Promise<{ url: string }>;
  /** Pushes the billed quantity (called after commit, from a job, when agents change). */
  syncSeats?(
    input: { subscription: SubscriptionState; seats: number },
    ctx: ProviderCallContext,
  ): Promise<void>;
  /** Cancels at the end of the period. */
  cancel?(input: { subscription: SubscriptionState }, ctx: ProviderCallContext): Promise<void>;
  listInvoices?(
    input: { subscription: SubscriptionState },
    ctx: ProviderCallContext,
  ): Promise<ProviderInvoice[]>;
  /** Templates that override the core's notice texts (operator options of the provider). */
  notices?: Partial<Record<BillingNoticeKind, NoticeTemplate>>;
}

export type BillingNoticeKind = 'trial_ending' | 'payment_failed' | 'canceled' | 'seats_changed';

/** `{{name}}` placeholders: workspace, plan, seats, status, date, portalUrl, billingUrl. */
export interface NoticeTemplate {
  subject: string;
  text: string;
}

export interface BillingNotice {
  kind: BillingNoticeKind;
  to: string[];
  subject: string;
  text: string;
  workspaceId: string;
}

declare module '../kernel/hooks/registry.js' {
  interface HookRegistry {
    'billing.resolveEntitlements': AsyncSeriesBailHook<
      [{ workspaceId: string; computed: Entitlements }, HookContext],
      Entitlements | undefined
    >;
    'billing.beforeNotice': AsyncSeriesWaterfallHook<[BillingNotice, HookContext], BillingNotice>;
  }
}

declare module '../events/event-bus.js' {
  interface EventMap {
    'billing.subscription_changed': {
      providerId: string;
      planId: string;
      status: SubscriptionStatus;
      previousPlanId: string | null;
      previousStatus: SubscriptionStatus | null;
    };
    'billing.plan_changed': { providerId: string; planId: string; previousPlanId: string | null };
    'billing.seats_changed': { providerId: string; seats: number; previousSeats: number | null };
    'billing.payment_failed': { providerId: string; invoiceId: string | null };
    'billing.payment_succeeded': { providerId: string; invoiceId: string | null };
    /** Agents were added or removed: the seat-sync subscriber pushes the count to the provider. */
    'billing.usage_changed': { key: 'seats' | 'inboxes' };
  }
}
