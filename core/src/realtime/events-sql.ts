/**
 * The select both the embedded poller and `Last-Event-ID` replay use: committed domain events
 * after a position, with `ticket.updated`'s changed fields computed by the migration's
 * `novumdesk_realtime_changes` from the timeline rows of the same transaction (`txid`).
 */
import type { Row, Sql } from '../identity/db.js';
import { REALTIME_EVENT_FILTER_SQL, eventMessage, type DomainEventMessage } from './messages.js';

export async function eventsAfter(
  sql: Sql,
  after: string,
  limit: number,
  workspaceId?: string,
): Promise<DomainEventMessage[]> {
  const rows: Row[] = await sql(
    `select d.position::text as position, d.id, d.name, d.workspace_id, d.payload, d.actor,
            d.occurred_at,
            case when d.name = 'ticket.updated'
                 then novumdesk_realtime_changes(d.workspace_id, d.payload, d.txid::xid) end as changes
       from domain_event d
      where d.position > ?::bigint and d.workspace_id is not null and ${REALTIME_EVENT_FILTER_SQL}
        ${workspaceId ? 'and d.workspace_id = ?' : ''}
      order by d.position
      limit ?`,
    [after, ...(workspaceId ? [workspaceId] : []), limit],
  );
  return rows.map(eventMessage);
}

export async function latestPosition(sql: Sql): Promise<string> {
  const rows = await sql(`select coalesce(max(position), 0)::text as position from domain_event`);
  return String(rows[0]?.position ?? '0');
}
