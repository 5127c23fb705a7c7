import { Migration } from '@mikro-orm/migrations';

/** Counting a workspace's tickets of the month (plans with `ticketsPerMonth`) by index. */
export class Migration20261125190000_ticket_volume extends Migration {
  override up(): void {
    this.addSql(
      'create index if not exists billing_ticket_created_idx on ticket (workspace_id, created_at)',
    );
  }

  override down(): void {
    this.addSql('drop index if exists billing_ticket_created_idx');
  }
}
