import { Migration } from '@mikro-orm/migrations';
import { tenantTableSql } from '../../tenancy/index.js';

/**
 * Contacts, their addresses, organizations and CSV imports. Every table is a tenant table
 * (`tenantTableSql`); child rows carry `workspace_id` and reference their parent through
 * `(id, workspace_id)`, so a row can never point into another workspace.
 *
 * - `contact_email`: one row per address, stored lower-cased, unique per workspace (the primary
 *   key), so an address names at most one contact of a workspace and dedupes imports.
 * - `contact_name_trgm`: pg_trgm GIN index for fuzzy name search. GIN cannot lead with the uuid
 *   `workspace_id` without btree_gin, which PGlite lacks; queries still filter on workspace_id.
 *
 * SQL written out (no `?`: the migrator sends it through knex, which would read one as a binding).
 */
const TABLES = [
  `create extension if not exists pg_trgm`,
  `create table organization (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     name text not null,
     domains text[] not null default '{}',
     created_at timestamptz not null,
     unique (id, workspace_id)
   )`,
  `create unique index organization_workspace_name on organization (workspace_id, lower(name))`,
  `create index organization_workspace_list on organization (workspace_id, created_at desc, id desc)`,
  `create table contact (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     name text null,
     phones text[] not null default '{}',
     custom_attributes jsonb not null default '{}',
     organization_id uuid null,
     merged_into_id uuid null,
     restricted_at timestamptz null,
     created_at timestamptz not null,
     updated_at timestamptz not null,
     unique (id, workspace_id),
     foreign key (organization_id, workspace_id) references organization (id, workspace_id)
       on delete set null (organization_id),
     foreign key (merged_into_id, workspace_id) references contact (id, workspace_id)
       on delete set null (merged_into_id)
   )`,
  `create index contact_workspace_list on contact (workspace_id, created_at desc, id desc)
     where merged_into_id is null`,
  `create index contact_workspace_org on contact (workspace_id, organization_id)
     where organization_id is not null`,
  `create index contact_workspace_merged on contact (workspace_id, merged_into_id)
     where merged_into_id is not null`,
  `create index contact_name_trgm on contact using gin (lower(name) gin_trgm_ops)`,
  `create table contact_email (
     workspace_id uuid not null,
     email text not null check (email = lower(email)),
     contact_id uuid not null,
     is_primary boolean not null default false,
     created_at timestamptz not null,
     primary key (workspace_id, email),
     foreign key (contact_id, workspace_id) references contact (id, workspace_id) on delete cascade
   )`,
  `create index contact_email_prefix on contact_email (workspace_id, email text_pattern_ops)`,
  `create index contact_email_contact on contact_email (workspace_id, contact_id)`,
  `create table contact_import (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     status text not null,
     source text not null,
     total integer not null default 0,
     done integer not null default 0,
     created integer not null default 0,
     errors jsonb not null default '[]',
     created_at timestamptz not null,
     updated_at timestamptz not null,
     finished_at timestamptz null
   )`,
  `create index contact_import_workspace on contact_import (workspace_id, created_at desc)`,
];

const TENANT_TABLES = ['organization', 'contact', 'contact_email', 'contact_import'];

export class Migration20261125130000_contacts extends Migration {
  override up(): void {
    for (const sql of TABLES) this.addSql(sql);
    for (const table of TENANT_TABLES) for (const sql of tenantTableSql(table)) this.addSql(sql);
  }

  override down(): void {
    this.addSql(`drop table if exists contact_import, contact_email, contact, organization`);
  }
}
