import { Migration } from '@mikro-orm/migrations';
import { tenantTableSql } from '@novumdesk/core';

/**
 * The knowledge base's tables. Every table holding a workspace's content is a tenant table
 * (`tenantTableSql`: RLS + the application role's grants); child rows reference their parent by
 * `(id, workspace_id)` so a row can never point into another workspace.
 *
 * Two tables are deliberately not tenant tables, because anonymous requests must read them before
 * any workspace is known, and they hold nothing private:
 * - `knowledge_base_address`: which help center a public URL slug or custom host name belongs to
 *   (and each workspace's default center), maintained in the same transaction as the center;
 * - `knowledge_base_rate_limit`: fixed-window counters keyed by keyed hashes (no IPs stored).
 *
 * Search: `search_vector` is computed by the application per translation with the regconfig of the
 * translation's language (title weight A, body weight B), GIN-indexed; `title` has a pg_trgm GIN
 * index for typo-tolerant title matches. `unaccent` is created when the server has it (PGlite
 * has not: the search then works without accent folding).
 *
 * SQL written out (no `?`: the migrator sends it through knex, which would read one as a binding).
 */
const TENANT_TABLES = [
  'knowledge_base_center',
  'knowledge_base_category',
  'knowledge_base_article',
  'knowledge_base_translation',
  'knowledge_base_revision',
  'knowledge_base_feedback',
  'knowledge_base_asset',
  'knowledge_base_import',
];

