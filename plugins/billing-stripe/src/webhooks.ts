/**
 * Webhook ingestion: `POST /api/p/billing-stripe/webhooks`.
 *
 * 1. The raw body's `Stripe-Signature` is verified with the endpoint secret and a timestamp
 *    tolerance (the Stripe library's own check); a bad, missing or stale signature answers 400
 *    and stores nothing.
 * 2. The event is stored, and its processing job queued, in one transaction: accepted = stored.
 *    The same event id again stores nothing and queues nothing (idempotent by event id).
 * 3. The job (`billing-stripe.process-event`) re-fetches the subscription from Stripe rather than
 *    trusting the event's copy, so events arriving out of order (an `updated` before its
 *    `created`, a stale `updated` after a `deleted`) all converge on Stripe's current state.
 *    A crash after storing leaves the job queued; it runs after the restart. A processed event
 *    is marked, and its payload dropped.
 */
import type { AwilixContainer } from 'awilix';
import type Stripe from 'stripe';
import {
  defineRoute,
  errors,
  inWorkspaceScope,
  type RequestCradle,
  type RouteDefinition,
} from '@novumdesk/core';
import { z } from 'zod';
import type { StripeBillingOptions } from './options.js';
import { STRIPE_PROVIDER_ID, toUpdate } from './provider.js';

export const PROCESS_JOB = 'billing-stripe.process-event';

export const HANDLED_EVENTS = new Set([
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.paid',
  'invoice.payment_failed',
  'customer.updated',
]);

type Scope = AwilixContainer<RequestCradle>;
type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const sqlOf =
  (scope: Scope) =>
  (text: string, params: readonly unknown[] = []) =>
    scope.cradle.em.execute<Row[]>(text, [...params]);

export function webhookRoute(stripe: Stripe, options: StripeBillingOptions): RouteDefinition {
  return defineRoute({
    method: 'post',
    path: '/webhooks',
    operationId: 'billingStripeWebhook',
    summary: 'Stripe webhook endpoint (signed with the endpoint secret)',
    tags: ['billing'],
    access: 'public',
    tenancy: 'none',
    responses: {
      200: { description: 'Stored (or seen before)', schema: z.object({ received: z.boolean() }) },
      400: { description: 'Missing, invalid or stale signature (`invalid_signature`)' },
    },
    async handler({ koa, scope }) {
      const signature = koa.get('stripe-signature');
      const raw = (koa.request as unknown as { rawBody?: string }).rawBody;
      if (!signature || typeof raw !== 'string') {
        throw errors.badRequest('invalid_signature', 'A signed Stripe event is required');
      }
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(
          raw,
          signature,
          options.webhookSecret,
          options.toleranceSeconds,
        );
      } catch {
        throw errors.badRequest('invalid_signature', 'The Stripe signature does not verify');
      }
      const { em, jobs, clock } = scope.cradle;
      const stored = await em.transactional(async (tx) => {
        const rows = await tx.execute<Row[]>(
          `insert into billing_stripe_event (id, type, created, payload, received_at)
           values (?, ?, ?, ?::jsonb, ?) on conflict (id) do nothing returning id`,
          [event.id, event.type, new Date(event.created * 1000), raw, clock.now()],
        );
        if (rows.length === 0) return false;
        await jobs.send(PROCESS_JOB, { eventId: event.id }, { em: tx });
        return true;
      });
      if (stored) jobs.wake(PROCESS_JOB);
      return { received: true };
    },
  });
}

/** Finds the workspace of a Stripe object: our customer map, else the metadata we set. */
async function workspaceOf(scope: Scope, customer: string | null, metadata?: Row | null) {
  if (customer) {
    const [row] = await sqlOf(scope)(
      'select workspace_id from billing_stripe_customer where customer_id = ?',
      [customer],
    );
    if (row) return row.workspace_id as string;
  }
  const fromMetadata = metadata?.workspace_id as string | undefined;
  return fromMetadata ?? null;
}

