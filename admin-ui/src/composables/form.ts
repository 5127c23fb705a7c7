/**
 * A form's submit state: busy flag, the server's problem, and its field errors by path
 * (`body.email` → shown under the email input as `fieldError('email')`).
 */
import { toApiError, type ApiError } from '@novumdesk/admin-sdk';
import { ref, shallowRef } from 'vue';

export function useSubmit<A extends unknown[], R>(action: (...args: A) => Promise<R>) {
  const busy = ref(false);
  const error = shallowRef<ApiError>();
  const done = ref(false);

  async function submit(...args: A): Promise<R | undefined> {
    if (busy.value) return undefined;
    busy.value = true;
    error.value = undefined;
    try {
      const result = await action(...args);
      done.value = true;
      return result;
    } catch (err) {
      error.value = toApiError(err);
      return undefined;
    } finally {
      busy.value = false;
    }
  }

  function fieldError(name: string): string | undefined {
    return error.value?.problem.errors?.find(
      (e) => e.path === `body.${name}` || e.path === name || e.path.endsWith(`.${name}`),
    )?.message;
  }

  return { busy, error, done, submit, fieldError };
}

/** The `token` of a link from an e-mail: `…#token=abc` (kept out of server logs). */
export function tokenFromHash(hash = window.location.hash): string {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token') ?? '';
}
