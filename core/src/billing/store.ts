/**
 * SQL of the billing module. Every function takes the `Sql` of a workspace transaction (RLS
 * applies) and names the workspace explicitly as well.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Row, Sql } from '../identity/db.js';
import { iso, isoOrNull } from '../members/context.js';
import type { SubscriptionState, SubscriptionStatus, SubscriptionUpdate } from './contract.js';

export function subscriptionView(r: Row): SubscriptionState {
  return {
    workspaceId: r.workspace_id,
    providerId: r.provider_id,
    planId: r.plan_id,
    status: r.status as SubscriptionStatus,
    seats: Number(r.seats),
    externalCustomerId: r.external_customer_id ?? null,
    externalSubscriptionId: r.external_subscription_id ?? null,
    currentPeriodStart: isoOrNull(r.current_period_start),
    currentPeriodEnd: isoOrNull(r.current_period_end),
    trialEnd: isoOrNull(r.trial_end),
    cancelAtPeriodEnd: Boolean(r.cancel_at_period_end),
    pastDueSince: isoOrNull(r.past_due_since),
    canceledAt: isoOrNull(r.canceled_at),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export async function findSubscription(
  sql: Sql,
  workspaceId: string,
  options: { lock?: boolean } = {},
): Promise<(SubscriptionState & { notices: Record<string, string> }) | null> {
  const [row] = await sql(
    `select * from billing_subscription where workspace_id = ?${options.lock ? ' for update' : ''}`,
    [workspaceId],
  );
  if (!row) return null;
  const notices = typeof row.notices === 'string' ? JSON.parse(row.notices) : row.notices;
  return { ...subscriptionView(row), notices: (notices ?? {}) as Record<string, string> };
}

/** Inserts or replaces the workspace's one subscription row. */
export async function upsertSubscription(
  sql: Sql,
  workspaceId: string,
  providerId: string,
  update: SubscriptionUpdate,
  pastDueSince: Date | null,
  now: Date,
): Promise<void> {
  await sql(
    `insert into billing_subscription
       (id, workspace_id, provider_id, plan_id, status, seats, external_customer_id,
        external_subscription_id, current_period_start, current_period_end, trial_end,
        cancel_at_period_end, past_due_since, canceled_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (workspace_id) do update set
       provider_id = excluded.provider_id, plan_id = excluded.plan_id, status = excluded.status,
       seats = excluded.seats,
       external_customer_id = coalesce(excluded.external_customer_id, billing_subscription.external_customer_id),
       external_subscription_id = coalesce(excluded.external_subscription_id, billing_subscription.external_subscription_id),
       current_period_start = excluded.current_period_start,
       current_period_end = excluded.current_period_end, trial_end = excluded.trial_end,
       cancel_at_period_end = excluded.cancel_at_period_end,
       past_due_since = excluded.past_due_since, canceled_at = excluded.canceled_at,
       updated_at = excluded.updated_at`,
    [
      uuidv7(),
      workspaceId,
      providerId,
      update.planId,
      update.status,
      update.seats,
      update.externalCustomerId ?? null,
      update.externalSubscriptionId ?? null,
      update.currentPeriodStart ?? null,
      update.currentPeriodEnd ?? null,
      update.trialEnd ?? null,
      update.cancelAtPeriodEnd ?? false,
      pastDueSince,
      update.canceledAt ?? null,
      now,
      now,
    ],
  );
}

export async function deleteSubscription(sql: Sql, workspaceId: string): Promise<boolean> {
  const rows = await sql('delete from billing_subscription where workspace_id = ? returning id', [
    workspaceId,
  ]);
  return rows.length > 0;
}

/** Remembers that a notice went out (`kind` → a key such as the trial's end), for dedupe. */
export async function markNotice(
  sql: Sql,
  workspaceId: string,
  kind: string,
  key: string,
): Promise<void> {
  await sql(
    `update billing_subscription set notices = notices || jsonb_build_object(?::text, ?::text)
      where workspace_id = ?`,
    [kind, key, workspaceId],
  );
}

export interface ContactView {
  name: string | null;
  email: string | null;
  address: {
    line1: string | null;
    line2: string | null;
    postalCode: string | null;
    city: string | null;
    region: string | null;
    country: string | null;
  };
  vatId: string | null;
  updatedAt: string;
}

export function contactView(r: Row): ContactView {
  return {
    name: r.name ?? null,
    email: r.email ?? null,
    address: {
      line1: r.address_line1 ?? null,
      line2: r.address_line2 ?? null,
      postalCode: r.postal_code ?? null,
      city: r.city ?? null,
      region: r.region ?? null,
      country: r.country ?? null,
    },
    vatId: r.vat_id ?? null,
    updatedAt: iso(r.updated_at),
  };
}

