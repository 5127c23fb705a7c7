/**
 * The host's API client: the SDK's `createNovumApi` plus what a browser session needs.
 *
 * - Every unsafe request carries the CSRF token (`x-csrf-token`) read from the readable
 *   `novumdesk_csrf` cookie the server sets with the session (docs/security.md).
 * - A 401 on an API call triggers one session refresh (`POST /auth/session/refresh`), shared by
 *   concurrent callers, and the request is retried once; if the refresh fails, listeners hear
 *   `signedOut` so the app can show the sign-in page.
 */
import {
  ApiError,
  createNovumApi,
  type NovumApi,
  type ProblemDetails,
  type RequestOptions,
} from '@novumdesk/admin-sdk';

export const CSRF_COOKIE = 'novumdesk_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const REFRESH_PATH = '/api/v1/auth/session/refresh';
/** Requests whose 401 means "wrong credentials", not "session expired". */
const NO_REFRESH = /^\/api\/v1\/auth\/(session|signup|password-reset|verify-email)/;

export function readCookie(name: string, cookies = document.cookie): string | undefined {
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      return decodeURIComponent(part.slice(eq + 1).trim());
    }
  }
  return undefined;
}

export interface HostApi extends NovumApi {
  /** Called when the session is gone for good (refresh failed). */
  onSignedOut(listener: () => void): () => void;
  /** Upload a file (multipart), returns the parsed JSON body. */
  upload<T>(path: string, form: FormData, options?: { signal?: AbortSignal }): Promise<T>;
}

export function createHostApi(fetchImpl: typeof fetch = (...a) => fetch(...a)): HostApi {
  const csrfHeaders = (): Record<string, string> => {
    const token = typeof document === 'undefined' ? undefined : readCookie(CSRF_COOKIE);
    return token ? { [CSRF_HEADER]: token } : {};
  };
  const base = createNovumApi({ fetch: fetchImpl, headers: csrfHeaders });
  const listeners = new Set<() => void>();
  let refreshing: Promise<boolean> | undefined;

  function refresh(): Promise<boolean> {
    refreshing ??= fetchImpl(REFRESH_PATH, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...csrfHeaders() },
    })
      .then((res) => res.ok)
      .catch(() => false)
      .finally(() => {
        // Let the next expiry start a fresh refresh.
        setTimeout(() => (refreshing = undefined), 0);
      });
    return refreshing;
  }

  async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    try {
      return await base.request<T>(path, options);
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status !== 401 || NO_REFRESH.test(path) || !path.startsWith('/api/')) throw err;
      if (!(await refresh())) {
        for (const listener of listeners) listener();
        throw err;
      }
      return base.request<T>(path, options);
    }
  }

  async function upload<T>(path: string, form: FormData, opts: { signal?: AbortSignal } = {}) {
    const send = () =>
      fetchImpl(path, {
        method: 'POST',
        body: form,
        credentials: 'same-origin',
        headers: { accept: 'application/json', ...csrfHeaders() },
        signal: opts.signal,
      });
    let res = await send();
    if (res.status === 401 && (await refresh())) res = await send();
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!res.ok) {
      const problem = (body ?? {}) as Partial<ProblemDetails>;
      throw new ApiError({
        ...problem,
        title: problem.title ?? (res.statusText || `HTTP ${res.status}`),
        status: res.status,
      });
    }
    return body as T;
  }

  return {
    request,
    get: (path, opts) => request(path, { ...opts, method: 'GET' }),
    post: (path, body, opts) => request(path, { ...opts, method: 'POST', body }),
    put: (path, body, opts) => request(path, { ...opts, method: 'PUT', body }),
    patch: (path, body, opts) => request(path, { ...opts, method: 'PATCH', body }),
    delete: (path, opts) => request(path, { ...opts, method: 'DELETE' }),
    upload,
    onSignedOut(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The one client of the page (stores use it directly; panels get it through the context). */
export const hostApi: HostApi = createHostApi();
