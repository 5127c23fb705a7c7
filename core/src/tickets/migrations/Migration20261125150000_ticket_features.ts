import { Migration } from '@mikro-orm/migrations';
import { tenantTableSql } from '../../tenancy/index.js';

/**
 * Custom statuses, custom-field definitions, followers and CCs, merge, attachments, drafts,
 * saved views and bulk-update jobs. Every new table is a tenant table; children reference their
 * parent through `(id, workspace_id)` so a row can never point into another workspace.
 *
 * New list indexes lead with `workspace_id` and end with the keyset of the list they serve
 * (`updated_at desc, id desc`, or `created_at desc, id desc`), like the first migration's.
 * SQL written out (no `?`: knex would read one as a binding).
 */
const STATEMENTS = [
  // Custom statuses, each mapped to one fixed category (the ticket keeps the category in `status`).
  `create table ticket_status (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     name text not null,
     category text not null
       check (category in ('new', 'open', 'pending', 'on_hold', 'solved', 'closed')),
     position integer not null default 0,
     created_at timestamptz not null,
     updated_at timestamptz not null,
     unique (id, workspace_id)
   )`,
  `create unique index ticket_status_name on ticket_status (workspace_id, lower(name))`,
  // Typed custom-field definitions; values live in ticket.custom_fields under `key`.
  `create table ticket_field (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     key text not null check (key ~ '^[a-z][a-z0-9_]{0,62}$'),
     label text not null,
     type text not null check (type in ('text', 'number', 'checkbox', 'date', 'dropdown')),
     required boolean not null default false,
     options jsonb not null default '[]',
     position integer not null default 0,
     created_at timestamptz not null,
     updated_at timestamptz not null,
     unique (workspace_id, key)
   )`,
  `alter table ticket add column status_id uuid null`,
  `alter table ticket add column merged_into_id uuid null`,
  `alter table ticket add column ccs jsonb not null default '[]'`,
  `alter table ticket add foreign key (status_id, workspace_id)
     references ticket_status (id, workspace_id) on delete set null (status_id)`,
  `alter table ticket add foreign key (merged_into_id, workspace_id)
     references ticket (id, workspace_id)`,
  `alter table ticket add check (merged_into_id is null or merged_into_id <> id)`,
  // View filters and sorts beyond the first migration's indexes.
  `create index ticket_workspace_created on ticket (workspace_id, created_at desc, id desc)`,
  `create index ticket_workspace_team on ticket (workspace_id, team_id, updated_at desc, id desc)`,
  `create index ticket_workspace_priority on ticket (workspace_id, priority, updated_at desc, id desc)`,
  `create index ticket_workspace_inbox on ticket
     (workspace_id, (via ->> 'inboxId'), updated_at desc, id desc)`,
  `create index ticket_workspace_custom_status on ticket
     (workspace_id, status_id, updated_at desc, id desc) where status_id is not null`,
  `drop index ticket_workspace_requester`,
  `create index ticket_workspace_requester on ticket
     (workspace_id, requester_id, updated_at desc, id desc)`,
  `create index ticket_merged_into on ticket (workspace_id, merged_into_id)
     where merged_into_id is not null`,
  `alter table ticket_message add unique (id, workspace_id)`,
  // Followers: members who follow a ticket.
  `create table ticket_follower (
     workspace_id uuid not null references workspace (id) on delete cascade,
     ticket_id uuid not null,
     user_id uuid not null,
     created_at timestamptz not null,
     primary key (ticket_id, user_id),
     foreign key (ticket_id, workspace_id) references ticket (id, workspace_id) on delete cascade,
     foreign key (workspace_id, user_id) references membership (workspace_id, user_id)
       on delete cascade
   )`,
  `create index ticket_follower_user on ticket_follower (workspace_id, user_id)`,
  // Uploaded files; `message_id` is null until a reply or note references the upload.
  `create table attachment (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     storage_key text not null unique,
     filename text not null,
     content_type text not null,
     size integer not null check (size >= 0),
     uploaded_by jsonb null,
     message_id uuid null,
     created_at timestamptz not null,
     expires_at timestamptz null,
     unique (id, workspace_id),
     foreign key (message_id, workspace_id) references ticket_message (id, workspace_id)
       on delete cascade,
     check ((message_id is null) = (expires_at is not null))
   )`,
  `create index attachment_message on attachment (workspace_id, message_id, created_at, id)
     where message_id is not null`,
  `create index attachment_unattached on attachment (workspace_id, expires_at)
     where message_id is null`,
  // Drafts: one per user per ticket, private to the user.
  `create table ticket_draft (
     workspace_id uuid not null references workspace (id) on delete cascade,
     ticket_id uuid not null,
     user_id uuid not null,
     kind text not null check (kind in ('reply', 'note')),
     body text not null default '',
     body_html text null,
     attachment_ids uuid[] not null default '{}',
     updated_at timestamptz not null,
     primary key (ticket_id, user_id),
     foreign key (ticket_id, workspace_id) references ticket (id, workspace_id) on delete cascade,
     foreign key (workspace_id, user_id) references membership (workspace_id, user_id)
       on delete cascade
   )`,
  // Saved views: shared (owner_user_id null) or personal.
  `create table saved_view (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     name text not null,
     owner_user_id uuid null,
     filters jsonb not null default '{}',
     columns text[] not null default '{}',
     sort_by text not null default 'updatedAt' check (sort_by in ('updatedAt', 'createdAt')),
     sort_dir text not null default 'desc' check (sort_dir in ('asc', 'desc')),
     position integer not null default 0,
     created_at timestamptz not null,
     updated_at timestamptz not null,
     foreign key (workspace_id, owner_user_id) references membership (workspace_id, user_id)
       on delete cascade
   )`,
  `create index saved_view_workspace on saved_view (workspace_id, position, id)`,
  `create table saved_view_seed (
     workspace_id uuid primary key references workspace (id) on delete cascade,
     seeded_at timestamptz not null
   )`,
  // Bulk updates run as jobs past the inline limit; progress and per-ticket errors live here.
  `create table ticket_bulk_job (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     actor jsonb null,
     ticket_ids uuid[] not null,
     changes jsonb not null,
     status text not null check (status in ('queued', 'running', 'completed')),
     total integer not null,
     done integer not null default 0,
     updated integer not null default 0,
     errors jsonb not null default '[]',
     created_at timestamptz not null,
     updated_at timestamptz not null,
     finished_at timestamptz null
   )`,
];