const STATEMENTS = [
  `create extension if not exists pg_trgm`,
  `do $$ begin create extension if not exists unaccent; exception when others then null; end $$`,
  `create table knowledge_base_center (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     slug text not null,
     name text not null,
     logo_asset_id uuid null,
     primary_color text not null default '#1f6feb',
     default_locale text not null,
     locales text[] not null,
     hosts text[] not null default '{}',
     is_default boolean not null default false,
     contact_enabled boolean not null default true,
     contact_inbox_id uuid null,
     cache_version integer not null default 1,
     created_at timestamptz not null,
     updated_at timestamptz not null,
     unique (id, workspace_id),
     unique (slug)
   )`,
  `create index knowledge_base_center_workspace on knowledge_base_center (workspace_id, created_at, id)`,
  `create table knowledge_base_address (
     kind text not null check (kind in ('slug', 'host', 'default')),
     value text not null,
     workspace_id uuid not null references workspace (id) on delete cascade,
     center_id uuid not null references knowledge_base_center (id) on delete cascade,
     created_at timestamptz not null default now(),
     primary key (kind, value)
   )`,
  `create index knowledge_base_address_center on knowledge_base_address (center_id)`,
  `create table knowledge_base_category (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     center_id uuid not null,
     parent_id uuid null,
     position integer not null default 0,
     slug text not null,
     translations jsonb not null default '{}',
     created_at timestamptz not null,
     updated_at timestamptz not null,
     unique (id, workspace_id),
     unique (center_id, slug),
     foreign key (center_id, workspace_id) references knowledge_base_center (id, workspace_id) on delete cascade,
     foreign key (parent_id, workspace_id) references knowledge_base_category (id, workspace_id) on delete cascade
   )`,
  `create index knowledge_base_category_center on knowledge_base_category (workspace_id, center_id, parent_id, position)`,
  `create table knowledge_base_article (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     center_id uuid not null,
     category_id uuid null,
     status text not null default 'draft'
       check (status in ('draft', 'in_review', 'published', 'archived')),
     visibility text not null default 'public' check (visibility in ('public', 'internal')),
     author_id uuid null,
     tags text[] not null default '{}',
     position integer not null default 0,
     related_ids uuid[] not null default '{}',
     publish_at timestamptz null,
     published_at timestamptz null,
     views bigint not null default 0,
     helpful integer not null default 0,
     not_helpful integer not null default 0,
     created_at timestamptz not null,
     updated_at timestamptz not null,
     unique (id, workspace_id),
     foreign key (center_id, workspace_id) references knowledge_base_center (id, workspace_id) on delete cascade,
     foreign key (category_id, workspace_id) references knowledge_base_category (id, workspace_id) on delete set null (category_id)
   )`,
  `create index knowledge_base_article_list on knowledge_base_article (workspace_id, center_id, updated_at desc, id desc)`,
  `create index knowledge_base_article_scheduled on knowledge_base_article (publish_at) where publish_at is not null`,
  `create index knowledge_base_article_tags on knowledge_base_article using gin (tags)`,
  `create table knowledge_base_translation (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     article_id uuid not null,
     center_id uuid not null,
     locale text not null,
     title text not null,
     slug text not null,
     body_format text not null check (body_format in ('markdown', 'html')),
     body_source text not null,
     body_html text not null,
     body_text text not null,
     excerpt text not null default '',
     search_config text not null default 'simple',
     search_vector tsvector null,
     revision integer not null default 1,
     created_at timestamptz not null,
     updated_at timestamptz not null,
     unique (article_id, locale),
     unique (center_id, locale, slug),
     foreign key (article_id, workspace_id) references knowledge_base_article (id, workspace_id) on delete cascade
   )`,
  `create index knowledge_base_translation_fts on knowledge_base_translation using gin (search_vector)`,
  `create index knowledge_base_translation_title_trgm on knowledge_base_translation using gin (lower(title) gin_trgm_ops)`,
  `create index knowledge_base_translation_article on knowledge_base_translation (workspace_id, article_id)`,
  `create table knowledge_base_revision (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     article_id uuid not null,
     locale text not null,
     number integer not null,
     title text not null,
     body_format text not null,
     body_source text not null,
     created_by uuid null,
     created_at timestamptz not null,
     unique (article_id, locale, number),
     foreign key (article_id, workspace_id) references knowledge_base_article (id, workspace_id) on delete cascade
   )`,
  `create table knowledge_base_feedback (
     workspace_id uuid not null references workspace (id) on delete cascade,
     article_id uuid not null,
     locale text not null,
     day date not null,
     helpful integer not null default 0,
     not_helpful integer not null default 0,
     primary key (article_id, locale, day),
     foreign key (article_id, workspace_id) references knowledge_base_article (id, workspace_id) on delete cascade
   )`,
  `create table knowledge_base_asset (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     center_id uuid not null,
     storage_key text not null,
     content_type text not null,
     size integer not null,
     filename text not null,
     created_at timestamptz not null,
     foreign key (center_id, workspace_id) references knowledge_base_center (id, workspace_id) on delete cascade
   )`,
  `create table knowledge_base_import (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     center_id uuid not null,
     status text not null check (status in ('queued', 'running', 'succeeded', 'failed')),
     total integer not null default 0,
     done integer not null default 0,
     error text null,
     source jsonb not null,
     created_at timestamptz not null,
     updated_at timestamptz not null,
     foreign key (center_id, workspace_id) references knowledge_base_center (id, workspace_id) on delete cascade
   )`,
  `create table knowledge_base_rate_limit (
     key text not null,
     window_start timestamptz not null,
     count integer not null,
     primary key (key, window_start)
   )`,
  `grant select, insert, update, delete on knowledge_base_address to novumdesk_app`,
  `grant select, insert, update, delete on knowledge_base_rate_limit to novumdesk_app`,
];

export class Migration20261125140000_init extends Migration {
  override up(): void {
    for (const sql of STATEMENTS) this.addSql(sql);
    for (const table of TENANT_TABLES) for (const sql of tenantTableSql(table)) this.addSql(sql);
  }

  override down(): void {
    for (const table of [
      'knowledge_base_rate_limit',
      'knowledge_base_import',
      'knowledge_base_asset',
      'knowledge_base_feedback',
      'knowledge_base_revision',
      'knowledge_base_translation',
      'knowledge_base_article',
      'knowledge_base_category',
      'knowledge_base_address',
      'knowledge_base_center',
    ]) {
      this.addSql(`drop table if exists ${table}`);
    }
  }
}
