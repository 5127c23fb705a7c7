import { Migration } from '@mikro-orm/migrations';
import { APP_ROLE, tenantTableSql } from '@novumdesk/core';

/**
 * The email channel's tables.
 *
 * - `channel_email_route` (global, no RLS): which inbox (and workspace) an address belongs to.
 *   The SMTP listener must decide at RCPT time, before it knows any workspace; it holds only
 *   addresses and ids, and is maintained by the provider when inboxes change.
 * - `channel_email_inbound`: every accepted raw message (kept durably before the SMTP 250 / IMAP
 *   flag / HTTP 2xx), its processing outcome and verdicts. `unique (workspace_id, dedupe_key)`
 *   (the Message-ID, or the content hash without one) makes a redelivery a no-op.
 * - `channel_email_outbound`: replies with their rendered MIME and our Message-ID (so retries
 *   send the same bytes), the VERP token's target, attempts and status; `captured` rows are the
 *   outbox of an instance without a relay.
 * - `channel_email_address`: per-address bounce and complaint counts; undeliverable/suppressed.
 * - `channel_email_imap_cursor`: UIDVALIDITY + last UID per inbox.
 */
const TABLES = [
  `create table channel_email_route (
     address text primary key check (address = lower(address)),
     workspace_id uuid not null references workspace (id) on delete cascade,
     inbox_id uuid not null,
     imap boolean not null default false,
     updated_at timestamptz not null
   )`,
  `create index channel_email_route_inbox on channel_email_route (inbox_id)`,
  `grant select, insert, update, delete on channel_email_route to ${APP_ROLE}`,
  `create table channel_email_inbound (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     inbox_id uuid null,
     source text not null check (source in ('smtp', 'imap', 'http')),
     dedupe_key text not null,
     rfc_message_id text null,
     raw bytea not null,
     size integer not null,
     envelope jsonb not null default '{}',
     status text not null default 'stored',
     outcome jsonb not null default '{}',
     thread_rule text null,
     ticket_id uuid null,
     message_id uuid null,
     error text null,
     received_at timestamptz not null,
     processed_at timestamptz null,
     unique (workspace_id, dedupe_key)
   )`,
  `create index channel_email_inbound_msgid on channel_email_inbound (workspace_id, rfc_message_id)
     where rfc_message_id is not null`,
  `create index channel_email_inbound_ticket on channel_email_inbound (workspace_id, ticket_id)`,
  `create index channel_email_inbound_list on channel_email_inbound (workspace_id, id)`,
  `create table channel_email_outbound (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     inbox_id uuid null,
     ticket_message_id uuid null,
     rfc_message_id text not null,
     envelope_from text not null,
     recipients text[] not null,
     subject text not null,
     raw bytea not null,
     status text not null default 'queued',
     attempts integer not null default 0,
     last_error text null,
     created_at timestamptz not null,
     sent_at timestamptz null,
     unique (workspace_id, ticket_message_id)
   )`,
  `create index channel_email_outbound_list on channel_email_outbound (workspace_id, id)`,
  `create index channel_email_outbound_msgid on channel_email_outbound (workspace_id, rfc_message_id)`,
  `create table channel_email_address (
     workspace_id uuid not null references workspace (id) on delete cascade,
     address text not null check (address = lower(address)),
     hard_bounces integer not null default 0,
     soft_bounces integer not null default 0,
     complaints integer not null default 0,
     last_reason text null,
     undeliverable_at timestamptz null,
     suppressed_at timestamptz null,
     updated_at timestamptz not null,
     primary key (workspace_id, address)
   )`,
  `create table channel_email_imap_cursor (
     inbox_id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     uid_validity text not null,
     last_uid bigint not null,
     updated_at timestamptz not null
   )`,
];

const TENANT = [
  'channel_email_inbound',
  'channel_email_outbound',
  'channel_email_address',
  'channel_email_imap_cursor',
];

export class Migration20261125170000_email extends Migration {
  override up(): void {
    for (const sql of TABLES) this.addSql(sql);
    for (const table of TENANT) for (const sql of tenantTableSql(table)) this.addSql(sql);
  }

  override down(): void {
    this.addSql(
      `drop table if exists channel_email_imap_cursor, channel_email_address,
         channel_email_outbound, channel_email_inbound, channel_email_route`,
    );
  }
}
