import { Migration } from '@mikro-orm/migrations';
import { tenantTableSql } from '@novumdesk/core';

/**
 * Registered as `hello/Migration20261125120000_init`: the `hello/` prefix keeps this plugin's
 * history apart from the core's and other plugins' in the shared `novumdesk_migrations` table.
 * Migrations are checked in and never edited once released; a change is a new migration.
 */
export class Migration20261125120000_init extends Migration {
  override up(): void {
    this.addSql(`
      create table hello_greeting (
        id uuid primary key,
        workspace_id uuid not null,
        visitor_name text not null,
        visitor_email text not null,
        created_at timestamptz not null default now(),
        welcomed_at timestamptz null
      )`);
    // Row-level security: the database itself refuses other workspaces' rows (ARCHITECTURE §4).
    for (const sql of tenantTableSql('hello_greeting')) this.addSql(sql);
    // Every query of this plugin is per workspace; data-subject requests look up by e-mail.
    this.addSql(
      'create index hello_greeting_workspace_email_idx on hello_greeting (workspace_id, visitor_email)',
    );
  }

  override down(): void {
    this.addSql('drop table if exists hello_greeting');
  }
}
