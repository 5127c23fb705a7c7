/**
 * Shapes and calls of the ticket routes (the served `/api/v1/openapi.json` is the reference).
 * Routes that a server may not have yet (views, bulk, drafts, presence…) are called the same
 * way; callers treat their 404 as "not available on this server" (`isMissingRoute`).
 */
import type { ApiError, NovumApi, PanelTicket, QueryValue } from '@novumdesk/admin-sdk';

export type Ticket = PanelTicket & {
  type: string | null;
  firstResponseAt: string | null;
  solvedAt: string | null;
  followerIds?: string[];
};

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface TicketMessage {
  id: string;
  ticketId: string;
  kind: 'reply' | 'note';
  direction: 'inbound' | 'outbound' | null;
  authorUserId: string | null;
  authorContactId: string | null;
  bodyText: string;
  bodyHtml?: string | null;
  attachments?: Attachment[];
  deliveryStatus: string | null;
  createdAt: string;
}

export interface TimelineItem {
  itemType: 'message' | 'event';
  id: string;
  createdAt: string;
  message?: TicketMessage;
  event?: {
    type: string;
    actor: { kind: string; id: string } | null;
    data: Record<string, unknown>;
  };
}

export type TicketDetail = Ticket & { timeline: TimelineItem[] };

export interface Attachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  messageId?: string | null;
}

export interface TicketFilters {
  requesterId?: string;
  /** One status, `open_all` (every open one), or (saved views) any of several. */
  status?: string;
  statuses?: string[];
  /** Every one of these tags (saved views). */
  tags?: string[];
  assigneeId?: string;
  tag?: string;
  q?: string;
}

export interface TicketView {
  id: string;
  name: string;
  shared: boolean;
  filters: {
    status?: string[];
    assignee?: string;
    tags?: string[];
    teamId?: string;
    requesterId?: string;
    q?: string;
  };
  sort?: { by: 'updatedAt' | 'createdAt'; dir: 'asc' | 'desc' };
  position?: number;
}

export interface Draft {
  kind?: 'reply' | 'note';
  body: string;
  attachmentIds?: string[];
  updatedAt?: string;
}

export interface BulkJob {
  id: string;
  status: 'queued' | 'running' | 'completed';
  total: number;
  done: number;
  updated: number;
  errors: { ticketId: string; code: string; message: string }[];
  results?: { ticketId: string; status: 'updated' | 'unchanged' | 'failed' }[];
}

/** What `POST /tickets/bulk` can change. */
export interface BulkChanges {
  status?: string;
  assigneeId?: string | null;
  teamId?: string | null;
  priority?: string;
  addTags?: string[];
  removeTags?: string[];
}

export const TICKET_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const OPEN_STATUSES = ['new', 'open', 'pending', 'on_hold'] as const;

/** For collection routes (no id in the path): a 404/405 means this server lacks the route. */
export function isMissingRoute(err: ApiError): boolean {
  return err.status === 404 || err.status === 405;
}

const clean = (filters: TicketFilters): Record<string, QueryValue> =>
  Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined && v !== ''));

export const ticketsApi = (api: NovumApi) => ({
  list: (filters: TicketFilters, cursor?: string, limit = 200, signal?: AbortSignal) =>
    api.get<Page<Ticket>>('/api/v1/tickets', {
      query: { ...clean(filters), limit, cursor },
      signal,
    }),
  get: (id: string, signal?: AbortSignal) =>
    api.get<TicketDetail>(`/api/v1/tickets/${id}`, { signal }),
  timeline: (id: string, cursor?: string, signal?: AbortSignal) =>
    api.get<Page<TimelineItem>>(`/api/v1/tickets/${id}/timeline`, {
      query: { limit: 200, cursor },
      signal,
    }),
  create: (body: {
    subject: string;
    requester: { email: string; name?: string };
    message: { body: string };
  }) => api.post<Ticket>('/api/v1/tickets', body),
  update: (id: string, patch: Partial<Ticket>) => api.patch<Ticket>(`/api/v1/tickets/${id}`, patch),
  reply: (id: string, body: string, attachmentIds?: string[]) =>
    api.post<TicketMessage>(`/api/v1/tickets/${id}/messages`, {
      body,
      ...(attachmentIds?.length ? { attachmentIds } : {}),
    }),
  note: (id: string, body: string, attachmentIds?: string[]) =>
    api.post<TicketMessage>(`/api/v1/tickets/${id}/notes`, {
      body,
      ...(attachmentIds?.length ? { attachmentIds } : {}),
    }),
  setFollowers: (id: string, userIds: string[]) =>
    api.put<unknown>(`/api/v1/tickets/${id}/followers`, { userIds }),
  /** Merges `sourceId` into `targetId`: its conversation moves there, and it closes. */
  merge: (sourceId: string, targetId: string) =>
    api.post<unknown>(`/api/v1/tickets/${sourceId}/merge`, { targetTicketId: targetId }),
  getDraft: (id: string, signal?: AbortSignal) =>
    api.get<Draft>(`/api/v1/tickets/${id}/draft`, { signal }),
  saveDraft: (id: string, draft: Draft) => api.put<Draft>(`/api/v1/tickets/${id}/draft`, draft),
  deleteDraft: (id: string) => api.delete<void>(`/api/v1/tickets/${id}/draft`),
  presence: (id: string, state: 'viewing' | 'replying' | 'left') =>
    api.post<unknown>(`/api/v1/tickets/${id}/presence`, { state }),
  views: (signal?: AbortSignal) => api.get<TicketView[]>('/api/v1/views', { signal }),
  viewCounts: (signal?: AbortSignal) =>
    api.get<{ viewId: string; count: number; capped: boolean }[]>('/api/v1/views/counts', {
      signal,
    }),
  viewTickets: (viewId: string, cursor?: string, limit = 200, signal?: AbortSignal) =>
    api.get<Page<Ticket>>(`/api/v1/views/${viewId}/tickets`, { query: { cursor, limit }, signal }),
  bulk: (ticketIds: string[], changes: BulkChanges) =>
    api.post<BulkJob>('/api/v1/tickets/bulk', { ticketIds, changes }),
  bulkJob: (jobId: string) => api.get<BulkJob>(`/api/v1/tickets/bulk/${jobId}`),
});

export const attachmentUrl = (id: string) => `/api/v1/attachments/${id}`;

export type TicketsApi = ReturnType<typeof ticketsApi>;
