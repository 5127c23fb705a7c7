/**
 * The queue's views: built-in ones (filters on `GET /tickets`, always there) and the saved
 * views of `GET /views` with their counts (`GET /views/counts`) when the server has them.
 */
import { toApiError } from '@novumdesk/admin-sdk';
import { ref } from 'vue';
import { hostApi } from '../../api/client';
import { isMissingRoute, ticketsApi, type TicketFilters, type TicketView } from '../../api/tickets';
import type { QueueSource } from '../../stores/queue';

export interface QueueViewEntry extends QueueSource {
  /** Catalogue key (built-in) or the saved view's name. */
  label: string;
  builtin: boolean;
}

export function builtinViews(userId: string | undefined): QueueViewEntry[] {
  const entry = (id: string, label: string, filters: TicketFilters): QueueViewEntry => ({
    id: `builtin:${id}`,
    label,
    filters,
    builtin: true,
  });
  return [
    entry('open', 'queue.views.open', { status: 'open_all' }),
    ...(userId
      ? [entry('mine', 'queue.views.mine', { status: 'open_all', assigneeId: userId })]
      : []),
    entry('unassigned', 'queue.views.unassigned', { status: 'open_all', assigneeId: 'none' }),
    entry('new', 'queue.views.new', { status: 'new' }),
    entry('pending', 'queue.views.pending', { status: 'pending' }),
    entry('solved', 'queue.views.solved', { status: 'solved' }),
    entry('closed', 'queue.views.closed', { status: 'closed' }),
    entry('all', 'queue.views.all', {}),
  ];
}

function filtersOf(view: TicketView): TicketFilters {
  const f = (view.filters ?? {}) as Record<string, unknown>;
  const pick = (key: string) => (typeof f[key] === 'string' ? (f[key] as string) : undefined);
  return { status: pick('status'), assigneeId: pick('assigneeId'), tag: pick('tag') };
}

/** Saved views and counts; `available` is false when the server has no views API. */
export function useSavedViews() {
  const api = ticketsApi(hostApi);
  const views = ref<QueueViewEntry[]>([]);
  const counts = ref<Record<string, number>>({});
  const available = ref(true);

  async function load(): Promise<void> {
    try {
      const body = await api.views();
      const list = Array.isArray(body) ? body : body.data;
      views.value = list.map((v) => ({
        id: v.id,
        label: v.name,
        filters: filtersOf(v),
        server: true,
        builtin: false,
      }));
    } catch (err) {
      if (isMissingRoute(toApiError(err))) available.value = false;
      views.value = [];
    }
    if (!available.value) return;
    try {
      const body = await api.viewCounts();
      counts.value =
        'data' in body && Array.isArray(body.data)
          ? Object.fromEntries(body.data.map((c) => [c.viewId, c.count]))
          : (body as Record<string, number>);
    } catch {
      counts.value = {};
    }
  }

  return { views, counts, available, load };
}
