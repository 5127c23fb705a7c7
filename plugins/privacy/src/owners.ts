/** The workspace's owners: the last one cannot be erased (PRV-41). */
import { sqlOf, type Scope } from './db.js';

export async function isLastOwner(
  scope: Scope,
  workspaceId: string,
  userId: string,
): Promise<boolean> {
  const rows = await sqlOf(scope)(
    `select m.user_id from membership m join role r on r.id = m.role_id
      where m.workspace_id = ? and r.key = 'owner'`,
    [workspaceId],
  );
  return rows.length === 1 && rows[0]!.user_id === userId;
}
