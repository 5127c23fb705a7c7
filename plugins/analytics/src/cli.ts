/**
 * `rebuildReports(hd, …)`: rebuilds the report tables of one or every workspace from the tickets,
 * chunk by chunk, reporting progress — what `novumdesk-analytics rebuild` (bin.ts) runs. The
 * HTTP route `POST /api/p/analytics/reports/rebuild` does the same through the job queue.
 */
import { withWorkspace, type Helpdesk } from '@novumdesk/core';
import { sqlFor } from './db.js';
import { AnalyticsOptionsSchema, type AnalyticsOptions } from './options.js';
import { rebuildChunk, startRebuild, type RebuildState } from './rollups/rebuild.js';

/** The analytics plugin's options in this helpdesk's configuration (defaults applied). */
export function analyticsOptionsOf(hd: Helpdesk): AnalyticsOptions {
  const instance = hd.config.plugins.find((p) => p.plugin.id === 'analytics');
  return AnalyticsOptionsSchema.parse(instance?.rawOptions ?? {});
}

export interface RebuildOptions {
  /** Workspaces to rebuild; all when absent. */
  workspaceIds?: string[];
  chunk?: number;
  onProgress?: (workspaceId: string, state: RebuildState) => void;
}

/**
 * Every workspace id, as the login role sees them. With a non-superuser login role the
 * `workspace` table's row-level security hides all rows outside a workspace: pass ids then.
 */
async function allWorkspaces(hd: Helpdesk): Promise<string[]> {
  const rows = await hd.orm.em
    .fork()
    .getConnection()
    .execute<{ id: string }[]>('select id from workspace order by id');
  return rows.map((r) => r.id);
}

export async function rebuildReports(
  hd: Helpdesk,
  options: RebuildOptions = {},
): Promise<RebuildState[]> {
  const workspaceIds = options.workspaceIds ?? (await allWorkspaces(hd));
  const chunk = options.chunk ?? 2000;
  const { timeZone } = analyticsOptionsOf(hd);
  const now = () => hd.container.cradle.clock.now();
  const results: RebuildState[] = [];
  for (const workspaceId of workspaceIds) {
    const inWorkspace = <T>(fn: (sql: ReturnType<typeof sqlFor>) => Promise<T>) =>
      withWorkspace(hd.orm.em.fork(), workspaceId, (tx) => fn(sqlFor(tx)));
    const runId = await inWorkspace((sql) => startRebuild(sql, workspaceId, now()));
    let state: RebuildState | null;
    do {
      state = await inWorkspace((sql) =>
        rebuildChunk(sql, workspaceId, runId, chunk, now(), timeZone),
      );
      if (state) options.onProgress?.(workspaceId, state);
    } while (state?.status === 'running');
    if (!state) throw new Error(`rebuild of workspace ${workspaceId} was replaced by another one`);
    results.push(state);
  }
  return results;
}

/** `[#########-----------]  45%  4,500/10,000 tickets` */
export function progressBar(done: number, total: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  const pct = `${Math.round(ratio * 100)}%`.padStart(4);
  const fmt = (n: number) => n.toLocaleString('en-US');
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct}  ${fmt(done)}/${fmt(total)} tickets`;
}
