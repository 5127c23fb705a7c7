/**
 * What travels between web nodes (the NOTIFY payload, or in-process in embedded mode) and how
 * it becomes a server-sent event. Domain events carry ids only (their payloads), plus, for
 * `ticket.updated`, the fields that changed (from the ticket's timeline rows written in the same
 * transaction). Presence messages carry the ticket's current viewers.
 */
export const REALTIME_CHANNEL = 'novumdesk_realtime';

/** Domain events forwarded to streams (`ticket.*` covers `ticket.merged` and later ones). */
export const REALTIME_EVENT_FILTER_SQL = `(d.name like 'ticket.%' or d.name in ('message.created', 'note.created'))`;

export interface PresenceViewer {
  userId: string;
  name: string;
  state: 'viewing' | 'replying';
  updatedAt: string;
  expiresAt: string;
}

export interface DomainEventMessage {
  kind: 'event';
  workspaceId: string;
  /** The outbox position: the SSE event id, and what `Last-Event-ID` resumes after. */
  position: string;
  id: string;
  name: string;
  payload: Record<string, unknown>;
  actor: { kind: string; id: string } | null;
  occurredAt: string;
  /** `ticket.updated`: the changed fields (`status`, `assigneeId`, `tags`, …). */
  changes: string[] | null;
}

export interface PresenceMessage {
  kind: 'presence';
  workspaceId: string;
  ticketId: string;
  viewers: PresenceViewer[];
}

export type RealtimeMessage = DomainEventMessage | PresenceMessage;

/** The JSON of one SSE `data:` line (JSON.stringify never emits a raw newline). */
export function eventData(message: RealtimeMessage): Record<string, unknown> {
  if (message.kind === 'presence') {
    return { type: 'presence', ticketId: message.ticketId, viewers: message.viewers };
  }
  const payload = message.payload;
  const changes = Array.isArray(payload.changes) ? payload.changes : message.changes;
  return {
    id: message.id,
    type: message.name,
    // `ticket.merged` names the surviving ticket `targetId`.
    ticketId:
      typeof payload.ticketId === 'string'
        ? payload.ticketId
        : typeof payload.targetId === 'string'
          ? payload.targetId
          : null,
    ...(typeof payload.messageId === 'string' ? { messageId: payload.messageId } : {}),
    ...(changes ? { changes } : {}),
    actor: message.actor,
    occurredAt: message.occurredAt,
    payload,
  };
}

/** One SSE frame: `id:` (domain events only), `event:`, `data:`. */
export function sseFrame(message: RealtimeMessage): string {
  const data = JSON.stringify(eventData(message));
  if (message.kind === 'presence') return `event: presence\ndata: ${data}\n\n`;
  return `id: ${message.position}\nevent: ${message.name}\ndata: ${data}\n\n`;
}

/** A row of the shared domain-event select (`events-sql.ts`) as a message. */
export function eventMessage(row: Record<string, unknown>): DomainEventMessage {
  const json = <T>(value: unknown): T =>
    (typeof value === 'string' ? JSON.parse(value) : value) as T;
  const changes = json<string[] | null>(row.changes ?? null);
  return {
    kind: 'event',
    workspaceId: String(row.workspace_id),
    position: String(row.position),
    id: String(row.id),
    name: String(row.name),
    payload: json<Record<string, unknown>>(row.payload) ?? {},
    actor: json<{ kind: string; id: string } | null>(row.actor ?? null),
    occurredAt: new Date(row.occurred_at as string).toISOString(),
    changes: Array.isArray(changes) ? changes : null,
  };
}
