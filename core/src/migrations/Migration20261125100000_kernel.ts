import { Migration } from '@mikro-orm/migrations';

/** The kernel's own tables: the domain-event outbox. */
export class Migration20261125100000_kernel extends Migration {
  override up(): void {
    this.addSql(`
      create table domain_event (
        position bigint generated always as identity primary key,
        id uuid not null unique,
        name text not null,
        workspace_id uuid null,
        payload jsonb not null,
        actor jsonb null,
        request_id text null,
        occurred_at timestamptz not null default now(),
        dispatched_at timestamptz null
      )`);
    // The relay only ever scans undispatched rows: keep that scan tiny however big the table grows.
    this.addSql(
      'create index domain_event_undispatched_idx on domain_event (position) where dispatched_at is null',
    );
    this.addSql('create index domain_event_workspace_idx on domain_event (workspace_id, position)');
  }

  override down(): void {
    this.addSql('drop table if exists domain_event');
  }
}
