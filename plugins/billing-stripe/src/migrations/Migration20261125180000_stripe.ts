import { Migration } from '@mikro-orm/migrations';

/**
 * Webhook events as received (stored before anything else: accept = stored) and which Stripe
 * customer belongs to which workspace. Neither is a tenant table: a webhook arrives without a
 * workspace, and the customer map is how its workspace is found. Both hold ids; an event's raw
 * payload is dropped once the event is processed.
 */
export class Migration20261125180000_stripe extends Migration {
  override up(): void {
    this.addSql(`
      create table billing_stripe_event (
        id text primary key,
        type text not null,
        created timestamptz not null,
        payload jsonb,
        status text not null default 'received' check (status in ('received', 'processed', 'ignored', 'failed')),
        attempts integer not null default 0,
        workspace_id uuid,
        error text,
        received_at timestamptz not null,
        processed_at timestamptz
      )`);
    this.addSql(
      "create index billing_stripe_event_pending_idx on billing_stripe_event (received_at) where status = 'received'",
    );
    this.addSql(`
      create table billing_stripe_customer (
        customer_id text primary key,
        workspace_id uuid not null unique references workspace (id) on delete cascade,
        created_at timestamptz not null
      )`);
    // Written inside workspace transactions (checkout) as the application role, which sees and
    // writes only its own workspace's row; the login role (webhook processing) reads all of them.
    this.addSql('alter table billing_stripe_customer enable row level security');
    this.addSql(
      `create policy workspace_isolation on billing_stripe_customer for all
         using (workspace_id = nullif(current_setting('novumdesk.workspace_id', true), '')::uuid)
         with check (workspace_id = nullif(current_setting('novumdesk.workspace_id', true), '')::uuid)`,
    );
    this.addSql('grant select, insert on billing_stripe_customer to novumdesk_app');
  }

  override down(): void {
    this.addSql('drop table if exists billing_stripe_customer');
    this.addSql('drop table if exists billing_stripe_event');
  }
}
