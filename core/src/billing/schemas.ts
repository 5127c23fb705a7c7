/** Request and response schemas of the billing routes (named once in the OpenAPI document). */
import { z } from 'zod';
import { SUBSCRIPTION_STATUSES } from './contract.js';

const Limits = z.record(z.string(), z.number().int().nullable());

export const EntitlementsOut = z
  .object({
    source: z.enum(['unlimited', 'plan']),
    providerId: z.string().nullable(),
    planId: z.string().nullable(),
    status: z.enum([...SUBSCRIPTION_STATUSES, 'none']),
    features: z.array(z.string()),
    limits: Limits,
    readOnly: z.boolean(),
    readOnlyReason: z.string().nullable(),
    graceUntil: z.string().nullable(),
    usage: z.object({
      seats: z.number().int().describe('Agents plus pending invitations to agent roles'),
      inboxes: z.number().int(),
    }),
    overage: z
      .array(z.object({ limit: z.string(), allowed: z.number().int(), used: z.number().int() }))
      .describe('Limits the workspace is above (after a downgrade made at the processor)'),
  })
  .meta({ id: 'BillingEntitlements' });

export const PlanOut = z
  .object({
    id: z.string(),
    name: z.string(),
    providerId: z.string(),
    currency: z.string(),
    unitAmount: z.number().int().describe('Price per seat and interval in minor units'),
    interval: z.enum(['month', 'year']),
    trialDays: z.number().int(),
    features: z.array(z.string()),
    limits: Limits,
  })
  .meta({ id: 'BillingPlan' });

export const SubscriptionOut = z
  .object({
    providerId: z.string(),
    planId: z.string(),
    status: z.enum(SUBSCRIPTION_STATUSES),
    seats: z.number().int(),
    currentPeriodStart: z.string().nullable(),
    currentPeriodEnd: z.string().nullable(),
    trialEnd: z.string().nullable(),
    cancelAtPeriodEnd: z.boolean(),
    pastDueSince: z.string().nullable(),
    canceledAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'BillingSubscription' });

export const BillingOverviewOut = z
  .object({
    subscription: SubscriptionOut.nullable(),
    plan: PlanOut.nullable(),
    entitlements: EntitlementsOut,
    capabilities: z.object({
      checkout: z.boolean(),
      portal: z.boolean(),
      invoices: z.boolean(),
    }),
  })
  .meta({ id: 'BillingOverview' });

const text = (max: number) => z.string().trim().min(1).max(max).nullable();

export const ContactBody = z
  .strictObject({
    name: text(200),
    email: z.email().max(254).nullable(),
    address: z.strictObject({
      line1: text(200),
      line2: text(200),
      postalCode: text(32),
      city: text(100),
      region: text(100),
      country: z
        .string()
        .regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as DE')
        .nullable(),
    }),
    vatId: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9 .-]{2,32}$/)
      .nullable(),
  })
  .meta({ id: 'BillingContactInput' });

export const ContactOut = z
  .object({
    name: z.string().nullable(),
    email: z.string().nullable(),
    address: z.object({
      line1: z.string().nullable(),
      line2: z.string().nullable(),
      postalCode: z.string().nullable(),
      city: z.string().nullable(),
      region: z.string().nullable(),
      country: z.string().nullable(),
    }),
    vatId: z.string().nullable(),
    updatedAt: z.string(),
  })
  .meta({ id: 'BillingContact' });

export const CheckoutBody = z
  .strictObject({ planId: z.string().min(1).max(64) })
  .meta({ id: 'BillingCheckoutInput' });
export const RedirectOut = z.object({ url: z.url() }).meta({ id: 'BillingRedirect' });

export const InvoiceOut = z
  .object({
    id: z.string(),
    number: z.string().nullable(),
    status: z.string(),
    currency: z.string(),
    total: z.number().int(),
    createdAt: z.string(),
    url: z.string().nullable(),
  })
  .meta({ id: 'BillingInvoice' });

export const OperatorQuery = z.object({
  status: z.enum(SUBSCRIPTION_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const OperatorSubscriptionPage = z
  .object({
    data: z.array(
      SubscriptionOut.extend({ workspaceId: z.string(), workspaceName: z.string().nullable() }),
    ),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'BillingOperatorSubscriptionPage' });

export const OperatorSummaryOut = z
  .object({
    byStatus: z.record(z.string(), z.number().int()),
    mrr: z
      .array(z.object({ currency: z.string(), amount: z.number().int() }))
      .describe('Monthly recurring revenue in minor units per currency (yearly plans / 12)'),
    unknownPlans: z.number().int(),
  })
  .meta({ id: 'BillingOperatorSummary' });
