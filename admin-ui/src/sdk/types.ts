/**
 * The records a panel's context carries: the subset of the public API's shapes (see
 * `/api/v1/openapi.json`: `Ticket`, `Contact`, `Me`) that the host guarantees to pass. A panel
 * that needs more reads it through the API client.
 */

export type TicketStatus = 'new' | 'open' | 'pending' | 'on_hold' | 'solved' | 'closed';
export type TicketPriority = 'low' | 'normal' | 'high' | 'urgent';

export interface PanelTicket {
  id: string;
  /** Per workspace, shown as `#123`. */
  number: number;
  subject: string;
  status: TicketStatus | (string & {});
  priority: TicketPriority | (string & {});
  requesterId: string;
  assigneeId: string | null;
  teamId: string | null;
  tags: string[];
  customFields: Record<string, unknown>;
  /** The channel the ticket came through (`api`, `email`, …) and its inbox. */
  via: { channel: string; inboxId: string | null };
  createdAt: string;
  updatedAt: string;
}

export interface PanelContact {
  id: string;
  name: string | null;
  emails: string[];
  phones: string[];
  organizationId: string | null;
}

/** The signed-in user. */
export interface PanelUser {
  id: string;
  email: string;
  displayName: string;
  timeZone: string | null;
  language: string | null;
}

export interface PanelWorkspace {
  id: string;
  name: string;
  slug: string;
}
