/**
 * The dashboard's figures, from the public ticket list (no reporting API needed): open tickets
 * by status and by assignee, the user's own queue, and the most recently changed tickets.
 * Counts stop at one page per status (`capped`), shown as "200+".
 */
import type { HostApi } from '../api/client';
import { OPEN_STATUSES, ticketsApi, type Ticket } from '../api/tickets';

export const DASHBOARD_PAGE = 200;

export interface DashboardData {
  byStatus: { status: string; count: number; capped: boolean }[];
  byAssignee: { assigneeId: string | null; count: number }[];
  mine: Ticket[];
  recent: Ticket[];
  totalOpen: number;
}

export function summarize(
  pages: { status: string; tickets: Ticket[]; capped: boolean }[],
  me?: string,
): DashboardData {
  const open = pages.flatMap((p) => p.tickets);
  const byAssignee = new Map<string | null, number>();
  for (const t of open) byAssignee.set(t.assigneeId, (byAssignee.get(t.assigneeId) ?? 0) + 1);
  return {
    byStatus: pages.map((p) => ({ status: p.status, count: p.tickets.length, capped: p.capped })),
    byAssignee: [...byAssignee.entries()]
      .map(([assigneeId, count]) => ({ assigneeId, count }))
      .sort((a, b) => b.count - a.count),
    mine: open.filter((t) => me && t.assigneeId === me).slice(0, 8),
    recent: [...open].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).slice(0, 8),
    totalOpen: open.length,
  };
}

export async function loadDashboard(api: HostApi, me: string | undefined, signal?: AbortSignal) {
  const tickets = ticketsApi(api);
  const pages = await Promise.all(
    OPEN_STATUSES.map(async (status) => {
      const page = await tickets.list({ status }, undefined, DASHBOARD_PAGE, signal);
      return { status, tickets: page.data, capped: page.nextCursor !== null };
    }),
  );
  return summarize(pages, me);
}
