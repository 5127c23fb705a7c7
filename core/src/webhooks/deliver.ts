/**
 * Fan-out and delivery.
 *
 * `fanout` is an event subscriber (`*`): it runs in the event's workspace transaction, inserts one
 * pending attempt per matching subscription and enqueues `webhooks.deliver` in that same
 * transaction (atomic: both or neither).
 *
 * `deliver` carries `{ deliveryId, workspace }` — deliberately no top-level `workspaceId`, so the
 * kernel does not wrap the job in a workspace transaction: the HTTP call must not run while a
 * transaction (in embedded mode, the only database session) is open. It opens two short
 * transactions itself, one to load (and, on a retry, add the next attempt row), one to record
 * the outcome, and posts in between. A failed attempt throws, so the job queue retries it with
 * exponential backoff; each retry is a new attempt row; after the last one the job is
 * dead-lettered and the newest row stays `failed`.
 */
import type { AwilixContainer } from 'awilix';
import type { RequestCradle } from '../kernel/contract.js';
import type { EventEnvelope } from '../events/event-bus.js';
import { sqlFor } from '../identity/db.js';
import { withWorkspace } from '../tenancy/index.js';
import { isProcessingAllowed } from '../processing/processing.js';
import { insertAttempt, matchingSubscriptions, nextAttempt } from './store.js';
import { messageId, signedHeaders } from './signing.js';
import { assertPublicTarget } from './targets.js';
import type { WebhooksOptions } from './options.js';

export const DELIVER_JOB = 'webhooks.deliver';

export interface DeliverJobData {
  deliveryId: string;
  /** The workspace (not `workspaceId`: see the module comment). */
  workspace: string;
}

/** Subscriber body: runs inside the event's workspace transaction (scope `em`). */
export async function fanout(
  envelope: EventEnvelope,
  scope: AwilixContainer<RequestCradle>,
): Promise<void> {
  const workspaceId = envelope.workspaceId;
  if (!workspaceId) return;
  const { em, jobs, clock } = scope.cradle;
  const sql = sqlFor(em);
  const now = clock.now();
  const subscriptions = await matchingSubscriptions(sql, workspaceId, envelope.name);
  if (subscriptions.length === 0) return;
  // An event about a contact whose processing is restricted, or who objected to webhooks, is
  // not sent to integrations (docs/privacy.md).
  const subject = await eventSubject(sql, workspaceId, envelope.payload);
  if (
    subject &&
    !(await isProcessingAllowed(scope, { workspaceId, subject, purpose: 'webhooks' }))
  ) {
    return;
  }
  for (const subscriptionId of subscriptions) {
    const deliveryId = await insertAttempt(
      sql,
      workspaceId,
      { subscriptionId, eventId: envelope.id, eventName: envelope.name, attempt: 1 },
      now,
    );
    if (!deliveryId) continue;
    const data: DeliverJobData = { deliveryId, workspace: workspaceId };
    await jobs.send(DELIVER_JOB, data, { em });
  }
}

/** The contact an event is about: its `contactId`, or the requester of its `ticketId`. */
async function eventSubject(
  sql: ReturnType<typeof sqlFor>,
  workspaceId: string,
  payload: unknown,
): Promise<{ kind: 'contact'; id: string } | null> {
  const fields = (payload ?? {}) as { contactId?: unknown; ticketId?: unknown };
  if (typeof fields.contactId === 'string') return { kind: 'contact', id: fields.contactId };
  if (typeof fields.ticketId !== 'string') return null;
  const [row] = await sql(`select requester_id from ticket where workspace_id = ? and id = ?`, [
    workspaceId,
    fields.ticketId,
  ]);
  return row ? { kind: 'contact', id: row.requester_id as string } : null;
}

interface Attempt {
  id: string;
  subscriptionId: string;
  eventId: string;
  eventName: string;
  url: string;
  secret: string;
  payload: Record<string, unknown>;
  occurredAt: string;
}

