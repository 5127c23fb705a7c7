/**
 * What one ticket contributes to the reports, derived from the ticket's current row and its
 * history (status changes on the timeline, agents' public replies). A pure function: the same
 * ticket always gives the same activities, which is what makes the event subscribers idempotent
 * and a rebuild from scratch equal to the incremental tables.
 *
 * Rules (docs/analytics.md, "Report metrics"):
 * - `created`: once per ticket, at its creation, counted under its current assignee.
 * - `first_response`: the first public reply by an agent; `seconds` = reply − creation; counted
 *   under the agent who replied.
 * - `reply`: every public reply by an agent, under that agent.
 * - `reopened`: every status change from solved/closed back to an open category.
 * - `solved`: a ticket currently solved or closed, at its latest move into solved/closed;
 *   `seconds` = full resolution time (creation → that move, reopened spells included),
 *   `replies` = agents' replies up to then.
 * - A ticket merged into another counts only its replies (the work was done); it is not a
 *   created, solved or reopened ticket of its own. A deleted ticket contributes nothing.
 */

export const DONE_STATUSES: ReadonlySet<string> = new Set(['solved', 'closed']);
export const ACTIVITY_KINDS = ['created', 'first_response', 'reply', 'reopened', 'solved'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export interface TicketHistory {
  id: string;
  number: number;
  createdAt: Date;
  status: string;
  priority: string;
  channel: string;
  inboxId: string | null;
  assigneeId: string | null;
  teamId: string | null;
  tags: string[];
  /** The ticket row's `solved_at`, used when the timeline has no move into solved/closed. */
  solvedAt: Date | null;
  /** Status changes, oldest first. */
  statusChanges: { at: Date; from: string; to: string }[];
  /** Agents' public (outbound) replies, oldest first. */
  agentReplies: { at: Date; agentId: string }[];
  /** Set when the ticket was merged into another one. */
  mergedInto: string | null;
}

export interface Activity {
  seq: number;
  kind: ActivityKind;
  at: Date;
  agentId: string | null;
  teamId: string | null;
  inboxId: string | null;
  channel: string;
  priority: string;
  tags: string[];
  seconds: number | null;
  replies: number | null;
}

export interface TicketFact {
  ticketId: string;
  number: number;
  createdAt: Date;
  status: string;
  priority: string;
  channel: string;
  inboxId: string | null;
  assigneeId: string | null;
  teamId: string | null;
  tags: string[];
  firstResponseAt: Date | null;
  solvedAt: Date | null;
  reopens: number;
  agentReplies: number;
  mergedInto: string | null;
}

const secondsBetween = (from: Date, to: Date) =>
  Math.max(0, Math.floor((to.getTime() - from.getTime()) / 1000));

export function deriveTicket(t: TicketHistory): { fact: TicketFact; activities: Activity[] } {
  const activities: Activity[] = [];
  const dims = {
    teamId: t.teamId,
    inboxId: t.inboxId,
    channel: t.channel,
    priority: t.priority,
    tags: [...t.tags].sort(),
  };
  const add = (
    kind: ActivityKind,
    at: Date,
    agentId: string | null,
    seconds: number | null = null,
    replies: number | null = null,
  ) => activities.push({ seq: activities.length, kind, at, agentId, ...dims, seconds, replies });

  const merged = t.mergedInto !== null;
  const firstReply = t.agentReplies[0] ?? null;
  const reopenedAt = t.statusChanges
    .filter((c) => DONE_STATUSES.has(c.from) && !DONE_STATUSES.has(c.to))
    .map((c) => c.at);
  let solvedAt: Date | null = null;
  if (DONE_STATUSES.has(t.status)) {
    const moves = t.statusChanges.filter(
      (c) => DONE_STATUSES.has(c.to) && !DONE_STATUSES.has(c.from),
    );
    solvedAt = moves.at(-1)?.at ?? t.solvedAt ?? t.createdAt;
  }

  if (!merged) {
    add('created', t.createdAt, t.assigneeId);
    if (firstReply) {
      add(
        'first_response',
        firstReply.at,
        firstReply.agentId,
        secondsBetween(t.createdAt, firstReply.at),
      );
    }
  }
  for (const reply of t.agentReplies) add('reply', reply.at, reply.agentId);
  if (!merged) {
    for (const at of reopenedAt) add('reopened', at, t.assigneeId);
    if (solvedAt) {
      const done = solvedAt;
      const replies = t.agentReplies.filter((r) => r.at.getTime() <= done.getTime()).length;
      add('solved', done, t.assigneeId, secondsBetween(t.createdAt, done), replies);
    }
  }

  return {
    fact: {
      ticketId: t.id,
      number: t.number,
      createdAt: t.createdAt,
      status: t.status,
      priority: t.priority,
      channel: t.channel,
      inboxId: t.inboxId,
      assigneeId: t.assigneeId,
      teamId: t.teamId,
      tags: dims.tags,
      firstResponseAt: firstReply?.at ?? null,
      solvedAt,
      reopens: reopenedAt.length,
      agentReplies: t.agentReplies.length,
      mergedInto: t.mergedInto,
    },
    activities,
  };
}

/** A stable text form of an activity, to tell whether a ticket's contribution changed. */
export function activityKey(a: Activity): string {
  return [
    a.seq,
    a.kind,
    a.at.toISOString(),
    a.agentId ?? '',
    a.teamId ?? '',
    a.inboxId ?? '',
    a.channel,
    a.priority,
    a.tags.join('\u0001'),
    a.seconds ?? '',
    a.replies ?? '',
  ].join('|');
}
