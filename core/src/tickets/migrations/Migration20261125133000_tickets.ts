import { Migration } from '@mikro-orm/migrations';
import { tenantTableSql } from '../../tenancy/index.js';

/**
 * Tickets, their messages and notes, and their timeline events. Every table is a tenant table
 * (`tenantTableSql`); child rows reference their parent through `(id, workspace_id)`.
 *
 * - `ticket_counter`: one row per workspace; a create takes the next number with
 *   `insert … on conflict do update set last = last + 1 returning last` in its own transaction,
 *   so the row lock serializes concurrent creates and numbers never repeat.
 * - List filters are btree indexes leading with `workspace_id` and ending with the keyset
 *   `(updated_at desc, id desc)`; full-text search uses expression GIN indexes over
 *   `to_tsvector('simple', …)` (GIN cannot lead with the uuid without btree_gin, which PGlite
 *   lacks; queries still filter on workspace_id).
 *
 * SQL written out (no `?`: the migrator sends it through knex, which would read one as a binding).
 */
const TABLES = [
  `create table ticket_counter (
     workspace_id uuid primary key references workspace (id) on delete cascade,
     last integer not null
   )`,
  `create table ticket (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     number integer not null,
     subject text not null,
     requester_id uuid not null,
     status text not null default 'new'
       check (status in ('new', 'open', 'pending', 'on_hold', 'solved', 'closed')),
     priority text not null default 'normal'
       check (priority in ('low', 'normal', 'high', 'urgent')),
     type text null check (type in ('question', 'incident', 'problem', 'task')),
     assignee_id uuid null,
     team_id uuid null,
     tags text[] not null default '{}',
     custom_fields jsonb not null default '{}',
     via jsonb not null default '{}',
     first_response_at timestamptz null,
     solved_at timestamptz null,
     created_at timestamptz not null,
     updated_at timestamptz not null,
     unique (id, workspace_id),
     unique (workspace_id, number),
     foreign key (requester_id, workspace_id) references contact (id, workspace_id),
     foreign key (workspace_id, assignee_id) references membership (workspace_id, user_id)
       on delete set null (assignee_id),
     foreign key (team_id, workspace_id) references team (id, workspace_id)
       on delete set null (team_id)
   )`,
  `create index ticket_workspace_updated on ticket (workspace_id, updated_at desc, id desc)`,
  `create index ticket_workspace_status on ticket (workspace_id, status, updated_at desc, id desc)`,
  `create index ticket_workspace_assignee on ticket (workspace_id, assignee_id, updated_at desc, id desc)`,
  `create index ticket_workspace_requester on ticket (workspace_id, requester_id)`,
  `create index ticket_tags on ticket using gin (tags)`,
  `create index ticket_subject_fts on ticket using gin (to_tsvector('simple', subject))`,
  `create table ticket_message (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     ticket_id uuid not null,
     kind text not null check (kind in ('reply', 'note')),
     direction text null check (direction in ('inbound', 'outbound')),
     author_user_id uuid null,
     author_contact_id uuid null,
     body_text text not null,
     body_html text null,
     delivery_status text null,
     created_at timestamptz not null,
     check ((kind = 'note') = (direction is null)),
     foreign key (ticket_id, workspace_id) references ticket (id, workspace_id) on delete cascade,
     foreign key (author_contact_id, workspace_id) references contact (id, workspace_id)
   )`,
  `create index ticket_message_timeline on ticket_message (workspace_id, ticket_id, created_at, id)`,
  `create index ticket_message_contact on ticket_message (workspace_id, author_contact_id)
     where author_contact_id is not null`,
  `create index ticket_message_fts on ticket_message using gin (to_tsvector('simple', body_text))`,
  `create table ticket_event (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     ticket_id uuid not null,
     actor jsonb null,
     type text not null,
     data jsonb not null default '{}',
     created_at timestamptz not null,
     foreign key (ticket_id, workspace_id) references ticket (id, workspace_id) on delete cascade
   )`,
  `create index ticket_event_timeline on ticket_event (workspace_id, ticket_id, created_at, id)`,
];

const TENANT_TABLES = ['ticket_counter', 'ticket', 'ticket_message', 'ticket_event'];

export class Migration20261125133000_tickets extends Migration {
  override up(): void {
    for (const sql of TABLES) this.addSql(sql);
    for (const table of TENANT_TABLES) for (const sql of tenantTableSql(table)) this.addSql(sql);
  }

  override down(): void {
    this.addSql(`drop table if exists ticket_event, ticket_message, ticket, ticket_counter`);
  }
}
