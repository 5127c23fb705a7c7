/**
 * The `queue` store: the ticket list an agent works through. It holds the loaded rows of the
 * current view (or ad-hoc filters), pages further on demand (keyset cursor), sorts them, keeps
 * a selection and a keyboard focus, applies live updates, and changes tickets optimistically
 * (rolled back row by row when the server refuses).
 */
import { ApiError, toApiError } from '@novumdesk/admin-sdk';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, triggerRef } from 'vue';
import { hostApi } from '../api/client';
import {
  isMissingRoute,
  OPEN_STATUSES,
  ticketsApi,
  type Ticket,
  type TicketFilters,
} from '../api/tickets';

export type SortField = 'updatedAt' | 'createdAt' | 'number' | 'priority' | 'status' | 'subject';
export interface Sort {
  field: SortField;
  dir: 'asc' | 'desc';
}

/** Built-in views that need no server support: each is a filter on `GET /tickets`. */
export interface QueueSource {
  /** `builtin:<name>` or a server view id. */
  id: string;
  filters: TicketFilters;
  /** Server views list their tickets at `/views/{id}/tickets`. */
  server?: boolean;
}

const PRIORITY_RANK: Record<string, number> = { low: 0, normal: 1, high: 2, urgent: 3 };
const STATUS_RANK: Record<string, number> = {
  new: 0,
  open: 1,
  pending: 2,
  on_hold: 3,
  solved: 4,
  closed: 5,
};

export function compareTickets(a: Ticket, b: Ticket, sort: Sort): number {
  let diff: number;
  switch (sort.field) {
    case 'number':
      diff = a.number - b.number;
      break;
    case 'priority':
      diff = (PRIORITY_RANK[a.priority] ?? 0) - (PRIORITY_RANK[b.priority] ?? 0);
      break;
    case 'status':
      diff = (STATUS_RANK[a.status] ?? 0) - (STATUS_RANK[b.status] ?? 0);
      break;
    case 'subject':
      diff = a.subject.localeCompare(b.subject);
      break;
    default:
      diff = a[sort.field].localeCompare(b[sort.field]);
  }
  // Ties: newest number first, so the order is stable.
  return (sort.dir === 'asc' ? diff : -diff) || b.number - a.number;
}

/** Whether a ticket belongs in a list with these filters (for live inserts and removals). */
export function matchesFilters(ticket: Ticket, filters: TicketFilters): boolean {
  if (filters.status === 'open_all') {
    if (!(OPEN_STATUSES as readonly string[]).includes(ticket.status)) return false;
  } else if (filters.status && ticket.status !== filters.status) return false;
  if (filters.statuses && !filters.statuses.includes(ticket.status)) return false;
  if (filters.tags && !filters.tags.every((tag) => ticket.tags.includes(tag))) return false;
  if (filters.assigneeId === 'none') {
    if (ticket.assigneeId) return false;
  } else if (filters.assigneeId && ticket.assigneeId !== filters.assigneeId) return false;
  if (filters.tag && !ticket.tags.includes(filters.tag)) return false;
  if (filters.q) {
    const q = filters.q.toLowerCase();
    if (!ticket.subject.toLowerCase().includes(q) && String(ticket.number) !== q) return false;
  }
  return true;
}

/** Server query for filters: pseudo-values (`open_all`, `none`) are applied client-side. */
function serverFilters(filters: TicketFilters): TicketFilters {
  const { statuses: _s, tags: _t, ...out } = filters;
  if (out.status === 'open_all') delete out.status;
  if (out.assigneeId === 'none') delete out.assigneeId;
  return out;
}

