/**
 * The composer's draft, kept while the agent works elsewhere: saved (debounced) to
 * `PUT /tickets/{id}/draft` so it follows the agent across devices, or to this browser's
 * storage when the server has no drafts API. Cleared once the message is sent.
 */
import { toApiError } from '@novumdesk/admin-sdk';
import { ref } from 'vue';
import type { HostApi } from '../api/client';
import { isMissingRoute, ticketsApi, type Draft } from '../api/tickets';

const localKey = (ticketId: string) => `novumdesk.draft.${ticketId}`;

export function useDraft(api: HostApi, ticketId: string, delayMs = 800) {
  const tickets = ticketsApi(api);
  const status = ref<'idle' | 'saving' | 'saved' | 'error'>('idle');
  let serverDrafts = true;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function load(): Promise<Draft | undefined> {
    try {
      const draft = await tickets.getDraft(ticketId);
      return draft?.body ? draft : undefined;
    } catch {
      // A 404 is "no draft yet" or "no drafts API": either way, look in this browser too.
      try {
        const raw = localStorage.getItem(localKey(ticketId));
        return raw ? (JSON.parse(raw) as Draft) : undefined;
      } catch {
        return undefined;
      }
    }
  }

  async function persist(draft: Draft): Promise<void> {
    status.value = 'saving';
    try {
      if (serverDrafts) {
        try {
          await tickets.saveDraft(ticketId, draft);
          status.value = 'saved';
          return;
        } catch (err) {
          if (!isMissingRoute(toApiError(err))) throw err;
          serverDrafts = false;
        }
      }
      localStorage.setItem(localKey(ticketId), JSON.stringify(draft));
      status.value = 'saved';
    } catch {
      status.value = 'error';
    }
  }

  /** Call on every change; writes after `delayMs` of quiet. */
  function save(draft: Draft): void {
    clearTimeout(timer);
    timer = setTimeout(() => void persist(draft), delayMs);
  }

  async function clear(): Promise<void> {
    clearTimeout(timer);
    try {
      localStorage.removeItem(localKey(ticketId));
    } catch {
      // ignore
    }
    if (serverDrafts) await tickets.deleteDraft(ticketId).catch(() => undefined);
    status.value = 'idle';
  }

  return { status, load, save, clear, flush: () => clearTimeout(timer) };
}
