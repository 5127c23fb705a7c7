/**
 * The queue's views: built-in ones (filters on `GET /tickets`, always there) and the saved
 * views of `GET /views` with their counts (`GET /views/counts`) when the server has them.
 */
import { toApiError } from '@novumdesk/admin-sdk';
import { ref } from 'vue';
import { hostApi } from '../../api/client';
import { isMissingRoute, ticketsApi, type TicketFilters, type TicketView } from '../../api/tickets';
import type { QueueSource, Sort } from '../../stores/queue';

export interface QueueViewEntry extends QueueSource {
  /** Catalogue key (built-in) or the saved view's name. */
  label: string;
  builtin: boolean;
  sort?: Sort;
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

/** A saved view's filters as the queue matches live updates against them. */
export function filtersOf(view: TicketView, userId: string | undefined): TicketFilters {
  const f = view.filters ?? {};
  const assignee = f.assignee === 'me' ? userId : f.assignee === 'unassigned' ? 'none' : f.assignee;
  return {
    ...(f.status?.length ? { statuses: f.status } : {}),
    ...(assignee ? { assigneeId: assignee } : {}),
    ...(f.tags?.length ? { tags: f.tags } : {}),
    ...(f.requesterId ? { requesterId: f.requesterId } : {}),
  };
}

/**
 * Saved views (`GET /views`, with defaults the server creates) and their counts. When the
 * server has no views API, `available` turns false and the queue shows the built-in views.
 */
export function useSavedViews(userId: () => string | undefined) {
  const api = ticketsApi(hostApi);
  const views = ref<QueueViewEntry[]>([]);
  const counts = ref<Record<string, string>>({});
  const available = ref(true);
  const loaded = ref(false);

  async function load(): Promise<void> {
    try {
      const list = await api.views();
      views.value = [...list]
        .sort((a, b) => (a.position ?? 0) - (b.position ?? 0))
        .map((v) => ({
          id: v.id,
          label: v.name,
          filters: filtersOf(v, userId()),
          server: true,
          builtin: false,
          sort: v.sort ? { field: v.sort.by, dir: v.sort.dir } : undefined,
        }));
    } catch (err) {
      if (isMissingRoute(toApiError(err))) available.value = false;
      views.value = [];
    }
    loaded.value = true;
    if (available.value) await loadCounts();
  }

  async function loadCounts(): Promise<void> {
    try {
      const list = await api.viewCounts();
      counts.value = Object.fromEntries(
        list.map((c) => [c.viewId, c.capped ? `${c.count}+` : String(c.count)]),
      );
    } catch {
      counts.value = {};
    }
  }

  return { views, counts, available, loaded, load, loadCounts };
}