const idOf = (value: unknown): string | null =>
  typeof value === 'string' ? value : ((value as { id?: string } | null)?.id ?? null);

export async function processEvent(
  data: { eventId: string },
  scope: Scope,
  stripe: Stripe,
  options: StripeBillingOptions,
): Promise<void> {
  const sql = sqlOf(scope);
  const [row] = await sql('select * from billing_stripe_event where id = ?', [data.eventId]);
  if (!row || row.status === 'processed' || row.status === 'ignored') return;
  await sql('update billing_stripe_event set attempts = attempts + 1 where id = ?', [data.eventId]);
  const event = (
    typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload
  ) as Stripe.Event;
  const object = event.data.object as unknown as Row;
  const finish = async (status: 'processed' | 'ignored', workspaceId: string | null) => {
    await sql(
      `update billing_stripe_event set status = ?, workspace_id = ?, processed_at = ?, payload = null, error = null
        where id = ?`,
      [status, workspaceId, scope.cradle.clock.now(), data.eventId],
    );
  };
  if (!HANDLED_EVENTS.has(event.type)) return finish('ignored', null);

  const customer = idOf(object.customer) ?? (event.type === 'customer.updated' ? object.id : null);
  let workspaceId = await workspaceOf(
    scope,
    customer,
    (object.metadata as Row | undefined) ??
      (object.client_reference_id ? { workspace_id: object.client_reference_id } : null),
  );
  if (!workspaceId && event.type === 'checkout.session.completed')
    workspaceId = object.client_reference_id ?? null;
  if (!workspaceId) return finish('ignored', null);

  // The subscription the event is about, as Stripe has it now (out-of-order safe).
  const subscriptionId = event.type.startsWith('customer.subscription.')
    ? (object.id as string)
    : event.type === 'checkout.session.completed'
      ? idOf(object.subscription)
      : event.type.startsWith('invoice.')
        ? idOf(object.parent?.subscription_details?.subscription ?? object.subscription)
        : null;
  const subscription = subscriptionId ? await stripe.subscriptions.retrieve(subscriptionId) : null;
  const portalUrl =
    event.type === 'invoice.payment_failed' && customer
      ? (
          await stripe.billingPortal.sessions.create({
            customer,
            return_url: `${(scope.cradle.config.publicUrl ?? `http://${scope.cradle.config.host}:${scope.cradle.config.port}`).replace(/\/$/, '')}/admin/settings/billing`,
          })
        ).url
      : undefined;

  const ws = workspaceId;
  await inWorkspaceScope(scope, ws, async () => {
    const { billingService, clock } = scope.cradle;
    if (customer && event.type === 'checkout.session.completed') {
      await scope.cradle.em.execute(
        'insert into billing_stripe_customer (customer_id, workspace_id, created_at) values (?, ?, ?) on conflict do nothing',
        [customer, ws, clock.now()],
      );
    }
    if (subscription) {
      const update = toUpdate(subscription, options);
      if (update) await billingService.apply(scope, ws, STRIPE_PROVIDER_ID, update);
    }
    if (event.type === 'invoice.payment_failed') {
      await billingService.paymentFailed(
        scope,
        ws,
        STRIPE_PROVIDER_ID,
        object.id ?? null,
        portalUrl,
      );
    } else if (event.type === 'invoice.paid') {
      await billingService.paymentSucceeded(scope, ws, STRIPE_PROVIDER_ID, object.id ?? null);
    } else if (event.type === 'customer.updated') {
      // The customer changed their details in the portal: keep the billing contact in step.
      await scope.cradle.em.execute(
        `update billing_contact set email = coalesce(?, email), name = coalesce(?, name), updated_at = ?
          where workspace_id = ?`,
        [object.email ?? null, object.name ?? null, clock.now(), ws],
      );
    }
  });
  await finish('processed', ws);
}
