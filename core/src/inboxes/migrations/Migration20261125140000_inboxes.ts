import { Migration } from '@mikro-orm/migrations';
import { tenantTableSql } from '../../tenancy/index.js';

/**
 * Inboxes (configured instances of a channel provider) and the external ids of the messages
 * they received. Both are tenant tables.
 *
 * - `inbox.settings` is what the provider's zod schema returned; `api_token_hash` is reserved for
 *   inbox-scoped credentials (the API inbox authenticates with the caller's token today).
 * - `inbox_message_ref`: one row per inbound message that carried an `externalId` or a
 *   `threadKey`. `unique (inbox_id, external_id)` makes a replayed message a no-op (several null
 *   external ids are allowed); `(inbox_id, thread_key)` finds the ticket a follow-up belongs to.
 */
const TABLES = [
  `create table inbox (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     channel_type text not null,
     name text not null,
     settings jsonb not null default '{}',
     api_token_hash text null,
     enabled boolean not null default true,
     created_at timestamptz not null,
     unique (id, workspace_id)
   )`,
  `create index inbox_workspace on inbox (workspace_id, created_at, id)`,
  `create table inbox_message_ref (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     inbox_id uuid not null,
     external_id text null,
     thread_key text null,
     ticket_id uuid not null,
     message_id uuid not null,
     created_at timestamptz not null,
     unique (inbox_id, external_id),
     foreign key (inbox_id, workspace_id) references inbox (id, workspace_id) on delete cascade,
     foreign key (ticket_id, workspace_id) references ticket (id, workspace_id) on delete cascade
   )`,
  `create index inbox_message_ref_thread on inbox_message_ref (inbox_id, thread_key, created_at desc)
     where thread_key is not null`,
  `create index inbox_message_ref_ticket on inbox_message_ref (workspace_id, ticket_id)`,
];

const TENANT_TABLES = ['inbox', 'inbox_message_ref'];

export class Migration20261125140000_inboxes extends Migration {
  override up(): void {
    for (const sql of TABLES) this.addSql(sql);
    for (const table of TENANT_TABLES) for (const sql of tenantTableSql(table)) this.addSql(sql);
  }

  override down(): void {
    this.addSql(`drop table if exists inbox_message_ref, inbox`);
  }
}
