import { Migration } from '@mikro-orm/migrations';
import { tenantTableSql } from '../../tenancy/index.js';

/**
 * Realtime fan-out and collision hints.
 *
 * - `novumdesk_realtime_changes(workspace, payload, xid)`: the fields a `ticket.updated` event
 *   changed, read from the ticket's timeline rows written by the same transaction
 *   (`domain_event.txid`, added here if the webhooks module has not).
 * - `domain_event_realtime`: after each outbox insert of a ticket/message/note event, NOTIFY
 *   `novumdesk_realtime` with the event (PostgreSQL delivers it only if the transaction commits,
 *   to every web node LISTENing). A payload over ~7.5 kB is sent as its ids only (`truncated`);
 *   receivers then read the row. Harmless in embedded mode, where nobody LISTENs (an in-process
 *   poller forwards events there).
 * - `ticket_presence`: who is viewing or replying to a ticket, until `expires_at`.
 *
 * SQL written out without `?` (the migrator sends it through knex, which would read one as a
 * binding).
 */
const CHANGES_FUNCTION = `
create or replace function novumdesk_realtime_changes(ws uuid, payload jsonb, tx xid)
returns jsonb language sql stable as $fn$
  select coalesce(jsonb_agg(distinct case e.type
           when 'status_changed' then 'status'
           when 'priority_changed' then 'priority'
           when 'subject_changed' then 'subject'
           when 'type_changed' then 'type'
           when 'assigned' then 'assigneeId'
           when 'team_changed' then 'teamId'
           when 'tagged' then 'tags'
           else e.type end), '[]'::jsonb)
    from ticket_event e
   where e.workspace_id = ws
     and e.ticket_id = case when (payload->>'ticketId') ~ '^[0-9a-fA-F-]{36}$'
                            then (payload->>'ticketId')::uuid end
     and e.xmin = tx
$fn$`;

const NOTIFY_FUNCTION = `
create or replace function novumdesk_realtime_notify() returns trigger
language plpgsql as $fn$
declare
  body text;
begin
  if new.workspace_id is null
     or not (new.name like 'ticket.%' or new.name in ('message.created', 'note.created')) then
    return null;
  end if;
  body := json_build_object(
    'kind', 'event', 'workspaceId', new.workspace_id, 'position', new.position::text,
    'id', new.id, 'name', new.name, 'payload', new.payload, 'actor', new.actor,
    'occurredAt', new.occurred_at,
    'changes', case when new.name = 'ticket.updated'
                    then novumdesk_realtime_changes(new.workspace_id, new.payload,
                                                    pg_current_xact_id()::xid) end)::text;
  if octet_length(body) > 7500 then
    body := json_build_object(
      'kind', 'event', 'workspaceId', new.workspace_id, 'position', new.position::text,
      'id', new.id, 'name', new.name, 'truncated', true)::text;
  end if;
  perform pg_notify('novumdesk_realtime', body);
  return null;
end
$fn$`;

export class Migration20261125151000_realtime extends Migration {
  override up(): void {
    // The writing transaction's top-level id (the webhooks module adds the same column for its
    // change feed; either may come first). The ORM flushes events in a savepoint, so the row's
    // own xmin is a subtransaction's id, while timeline rows carry the top-level one.
    this.addSql(
      'alter table domain_event add column if not exists txid xid8 not null default pg_current_xact_id()',
    );
    this.addSql(CHANGES_FUNCTION);
    this.addSql(NOTIFY_FUNCTION);
    this.addSql(
      `create trigger domain_event_realtime after insert on domain_event
         for each row execute function novumdesk_realtime_notify()`,
    );
    this.addSql(`create table ticket_presence (
       workspace_id uuid not null references workspace (id) on delete cascade,
       ticket_id uuid not null,
       user_id uuid not null,
       state text not null check (state in ('viewing', 'replying')),
       updated_at timestamptz not null,
       expires_at timestamptz not null,
       primary key (workspace_id, ticket_id, user_id),
       foreign key (ticket_id, workspace_id) references ticket (id, workspace_id) on delete cascade,
       foreign key (workspace_id, user_id) references membership (workspace_id, user_id)
         on delete cascade
     )`);
    this.addSql(`create index ticket_presence_user on ticket_presence (workspace_id, user_id)`);
    for (const sql of tenantTableSql('ticket_presence')) this.addSql(sql);
  }

  override down(): void {
    this.addSql(`drop table if exists ticket_presence`);
    this.addSql(`drop trigger if exists domain_event_realtime on domain_event`);
    this.addSql(`drop function if exists novumdesk_realtime_notify()`);
    this.addSql(`drop function if exists novumdesk_realtime_changes(uuid, jsonb, xid)`);
  }
}
