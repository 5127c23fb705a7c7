import { Migration } from '@mikro-orm/migrations';

/**
 * Lets the security log's retention job delete old events of every workspace (members/audit.ts).
 * `audit_event` is FORCE-RLS (identity migration): with a non-superuser login role, a delete
 * outside a workspace transaction would see no rows. These policies admit exactly the rows older
 * than the cutoff a transaction names in `novumdesk.audit_retention_cutoff`, for reading (which
 * a DELETE with a WHERE needs) and deleting; never for inserting or updating. PostgreSQL ORs
 * them with the tenant policy.
 *
 * SQL written out (no `?`: the migrator sends it through knex, which would read one as a binding).
 */
const CUTOFF = `nullif(current_setting('novumdesk.audit_retention_cutoff', true), '')::timestamptz`;

export class Migration20261125130000_audit_retention extends Migration {
  override up(): void {
    this.addSql(`drop policy if exists members_retention_read on audit_event`);
    this.addSql(`drop policy if exists members_retention_delete on audit_event`);
    this.addSql(
      `create policy members_retention_read on audit_event for select using (occurred_at < ${CUTOFF})`,
    );
    this.addSql(
      `create policy members_retention_delete on audit_event for delete using (occurred_at < ${CUTOFF})`,
    );
  }

  override down(): void {
    this.addSql(`drop policy if exists members_retention_read on audit_event`);
    this.addSql(`drop policy if exists members_retention_delete on audit_event`);
  }
}
