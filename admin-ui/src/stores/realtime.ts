/**
 * The `realtime` store: one `EventSource` on `GET /api/v1/realtime` for the whole page, fanned
 * out to subscribers by event name (`ticket.created`, `ticket.updated`, `message.created`,
 * `note.created`, `presence`). It reconnects by itself (EventSource does); when the server has
 * no such route, `status` is `unavailable` and views fall back to polling.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';

export type RealtimeStatus = 'idle' | 'connecting' | 'open' | 'unavailable';

export interface RealtimeEvent<T = Record<string, unknown>> {
  type: string;
  data: T;
}

export const REALTIME_PATH = '/api/v1/realtime';
export const REALTIME_EVENTS = [
  'ticket.created',
  'ticket.updated',
  'message.created',
  'note.created',
  'ticket.merged',
  'presence',
  'reset',
] as const;

type Listener = (event: RealtimeEvent) => void;

export const useRealtimeStore = defineStore('realtime', () => {
  const status = ref<RealtimeStatus>('idle');
  const listeners = new Map<string, Set<Listener>>();
  let source: EventSource | undefined;
  let failures = 0;

  function dispatch(type: string, raw: string): void {
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return;
    }
    // Servers may send typed events or one `message` event with the type inside.
    const name = typeof data.type === 'string' && type === 'message' ? data.type : type;
    const payload =
      type === 'message' && typeof data.data === 'object' && data.data !== null
        ? (data.data as Record<string, unknown>)
        : data;
    for (const key of [name, '*']) {
      for (const listener of listeners.get(key) ?? []) listener({ type: name, data: payload });
    }
  }

  function connect(): void {
    if (source || typeof EventSource === 'undefined') return;
    status.value = 'connecting';
    const es = new EventSource(REALTIME_PATH, { withCredentials: true });
    source = es;
    es.onopen = () => {
      failures = 0;
      status.value = 'open';
    };
    es.onerror = () => {
      // Before any open: the route is missing or refused; give up after a few tries.
      if (status.value !== 'open') failures += 1;
      if (es.readyState === EventSource.CLOSED || failures >= 3) {
        es.close();
        source = undefined;
        status.value = 'unavailable';
      } else {
        status.value = 'connecting';
      }
    };
    es.onmessage = (e: MessageEvent<string>) => dispatch('message', e.data);
    for (const name of REALTIME_EVENTS) {
      es.addEventListener(name, (e) => dispatch(name, (e as MessageEvent<string>).data));
    }
  }

  function disconnect(): void {
    source?.close();
    source = undefined;
    status.value = 'idle';
  }

  /** Subscribe to one event type (or `*`); returns the unsubscribe function. */
  function on(type: string, listener: Listener): () => void {
    let set = listeners.get(type);
    if (!set) listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  return { status, connect, disconnect, on, dispatch };
});