const TENANT_TABLES = [
  'ticket_status',
  'ticket_field',
  'ticket_follower',
  'attachment',
  'ticket_draft',
  'saved_view',
  'saved_view_seed',
  'ticket_bulk_job',
];

export class Migration20261125150000_ticket_features extends Migration {
  override up(): void {
    for (const sql of STATEMENTS) this.addSql(sql);
    for (const table of TENANT_TABLES) for (const sql of tenantTableSql(table)) this.addSql(sql);
  }

  override down(): void {
    this.addSql(
      `drop table if exists ticket_bulk_job, saved_view_seed, saved_view, ticket_draft,
         attachment, ticket_follower`,
    );
    this.addSql(
      `alter table ticket_message drop constraint if exists ticket_message_id_workspace_id_key`,
    );
    this.addSql(`drop index if exists ticket_merged_into, ticket_workspace_custom_status,
       ticket_workspace_inbox, ticket_workspace_priority, ticket_workspace_team,
       ticket_workspace_created, ticket_workspace_requester`);
    this.addSql(`create index ticket_workspace_requester on ticket (workspace_id, requester_id)`);
    this.addSql(
      `alter table ticket drop column ccs, drop column merged_into_id, drop column status_id`,
    );
    this.addSql(`drop table if exists ticket_field, ticket_status`);
  }
}
