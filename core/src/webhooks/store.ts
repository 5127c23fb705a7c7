/**
 * SQL of the webhooks module. Every function takes the `Sql` of a workspace transaction (RLS
 * applies) and names the workspace explicitly as well.
 */
import { randomUUID } from 'node:crypto';
import { textArray, type Row, type Sql } from '../identity/db.js';
import { errors } from '../kernel/errors.js';
import { iso, isoOrNull } from '../members/context.js';

export interface SubscriptionView {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  enabled: boolean;
  createdAt: string;
}

export interface DeliveryView {
  id: string;
  subscriptionId: string;
  eventId: string;
  eventName: string;
  attempt: number;
  status: 'pending' | 'succeeded' | 'failed';
  responseStatus: number | null;
  responseMs: number | null;
  error: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/** `text[]` as the driver returns it: an array (pg) or a literal `{a,b}` (some paths). */
function textList(value: unknown): string[] {
  if (Array.isArray(value)) return value as string[];
  const s = String(value ?? '');
  if (s === '{}' || s === '') return [];
  return s
    .slice(1, -1)
    .split(',')
    .map((v) => v.replace(/^"|"$/g, ''));
}

export const subscriptionView = (r: Row): SubscriptionView => ({
  id: r.id,
  url: r.url,
  description: r.description ?? null,
  eventTypes: textList(r.event_types),
  enabled: r.enabled,
  createdAt: iso(r.created_at),
});

export const deliveryView = (r: Row): DeliveryView => ({
  id: r.id,
  subscriptionId: r.subscription_id,
  eventId: r.event_id,
  eventName: r.event_name,
  attempt: Number(r.attempt),
  status: r.status,
  responseStatus: r.response_status === null ? null : Number(r.response_status),
  responseMs: r.response_ms === null ? null : Number(r.response_ms),
  error: r.error ?? null,
  createdAt: iso(r.created_at),
  deliveredAt: isoOrNull(r.delivered_at),
});

const SUBSCRIPTION_COLUMNS = 'id, url, description, event_types, enabled, created_at';

export async function listSubscriptions(sql: Sql, workspaceId: string) {
  const rows = await sql(
    `select ${SUBSCRIPTION_COLUMNS} from webhook_subscription where workspace_id = ?
      order by created_at, id limit 1000`,
    [workspaceId],
  );
  return rows.map(subscriptionView);
}

export async function getSubscription(sql: Sql, workspaceId: string, id: string) {
  const [row] = await sql(
    `select ${SUBSCRIPTION_COLUMNS} from webhook_subscription where workspace_id = ? and id = ?`,
    [workspaceId, id],
  );
  if (!row) throw errors.notFound('Webhook');
  return subscriptionView(row);
}

export async function insertSubscription(
  sql: Sql,
  workspaceId: string,
  input: {
    url: string;
    description: string | null;
    eventTypes: string[];
    enabled: boolean;
    secret: string;
  },
  now: Date,
) {
  const [row] = await sql(
    `insert into webhook_subscription
       (id, workspace_id, url, description, event_types, secret, enabled, created_at)
     values (?, ?, ?, ?, ?::text[], ?, ?, ?) returning ${SUBSCRIPTION_COLUMNS}`,
    [
      randomUUID(),
      workspaceId,
      input.url,
      input.description,
      textArray(input.eventTypes),
      input.secret,
      input.enabled,
      now,
    ],
  );
  return subscriptionView(row!);
}

export async function updateSubscription(
  sql: Sql,
  workspaceId: string,
  id: string,
  patch: { url?: string; description?: string | null; eventTypes?: string[]; enabled?: boolean },
) {
  const [row] = await sql(
    `update webhook_subscription set
        url = coalesce(?, url),
        description = case when ? then ? else description end,
        event_types = coalesce(?::text[], event_types),
        enabled = coalesce(?, enabled)
      where workspace_id = ? and id = ? returning ${SUBSCRIPTION_COLUMNS}`,
    [
      patch.url ?? null,
      patch.description !== undefined,
      patch.description ?? null,
      patch.eventTypes ? textArray(patch.eventTypes) : null,
      patch.enabled ?? null,
      workspaceId,
      id,
    ],
  );
  if (!row) throw errors.notFound('Webhook');
  return subscriptionView(row);
}

export async function deleteSubscription(sql: Sql, workspaceId: string, id: string) {
  const rows = await sql(
    'delete from webhook_subscription where workspace_id = ? and id = ? returning id',
    [workspaceId, id],
  );
  if (rows.length === 0) throw errors.notFound('Webhook');
}

/** Enabled subscriptions of the workspace that want `eventName`. */
export async function matchingSubscriptions(sql: Sql, workspaceId: string, eventName: string) {
  const rows = await sql(
    `select id from webhook_subscription
      where workspace_id = ? and enabled and (? = any(event_types) or '*' = any(event_types))`,
    [workspaceId, eventName],
  );
  return rows.map((r) => r.id as string);
}

/** A pending attempt row; `null` when that attempt exists already (a re-run fan-out). */
export async function insertAttempt(
  sql: Sql,
  workspaceId: string,
  input: { subscriptionId: string; eventId: string; eventName: string; attempt: number },
  now: Date,
): Promise<string | null> {
  const [row] = await sql(
    `insert into webhook_delivery
       (id, workspace_id, subscription_id, event_id, event_name, attempt, status, created_at)
     values (?, ?, ?, ?, ?, ?, 'pending', ?) on conflict do nothing returning id`,
    [
      randomUUID(),
      workspaceId,
      input.subscriptionId,
      input.eventId,
      input.eventName,
      input.attempt,
      now,
    ],
  );
  return (row?.id as string | undefined) ?? null;
}

/** The next attempt number of an event for a subscription. */
export async function nextAttempt(
  sql: Sql,
  workspaceId: string,
  subscriptionId: string,
  eventId: string,
): Promise<number> {
  const [row] = await sql(
    `select coalesce(max(attempt), 0) + 1 as next from webhook_delivery
      where workspace_id = ? and subscription_id = ? and event_id = ?`,
    [workspaceId, subscriptionId, eventId],
  );
  return Number(row!.next);
}

export async function getDelivery(
  sql: Sql,
  workspaceId: string,
  subscriptionId: string,
  id: string,
) {
  const [row] = await sql(
    'select * from webhook_delivery where workspace_id = ? and subscription_id = ? and id = ?',
    [workspaceId, subscriptionId, id],
  );
  if (!row) throw errors.notFound('Delivery');
  return deliveryView(row);
}

export function encodeDeliveryCursor(d: DeliveryView): string {
  return Buffer.from(JSON.stringify([d.createdAt, d.id])).toString('base64url');
}

function decodeDeliveryCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      !Number.isNaN(Date.parse(String(value[0]))) &&
      /^[0-9a-f-]{36}$/i.test(String(value[1]))
    )
      return [String(value[0]), String(value[1])];
  } catch {
    /* below */
  }
  throw errors.badRequest('invalid_cursor', 'The cursor is not valid; start again without one');
}

/** The delivery log of a subscription, newest first, keyset-paginated on (created_at, id). */
export async function listDeliveries(
  sql: Sql,
  workspaceId: string,
  subscriptionId: string,
  query: { cursor?: string | undefined; limit: number },
) {
  await getSubscription(sql, workspaceId, subscriptionId);
  const after = query.cursor ? decodeDeliveryCursor(query.cursor) : null;
  const rows = await sql(
    `select * from webhook_delivery where workspace_id = ? and subscription_id = ?
       ${after ? 'and (created_at, id) < (?::timestamptz, ?::uuid)' : ''}
      order by created_at desc, id desc limit ?`,
    [workspaceId, subscriptionId, ...(after ?? []), query.limit + 1],
  );
  const data = rows.slice(0, query.limit).map(deliveryView);
  const last = data[data.length - 1];
  return {
    data,
    nextCursor: rows.length > query.limit && last ? encodeDeliveryCursor(last) : null,
  };
}
