/**
 * Scheduled work. The hourly sweep lists the workspaces the plugin knows (`privacy_workspace`)
 * and queues one job per workspace, which alerts the managers about overdue requests (once per
 * request) and runs the retention policies in batches, skipping held subjects' records.
 */
import { policies, findTarget, runTarget } from './retention.js';
import { managerAddresses, sendNotice } from './notify.js';
import { sqlOf, type Scope } from './db.js';
import type { PrivacyOptions } from './options.js';

export const WORKSPACE_SWEEP_JOB = 'privacy.workspace-sweep';

export async function listWorkspaces(scope: Scope): Promise<string[]> {
  const rows = await sqlOf(scope)(
    `select workspace_id from privacy_workspace order by workspace_id`,
  );
  return rows.map((r) => r.workspace_id as string);
}

/** Alerts once per overdue open request; returns how many were alerted. */
export async function alertOverdue(scope: Scope, workspaceId: string): Promise<number> {
  const now = scope.cradle.clock.now();
  const rows = await sqlOf(scope)(
    `update privacy_request set overdue_alerted_at = ?
      where workspace_id = ? and due_at < ? and overdue_alerted_at is null
        and state not in ('completed', 'refused')
      returning id, type, due_at`,
    [now, workspaceId, now],
  );
  if (rows.length === 0) return 0;
  const list = rows
    .map(
      (r) =>
        `- ${r.type} request ${r.id}, due ${new Date(r.due_at as string).toISOString().slice(0, 10)}`,
    )
    .join('\n');
  for (const to of await managerAddresses(scope, workspaceId)) {
    await sendNotice(scope, {
      to,
      subject: `${rows.length} privacy request(s) overdue`,
      text: `These data-subject requests are past their due date:\n\n${list}`,
      kind: 'privacy_request_overdue',
      workspaceId,
    });
  }
  return rows.length;
}

/** Runs every target with a policy; returns the targets that have more rows due. */
export async function runRetention(
  scope: Scope,
  workspaceId: string,
  options: PrivacyOptions,
  only?: string,
): Promise<string[]> {
  const more: string[] = [];
  for (const policy of await policies(scope, workspaceId)) {
    if (policy.days === null || (only && policy.type !== only)) continue;
    const target = findTarget(scope, policy.type)!;
    const report = await runTarget(scope, workspaceId, target, policy.days, {
      dryRun: false,
      batchSize: options.retentionBatchSize,
      maxBatches: options.retentionMaxBatches,
    });
    if (report.more) more.push(policy.type);
  }
  return more;
}
