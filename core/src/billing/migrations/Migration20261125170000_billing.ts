import { Migration } from '@mikro-orm/migrations';
import { tenantTableSql } from '../../tenancy/index.js';
import { BILLING_OPERATOR_SETTING } from '../operator-context.js';

/**
 * The billing module's tables: one subscription and one billing contact per workspace (tenant
 * tables, RLS), plus a read-only policy for the operator's cross-workspace views (subscriptions
 * by status, MRR), which hold only when a transaction sets `novumdesk.billing_operator`.
 */
export class Migration20261125170000_billing extends Migration {
  override up(): void {
    this.addSql(`
      create table billing_subscription (
        id uuid primary key,
        workspace_id uuid not null unique references workspace (id) on delete cascade,
        provider_id text not null,
        plan_id text not null,
        status text not null check (status in
          ('trialing', 'active', 'past_due', 'unpaid', 'canceled', 'incomplete', 'paused')),
        seats integer not null check (seats >= 0),
        external_customer_id text,
        external_subscription_id text,
        current_period_start timestamptz,
        current_period_end timestamptz,
        trial_end timestamptz,
        cancel_at_period_end boolean not null default false,
        past_due_since timestamptz,
        canceled_at timestamptz,
        notices jsonb not null default '{}'::jsonb,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    // The operator's list: by status, oldest first (keyset on (created_at, id)).
    this.addSql(
      'create index billing_subscription_status_idx on billing_subscription (status, created_at, id)',
    );
    this.addSql(
      'create index billing_subscription_external_idx on billing_subscription (provider_id, external_subscription_id)',
    );
    this.addSql(`
      create table billing_contact (
        id uuid primary key,
        workspace_id uuid not null unique references workspace (id) on delete cascade,
        name text,
        email text,
        address_line1 text,
        address_line2 text,
        postal_code text,
        city text,
        region text,
        country text,
        vat_id text,
        updated_at timestamptz not null
      )`);
    for (const sql of tenantTableSql('billing_subscription')) this.addSql(sql);
    for (const sql of tenantTableSql('billing_contact')) this.addSql(sql);
    this.addSql(
      `create policy billing_operator_read on billing_subscription for select
         using (current_setting('${BILLING_OPERATOR_SETTING}', true) = 'on')`,
    );
  }

  override down(): void {
    this.addSql('drop table if exists billing_contact');
    this.addSql('drop table if exists billing_subscription');
  }
}
