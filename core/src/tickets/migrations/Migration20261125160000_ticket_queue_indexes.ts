import { Migration } from '@mikro-orm/migrations';

/**
 * Partial indexes for the queues every workspace has (the default views): unsolved tickets by
 * update time, and unassigned unsolved tickets by creation time. On a workspace where most
 * tickets are solved or closed, the full indexes make these queries walk (or sort) every closed
 * ticket; these hold only the unsolved ones. The planner uses them when the view's status list
 * is within the predicate (it proves `status = any('{…}')` against it with the bound values).
 */
const UNSOLVED = `status in ('new', 'open', 'pending', 'on_hold')`;

export class Migration20261125160000_ticket_queue_indexes extends Migration {
  override up(): void {
    this.addSql(
      `create index ticket_workspace_unsolved on ticket (workspace_id, updated_at desc, id desc)
         where ${UNSOLVED}`,
    );
    this.addSql(
      `create index ticket_workspace_unassigned on ticket (workspace_id, created_at, id)
         where assignee_id is null and ${UNSOLVED}`,
    );
  }

  override down(): void {
    this.addSql(`drop index if exists ticket_workspace_unassigned, ticket_workspace_unsolved`);
  }
}
