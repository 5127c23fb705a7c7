/**
 * The `extensions` store: which plugin panels exist (from `GET /api/v1/admin/extensions`), per
 * slot and in order, plus the panels that failed to load or render (for diagnostics).
 */
import {
  toApiError,
  useNovumApi,
  type ApiError,
  type ExtensionsResponse,
  type PanelContribution,
  type SlotName,
} from '@novumdesk/admin-sdk';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';

export const EXTENSIONS_PATH = '/api/v1/admin/extensions';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface PanelFailure {
  pluginId: string;
  panelId: string;
  slot: SlotName;
  message: string;
  at: Date;
}

const isString = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** A contribution the UI can use; anything else is dropped (and logged), not fatal. */
function toContribution(value: unknown): PanelContribution | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (!isString(v.pluginId) || !isString(v.id) || !isString(v.slot) || !isString(v.entry)) {
    return undefined;
  }
  return {
    pluginId: v.pluginId,
    id: v.id,
    slot: v.slot as SlotName,
    title: isString(v.title) ? v.title : v.id,
    order: typeof v.order === 'number' && Number.isFinite(v.order) ? v.order : 0,
    entry: v.entry,
    exportName: isString(v.exportName) ? v.exportName : undefined,
    requires: Array.isArray(v.requires) ? v.requires.filter(isString) : undefined,
  };
}

function byOrder(a: PanelContribution, b: PanelContribution): number {
  return a.order - b.order || a.pluginId.localeCompare(b.pluginId) || a.id.localeCompare(b.id);
}

export const useExtensionsStore = defineStore('extensions', () => {
  const api = useNovumApi();
  const panels = ref<PanelContribution[]>([]);
  const status = ref<LoadStatus>('idle');
  const error = shallowRef<ApiError>();
  const failures = ref<PanelFailure[]>([]);
  let pending: Promise<void> | undefined;

  const bySlot = computed(() => {
    const map = new Map<string, PanelContribution[]>();
    for (const panel of panels.value) {
      const list = map.get(panel.slot) ?? [];
      list.push(panel);
      map.set(panel.slot, list);
    }
    for (const list of map.values()) list.sort(byOrder);
    return map;
  });

  function panelsFor(slot: SlotName): PanelContribution[] {
    return bySlot.value.get(slot) ?? [];
  }

  function find(pluginId: string, panelId: string): PanelContribution | undefined {
    return panels.value.find((p) => p.pluginId === pluginId && p.id === panelId);
  }

  async function fetchPanels(): Promise<void> {
    status.value = 'loading';
    try {
      const body = await api.get<Partial<ExtensionsResponse>>(EXTENSIONS_PATH);
      const raw: unknown[] = Array.isArray(body?.panels) ? body.panels : [];
      const valid = raw.map(toContribution).filter((p): p is PanelContribution => !!p);
      if (valid.length < raw.length) {
        console.warn(`[extensions] ignored ${raw.length - valid.length} malformed panel(s)`);
      }
      panels.value = valid;
      error.value = undefined;
      status.value = 'ready';
    } catch (err) {
      panels.value = [];
      error.value = toApiError(err);
      status.value = 'error';
    }
  }

  /** Concurrent callers share one request; `force` reloads after a first load. */
  function load(force = false): Promise<void> {
    if (pending) return pending;
    if (status.value === 'ready' && !force) return Promise.resolve();
    pending = fetchPanels().finally(() => {
      pending = undefined;
    });
    return pending;
  }

  function reportFailure(panel: PanelContribution, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    failures.value.push({
      pluginId: panel.pluginId,
      panelId: panel.id,
      slot: panel.slot,
      message,
      at: new Date(),
    });
    console.error(`[extensions] panel ${panel.pluginId}/${panel.id} failed:`, err);
  }

  return { panels, status, error, failures, panelsFor, find, load, reportFailure };
});
