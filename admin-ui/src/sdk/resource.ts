/**
 * `useResource(load)`: the loading / data / empty / error state of one request, so every data
 * view (host page or plugin panel) renders the same four states. A reload keeps the previous
 * data visible while it runs (no flicker on refresh) and aborts the one before it.
 */
import { computed, onScopeDispose, ref, shallowRef, type ComputedRef, type Ref } from 'vue';
import { toApiError, type ApiError } from './api';

export interface Resource<T> {
  data: Readonly<Ref<T | undefined>>;
  error: Readonly<Ref<ApiError | undefined>>;
  loading: Readonly<Ref<boolean>>;
  /** Loaded at least once, without error, and `isEmpty(data)`. */
  empty: ComputedRef<boolean>;
  reload(): Promise<void>;
}

export interface ResourceOptions<T> {
  /** Default true: load at once. */
  immediate?: boolean;
  /** Default: null/undefined or an empty array. */
  isEmpty?: (data: T) => boolean;
}

const defaultIsEmpty = (data: unknown): boolean =>
  data == null || (Array.isArray(data) && data.length === 0);

export function useResource<T>(
  load: (signal: AbortSignal) => Promise<T>,
  options: ResourceOptions<T> = {},
): Resource<T> {
  const data = shallowRef<T>();
  const error = shallowRef<ApiError>();
  const loading = ref(false);
  const loaded = ref(false);
  let controller: AbortController | undefined;

  async function reload(): Promise<void> {
    controller?.abort();
    const current = new AbortController();
    controller = current;
    loading.value = true;
    try {
      const value = await load(current.signal);
      if (current.signal.aborted) return;
      data.value = value;
      error.value = undefined;
      loaded.value = true;
    } catch (err) {
      if (current.signal.aborted) return;
      error.value = toApiError(err);
      // Stale data next to an error would read as current; show the error alone.
      data.value = undefined;
    } finally {
      if (controller === current) loading.value = false;
    }
  }

  onScopeDispose(() => controller?.abort());
  if (options.immediate ?? true) void reload();

  const isEmpty = options.isEmpty ?? defaultIsEmpty;
  const empty = computed(() => loaded.value && !error.value && isEmpty(data.value as T));
  return { data, error, loading, empty, reload };
}
