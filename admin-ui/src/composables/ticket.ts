/**
 * One ticket's page state: the ticket, its timeline (paged, oldest first, live appends), and
 * optimistic property changes rolled back when the server refuses them.
 */
import { toApiError, type ApiError } from '@novumdesk/admin-sdk';
import { computed, ref, shallowRef } from 'vue';
import type { HostApi } from '../api/client';
import { ticketsApi, type Ticket, type TimelineItem } from '../api/tickets';

export function useTicket(api: HostApi, id: () => string) {
  const tickets = ticketsApi(api);
  const ticket = shallowRef<Ticket>();
  const timeline = ref<TimelineItem[]>([]);
  const olderCursor = ref<string | null>(null);
  const loading = ref(false);
  const error = shallowRef<ApiError>();
  const saving = ref(new Set<string>());

  async function load(): Promise<void> {
    loading.value = true;
    try {
      const detail = await tickets.get(id());
      const { timeline: items, ...row } = detail;
      ticket.value = row;
      timeline.value = items;
      error.value = undefined;
      // The detail carries the last 20 items; the timeline route has the rest.
      const page = await tickets.timeline(id()).catch(() => undefined);
      if (page) {
        timeline.value = mergeTimeline([], page.data);
        olderCursor.value = page.nextCursor;
      }
    } catch (err) {
      error.value = toApiError(err);
    } finally {
      loading.value = false;
    }
  }

  async function loadOlder(): Promise<void> {
    if (!olderCursor.value) return;
    const page = await tickets.timeline(id(), olderCursor.value);
    timeline.value = mergeTimeline(timeline.value, page.data);
    olderCursor.value = page.nextCursor;
  }

  /** Newer items (after a reply, or a live event): fetched and merged by id. */
  async function refreshTimeline(): Promise<void> {
    const detail = await tickets.get(id());
    const { timeline: items, ...row } = detail;
    ticket.value = row;
    timeline.value = mergeTimeline(timeline.value, items);
  }

  /**
   * Change properties now; the server's answer replaces the row, a refusal restores the
   * previous values and is returned.
   */
  async function update(patch: Partial<Ticket>): Promise<ApiError | undefined> {
    const before = ticket.value;
    if (!before) return undefined;
    const keys = Object.keys(patch);
    ticket.value = { ...before, ...patch };
    keys.forEach((k) => saving.value.add(k));
    try {
      ticket.value = await tickets.update(before.id, patch);
      void refreshTimeline().catch(() => undefined);
      return undefined;
    } catch (err) {
      // Roll back only what this change touched: a concurrent change of another field stays.
      const current = ticket.value;
      const restored = { ...current } as Record<string, unknown>;
      for (const k of keys) restored[k] = (before as unknown as Record<string, unknown>)[k];
      ticket.value = restored as unknown as Ticket;
      return toApiError(err);
    } finally {
      keys.forEach((k) => saving.value.delete(k));
    }
  }

  const messages = computed(() => timeline.value.filter((i) => i.itemType === 'message'));

  return {
    ticket,
    timeline,
    messages,
    olderCursor,
    loading,
    error,
    saving,
    load,
    loadOlder,
    refreshTimeline,
    update,
  };
}

/** Union by id, oldest first (ties by id, which are time-ordered uuids). */
export function mergeTimeline(current: TimelineItem[], incoming: TimelineItem[]): TimelineItem[] {
  const byId = new Map(current.map((i) => [i.id, i]));
  for (const item of incoming) byId.set(item.id, item);
  return [...byId.values()].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
  );
}
