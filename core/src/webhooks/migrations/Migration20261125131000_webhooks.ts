import { Migration } from '@mikro-orm/migrations';
import { tenantTableSql } from '../../tenancy/index.js';

/**
 * Webhook subscriptions and their delivery log (tenant tables), and the change feed's ordering
 * column on the outbox: `domain_event.txid`, the writing transaction's id (see changes.ts for
 * why the feed orders by it rather than by `position` alone).
 */
export class Migration20261125131000_webhooks extends Migration {
  override up(): void {
    this.addSql(`
      create table webhook_subscription (
        id uuid primary key,
        workspace_id uuid not null references workspace (id) on delete cascade,
        url text not null,
        description text,
        event_types text[] not null,
        secret text not null,
        enabled boolean not null default true,
        created_at timestamptz not null
      )`);
    this.addSql(
      'create index webhook_subscription_workspace_idx on webhook_subscription (workspace_id, created_at, id)',
    );
    this.addSql(`
      create table webhook_delivery (
        id uuid primary key,
        workspace_id uuid not null references workspace (id) on delete cascade,
        subscription_id uuid not null references webhook_subscription (id) on delete cascade,
        event_id uuid not null,
        event_name text not null,
        attempt integer not null,
        status text not null check (status in ('pending', 'succeeded', 'failed')),
        response_status integer,
        response_ms integer,
        error text,
        created_at timestamptz not null,
        delivered_at timestamptz
      )`);
    // One row per attempt of an event to a subscription: a re-run fan-out inserts nothing twice.
    this.addSql(
      'create unique index webhook_delivery_attempt_uq on webhook_delivery (workspace_id, subscription_id, event_id, attempt)',
    );
    // The delivery log of a subscription, newest first (keyset on (created_at, id)).
    this.addSql(
      'create index webhook_delivery_log_idx on webhook_delivery (workspace_id, subscription_id, created_at desc, id desc)',
    );
    for (const sql of tenantTableSql('webhook_subscription')) this.addSql(sql);
    for (const sql of tenantTableSql('webhook_delivery')) this.addSql(sql);

    this.addSql(
      'alter table domain_event add column if not exists txid xid8 not null default pg_current_xact_id()',
    );
    this.addSql(
      'create index if not exists domain_event_feed_idx on domain_event (workspace_id, txid, position)',
    );
  }

  override down(): void {
    this.addSql('drop index if exists domain_event_feed_idx');
    this.addSql('alter table domain_event drop column if exists txid');
    this.addSql('drop table if exists webhook_delivery');
    this.addSql('drop table if exists webhook_subscription');
  }
}