export async function deliver(
  data: DeliverJobData,
  scope: AwilixContainer<RequestCradle>,
  options: WebhooksOptions,
): Promise<void> {
  const { em, clock, logger } = scope.cradle;
  const { workspace } = data;

  const attempt = await withWorkspace(em, workspace, async (tx): Promise<Attempt | null> => {
    const sql = sqlFor(tx);
    const [row] = await sql(
      `select d.id, d.status, d.subscription_id, d.event_id, d.event_name,
              s.url, s.secret, s.enabled, e.payload, e.occurred_at
         from webhook_delivery d
         join webhook_subscription s on s.id = d.subscription_id and s.workspace_id = d.workspace_id
         left join domain_event e on e.id = d.event_id and e.workspace_id = d.workspace_id
        where d.workspace_id = ? and d.id = ?`,
      [workspace, data.deliveryId],
    );
    if (!row) return null; // subscription deleted since: nothing to do
    let id = row.id as string;
    if (row.status !== 'pending') {
      // A retry of this job: its earlier attempt is recorded; this one is the next row.
      const attemptNo = await nextAttempt(sql, workspace, row.subscription_id, row.event_id);
      const inserted = await insertAttempt(
        sql,
        workspace,
        {
          subscriptionId: row.subscription_id,
          eventId: row.event_id,
          eventName: row.event_name,
          attempt: attemptNo,
        },
        clock.now(),
      );
      if (!inserted) throw new Error('concurrent attempt; retrying');
      id = inserted;
    }
    const fail = (error: string) =>
      sql(`update webhook_delivery set status = 'failed', error = ? where id = ?`, [error, id]);
    if (!row.enabled) {
      await fail('subscription disabled');
      return null;
    }
    if (row.payload === null || row.payload === undefined) {
      await fail('event no longer stored');
      return null;
    }
    return {
      id,
      subscriptionId: row.subscription_id,
      eventId: row.event_id,
      eventName: row.event_name,
      url: row.url,
      secret: row.secret,
      payload: parseJson(row.payload),
      occurredAt: new Date(row.occurred_at).toISOString(),
    };
  });
  if (!attempt) return;

  // No transaction is open from here until the outcome is recorded.
  const body = JSON.stringify({
    type: attempt.eventName,
    timestamp: attempt.occurredAt,
    data: { ...attempt.payload, id: attempt.eventId },
  });
  const started = performance.now();
  let responseStatus: number | null = null;
  let error: string | null = null;
  try {
    const url = new URL(attempt.url);
    if (!options.allowPrivateTargets) await assertPublicTarget(url);
    const timestamp = Math.floor(clock.now().getTime() / 1000);
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'NovumDesk-Webhooks/1',
        ...signedHeaders(
          attempt.secret,
          messageId(attempt.eventId, attempt.subscriptionId),
          timestamp,
          body,
        ),
      },
      body,
      // A redirect could point anywhere (SSRF): not followed, counted as a failure.
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    responseStatus = res.status;
    await res.body?.cancel().catch(() => undefined);
    if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
  } catch (e) {
    error = (e as Error).name === 'TimeoutError' ? 'timeout' : String((e as Error).message);
  }
  const responseMs = Math.round(performance.now() - started);

  await withWorkspace(em, workspace, (tx) =>
    sqlFor(tx)(
      `update webhook_delivery set status = ?, response_status = ?, response_ms = ?, error = ?,
              delivered_at = ? where workspace_id = ? and id = ?`,
      [
        error ? 'failed' : 'succeeded',
        responseStatus,
        responseMs,
        error ? error.slice(0, 500) : null,
        error ? null : clock.now(),
        workspace,
        attempt.id,
      ],
    ),
  );
  if (error) {
    logger.warn({ deliveryId: attempt.id, error }, 'webhook delivery failed');
    throw new Error(`webhook delivery failed: ${error}`);
  }
}

function parseJson(value: unknown): Record<string, unknown> {
  return (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>;
}