export async function findContact(sql: Sql, workspaceId: string): Promise<ContactView | null> {
  const [row] = await sql('select * from billing_contact where workspace_id = ?', [workspaceId]);
  return row ? contactView(row) : null;
}

export type ContactInput = Omit<ContactView, 'updatedAt'>;

export async function saveContact(
  sql: Sql,
  workspaceId: string,
  input: ContactInput,
  now: Date,
): Promise<ContactView> {
  const a = input.address;
  const [row] = await sql(
    `insert into billing_contact
       (id, workspace_id, name, email, address_line1, address_line2, postal_code, city, region,
        country, vat_id, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (workspace_id) do update set
       name = excluded.name, email = excluded.email, address_line1 = excluded.address_line1,
       address_line2 = excluded.address_line2, postal_code = excluded.postal_code,
       city = excluded.city, region = excluded.region, country = excluded.country,
       vat_id = excluded.vat_id, updated_at = excluded.updated_at
     returning *`,
    [
      uuidv7(),
      workspaceId,
      input.name,
      input.email,
      a.line1,
      a.line2,
      a.postalCode,
      a.city,
      a.region,
      a.country,
      input.vatId,
      now,
    ],
  );
  return contactView(row!);
}

export async function deleteContact(sql: Sql, workspaceId: string): Promise<number> {
  const rows = await sql('delete from billing_contact where workspace_id = ? returning id', [
    workspaceId,
  ]);
  return rows.length;
}

/** Roles whose members take a seat: they may write tickets. Read-only members are free. */
const SEAT_ROLE = `((r.builtin and r.key in ('owner', 'admin', 'agent')) or 'tickets:write' = any (r.permissions))`;

/** Seats in use: agent memberships plus pending invitations to agent roles (reserved seats). */
export async function seatUsage(
  sql: Sql,
  workspaceId: string,
  now: Date,
): Promise<{ members: number; pending: number }> {
  const [row] = await sql(
    `select
       (select count(*) from membership m
          join role r on r.id = m.role_id and r.workspace_id = m.workspace_id
         where m.workspace_id = ? and ${SEAT_ROLE}) as members,
       (select count(*) from invitation i
          join role r on r.id = i.role_id and r.workspace_id = i.workspace_id
         where i.workspace_id = ? and i.accepted_at is null and i.revoked_at is null
           and i.expires_at > ? and ${SEAT_ROLE}) as pending`,
    [workspaceId, workspaceId, now],
  );
  return { members: Number(row?.members ?? 0), pending: Number(row?.pending ?? 0) };
}

/** Whether a role of the workspace takes a seat. */
export async function isSeatRole(sql: Sql, workspaceId: string, roleId: string): Promise<boolean> {
  const rows = await sql(
    `select 1 from role r where r.workspace_id = ? and r.id = ? and ${SEAT_ROLE}`,
    [workspaceId, roleId],
  );
  return rows.length > 0;
}

export async function inboxCount(sql: Sql, workspaceId: string): Promise<number> {
  const [row] = await sql('select count(*) as n from inbox where workspace_id = ?', [workspaceId]);
  return Number(row?.n ?? 0);
}

/** Addresses notices go to: the billing contact's, else the workspace owners'. */
export async function noticeRecipients(sql: Sql, workspaceId: string): Promise<string[]> {
  const contact = await findContact(sql, workspaceId);
  if (contact?.email) return [contact.email];
  const rows = await sql(
    `select u.email from membership m
       join role r on r.id = m.role_id and r.workspace_id = m.workspace_id
       join user_account u on u.id = m.user_id
      where m.workspace_id = ? and r.builtin and r.key = 'owner'
      order by m.created_at limit 5`,
    [workspaceId],
  );
  return rows.map((r) => r.email as string);
}

export async function workspaceInfo(
  sql: Sql,
  workspaceId: string,
): Promise<{ name: string; createdAt: Date } | null> {
  const [row] = await sql('select name, created_at from workspace where id = ?', [workspaceId]);
  return row ? { name: row.name, createdAt: new Date(row.created_at) } : null;
}

/** Tickets the workspace created since the start of the current calendar month (UTC). */
export async function ticketsThisMonth(sql: Sql, workspaceId: string, now: Date): Promise<number> {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const [row] = await sql(
    'select count(*) as n from ticket where workspace_id = ? and created_at >= ?',
    [workspaceId, start],
  );
  return Number(row?.n ?? 0);
}
