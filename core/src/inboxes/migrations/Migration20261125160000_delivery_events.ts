import { Migration } from '@mikro-orm/migrations';
import { tenantTableSql } from '../../tenancy/index.js';

/**
 * The delivery history of outbound messages: one row per event (queued, sent, captured,
 * delivered, deferred, bounced, complained, failed), per recipient when a report names several.
 * The message's latest status is `ticket_message.delivery_status` (tickets migration).
 */
const TABLES = [
  `create table message_delivery_event (
     id uuid primary key,
     workspace_id uuid not null references workspace (id) on delete cascade,
     ticket_id uuid not null,
     message_id uuid not null,
     status text not null check (status in ('queued', 'sent', 'captured', 'delivered', 'deferred',
                                            'bounced', 'complained', 'failed')),
     recipient text null,
     hard boolean null,
     reason text null,
     detail text null,
     source text null,
     created_at timestamptz not null,
     foreign key (ticket_id, workspace_id) references ticket (id, workspace_id) on delete cascade
   )`,
  `create index message_delivery_event_message on message_delivery_event (workspace_id, message_id, id)`,
];

export class Migration20261125160000_delivery_events extends Migration {
  override up(): void {
    for (const sql of TABLES) this.addSql(sql);
    for (const sql of tenantTableSql('message_delivery_event')) this.addSql(sql);
  }

  override down(): void {
    this.addSql(`drop table if exists message_delivery_event`);
  }
}
