/**
 * A contact CSV import: upload, then follow its progress (`GET /contacts/imports/{id}`) until it
 * completes, exposing the fraction done and the per-row errors.
 */
import { toApiError, type ApiError } from '@novumdesk/admin-sdk';
import { computed, onScopeDispose, ref, shallowRef } from 'vue';
import type { HostApi } from '../api/client';
import { contactsApi, type ContactImport } from '../api/contacts';

export function useContactImport(api: HostApi, pollMs = 500) {
  const contacts = contactsApi(api);
  const job = shallowRef<ContactImport>();
  const error = shallowRef<ApiError>();
  const busy = ref(false);
  let timer: ReturnType<typeof setTimeout> | undefined;

  const progress = computed(() => {
    const j = job.value;
    if (!j) return 0;
    if (j.status === 'completed') return 1;
    return j.total > 0 ? Math.min(1, j.done / j.total) : 0;
  });
  const finished = computed(() => job.value?.status === 'completed');

  async function poll(id: string): Promise<void> {
    try {
      job.value = await contacts.importStatus(id);
      if (job.value.status !== 'completed') timer = setTimeout(() => void poll(id), pollMs);
      else busy.value = false;
    } catch (err) {
      error.value = toApiError(err);
      busy.value = false;
    }
  }

  async function start(csv: string): Promise<void> {
    clearTimeout(timer);
    busy.value = true;
    error.value = undefined;
    job.value = undefined;
    try {
      job.value = await contacts.startImport(csv);
      await poll(job.value.id);
    } catch (err) {
      error.value = toApiError(err);
      busy.value = false;
    }
  }

  onScopeDispose(() => clearTimeout(timer));
  return { job, error, busy, progress, finished, start };
}