export const useQueueStore = defineStore('queue', () => {
  const api = ticketsApi(hostApi);
  const source = ref<QueueSource>({ id: 'builtin:open', filters: { status: 'open_all' } });
  const search = ref('');
  const sort = ref<Sort>({ field: 'updatedAt', dir: 'desc' });
  // A shallowRef over a Map: 10,000 rows must not each become a deep reactive proxy.
  const byId = shallowRef(new Map<string, Ticket>());
  const order = shallowRef<string[]>([]);
  const nextCursor = ref<string | null>(null);
  const loading = ref(false);
  const error = shallowRef<ApiError>();
  const loaded = ref(false);
  const selected = ref(new Set<string>());
  const focusIndex = ref(0);
  /** Ids changed live since the list was loaded (highlighted briefly). */
  const fresh = ref(new Set<string>());
  let generation = 0;

  const filters = computed<TicketFilters>(() => ({
    ...source.value.filters,
    ...(search.value.trim() ? { q: search.value.trim() } : {}),
  }));

  const rows = computed<Ticket[]>(() => {
    const map = byId.value;
    const list = order.value.map((id) => map.get(id)).filter((t): t is Ticket => !!t);
    // The server did the full-text part (`q`); rows that stopped matching the rest (closed in
    // an "open" view, reassigned…) leave the list at once.
    const { q: _q, ...f } = filters.value;
    return list
      .filter((t) => matchesFilters(t, f))
      .sort((a, b) => compareTickets(a, b, sort.value));
  });
  const focused = computed(() => rows.value[focusIndex.value]);
  const selectedIds = computed(() => [...selected.value]);
  const hasMore = computed(() => nextCursor.value !== null);

  function replaceRows(tickets: Ticket[], append: boolean): void {
    const map = append ? new Map(byId.value) : new Map<string, Ticket>();
    const ids = append ? [...order.value] : [];
    for (const t of tickets) {
      if (!map.has(t.id)) ids.push(t.id);
      map.set(t.id, t);
    }
    byId.value = map;
    order.value = ids;
  }

  async function fetchPage(cursor?: string): Promise<void> {
    const current = ++generation;
    loading.value = true;
    try {
      const src = source.value;
      const page = src.server
        ? await api.viewTickets(src.id, cursor).catch(async (err: unknown) => {
            // A view the server cannot list: fall back to its filters.
            if (!isMissingRoute(toApiError(err))) throw err;
            return api.list(serverFilters(filters.value), cursor);
          })
        : await api.list(serverFilters(filters.value), cursor);
      if (current !== generation) return;
      replaceRows(page.data, cursor !== undefined);
      nextCursor.value = page.nextCursor;
      error.value = undefined;
      loaded.value = true;
    } catch (err) {
      if (current !== generation) return;
      error.value = toApiError(err);
    } finally {
      if (current === generation) loading.value = false;
    }
  }

  /** (Re)load the first page of the current source. */
  function reload(): Promise<void> {
    nextCursor.value = null;
    selected.value = new Set();
    focusIndex.value = 0;
    return fetchPage();
  }

  function loadMore(): Promise<void> {
    if (loading.value || !nextCursor.value) return Promise.resolve();
    return fetchPage(nextCursor.value);
  }

  function setSource(next: QueueSource, nextSort?: Sort): Promise<void> {
    source.value = next;
    if (nextSort) sort.value = nextSort;
    loaded.value = false;
    byId.value = new Map();
    order.value = [];
    return reload();
  }

  function setSort(field: SortField): void {
    sort.value =
      sort.value.field === field
        ? { field, dir: sort.value.dir === 'asc' ? 'desc' : 'asc' }
        : { field, dir: field === 'subject' ? 'asc' : 'desc' };
  }

  /** A ticket from the server (live event or our own write): insert, update or drop it. */
  function upsert(ticket: Ticket, markFresh = true): void {
    const map = new Map(byId.value);
    const isNew = !map.has(ticket.id);
    map.set(ticket.id, ticket);
    byId.value = map;
    if (isNew) order.value = [ticket.id, ...order.value];
    if (markFresh) {
      fresh.value.add(ticket.id);
      triggerRef(fresh);
      setTimeout(() => {
        fresh.value.delete(ticket.id);
        triggerRef(fresh);
      }, 4000);
    }
  }

  function remove(id: string): void {
    if (!byId.value.has(id)) return;
    const map = new Map(byId.value);
    map.delete(id);
    byId.value = map;
    order.value = order.value.filter((x) => x !== id);
    selected.value.delete(id);
  }

  /** Fetch one ticket after a live event; ignore tickets we may not see. */
  async function refreshOne(id: string): Promise<void> {
    try {
      const ticket = await api.get(id);
      const { timeline: _timeline, ...row } = ticket;
      // A new ticket joins only a list it belongs to (not a search result: the server decides).
      const known = byId.value.has(id);
      if (!known && (filters.value.q || !matchesFilters(row, filters.value))) return;
      upsert(row);
    } catch (err) {
      if (toApiError(err).status === 404) remove(id);
    }
  }

  /** Polling fallback (no live events): merge the first page, marking new rows. */
  async function refreshHead(): Promise<void> {
    if (loading.value) return;
    try {
      const src = source.value;
      const page = src.server
        ? await api.viewTickets(src.id)
        : await api.list(serverFilters(filters.value));
      for (const ticket of page.data) {
        const old = byId.value.get(ticket.id);
        if (!old || old.updatedAt !== ticket.updatedAt) upsert(ticket, !!old || loaded.value);
      }
    } catch {
      // The next poll tries again; the list keeps what it has.
    }
  }

  /**
   * Optimistic change of several tickets: rows change at once; each refusal puts its row back
   * and is reported. Several tickets go through `POST /tickets/bulk` (a job, followed until it
   * completes) when the server has it; otherwise, and for one ticket, one PATCH each.
   */
  async function change(
    ids: readonly string[],
    patch: Partial<Ticket>,
  ): Promise<{ ok: number; failed: { id: string; error: ApiError }[] }> {
    const before = new Map<string, Ticket>();
    const map = new Map(byId.value);
    for (const id of ids) {
      const t = map.get(id);
      if (!t) continue;
      before.set(id, t);
      map.set(id, { ...t, ...patch });
    }
    byId.value = map;
    const targets = [...before.keys()];

    let failed: { id: string; error: ApiError }[] | undefined;
    if (targets.length > 1) failed = await viaBulk(targets, patch);
    if (!failed) {
      failed = [];
      const results = await Promise.allSettled(
        targets.map(async (id) => upsert(await api.update(id, patch), false)),
      );
      targets.forEach((id, i) => {
        const result = results[i];
        if (result?.status === 'rejected') failed!.push({ id, error: toApiError(result.reason) });
      });
    }
    if (failed.length) {
      const rollback = new Map(byId.value);
      for (const { id } of failed) rollback.set(id, before.get(id)!);
      byId.value = rollback;
    }
    return { ok: targets.length - failed.length, failed };
  }

  /** The bulk route and its job; undefined when this server has no bulk route. */
  async function viaBulk(
    ids: string[],
    patch: Partial<Ticket>,
  ): Promise<{ id: string; error: ApiError }[] | undefined> {
    const changes = Object.fromEntries(
      Object.entries(patch).filter(([k]) =>
        ['status', 'assigneeId', 'teamId', 'priority'].includes(k),
      ),
    );
    if (Object.keys(changes).length !== Object.keys(patch).length) return undefined;
    let job;
    try {
      job = await api.bulk(ids, changes);
    } catch (err) {
      const problem = toApiError(err);
      if (isMissingRoute(problem)) return undefined;
      return ids.map((id) => ({ id, error: problem }));
    }
    for (let wait = 100; job.status !== 'completed'; wait = Math.min(wait * 2, 1000)) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      job = await api.bulkJob(job.id);
    }
    return job.errors.map((e) => ({
      id: e.ticketId,
      error: toApiError(new ApiError({ title: e.message, status: 409, code: e.code })),
    }));
  }

  function toggleSelect(id: string): void {
    const next = new Set(selected.value);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    selected.value = next;
  }

  function selectAll(on: boolean): void {
    selected.value = on ? new Set(rows.value.map((t) => t.id)) : new Set();
  }

  function moveFocus(delta: number): void {
    const max = rows.value.length - 1;
    focusIndex.value = Math.max(0, Math.min(max, focusIndex.value + delta));
  }

  return {
    source,
    search,
    sort,
    rows,
    filters,
    nextCursor,
    hasMore,
    loading,
    loaded,
    error,
    selected,
    selectedIds,
    focusIndex,
    focused,
    fresh,
    reload,
    loadMore,
    setSource,
    setSort,
    upsert,
    remove,
    refreshOne,
    refreshHead,
    change,
    toggleSelect,
    selectAll,
    moveFocus,
  };
});
