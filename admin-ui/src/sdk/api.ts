/**
 * `useNovumApi()`: a small fetch wrapper for the public API, shared by the host and plugin
 * panels. Every failure becomes an `ApiError` carrying an RFC 9457 problem, so a view can show
 * the server's `title`/`detail` and the `requestId` to quote, whatever went wrong (problem+json
 * from the server, a proxy's HTML error page, or no network at all).
 */
import { hasInjectionContext, inject, type InjectionKey } from 'vue';

export interface FieldError {
  path: string;
  message: string;
}

/** The problem body of docs/api.md; only `title` and `status` are guaranteed here. */
export interface ProblemDetails {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: string;
  requestId?: string;
  errors?: FieldError[];
  details?: Record<string, unknown>;
}

export class ApiError extends Error {
  constructor(readonly problem: ProblemDetails) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
    this.name = 'ApiError';
  }

  get status(): number {
    return this.problem.status;
  }

  get code(): string | undefined {
    return this.problem.code;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/** Anything thrown, as an ApiError, so views have one error shape to render. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ApiError({
    title: 'Unexpected error',
    status: 0,
    code: 'client_error',
    detail: message,
  });
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, QueryValue>;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /**
   * Error statuses whose body is data rather than a failure, e.g. `[503]` for `/readyz`, which
   * answers "not ready" with the same body as "ready".
   */
  acceptStatus?: readonly number[];
}

export interface NovumApi {
  request<T>(path: string, options?: RequestOptions): Promise<T>;
  get<T>(path: string, options?: Omit<RequestOptions, 'method' | 'body'>): Promise<T>;
  post<T>(
    path: string,
    body?: unknown,
    options?: Omit<RequestOptions, 'method' | 'body'>,
  ): Promise<T>;
  put<T>(
    path: string,
    body?: unknown,
    options?: Omit<RequestOptions, 'method' | 'body'>,
  ): Promise<T>;
  patch<T>(
    path: string,
    body?: unknown,
    options?: Omit<RequestOptions, 'method' | 'body'>,
  ): Promise<T>;
  delete<T>(path: string, options?: Omit<RequestOptions, 'method' | 'body'>): Promise<T>;
}

export interface NovumApiOptions {
  /** Prefix for relative paths; default '' (same origin, absolute paths like `/api/v1/meta`). */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Extra headers per request (the identity layer adds its CSRF token here). */
  headers?: () => Record<string, string>;
}

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\b/i;

function buildUrl(baseUrl: string, path: string, query?: Record<string, QueryValue>): string {
  let url = `${baseUrl}${path}`;
  if (query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null) params.append(key, String(value));
    }
    const text = params.toString();
    if (text) url += `${url.includes('?') ? '&' : '?'}${text}`;
  }
  return url;
}

async function readBody(res: Response): Promise<unknown> {
  if (res.status === 204 || res.status === 205) return undefined;
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  if (!text) return undefined;
  if (JSON_TYPE.test(type)) return JSON.parse(text) as unknown;
  return text;
}

function looksLikeProblem(body: unknown): body is ProblemDetails {
  return (
    typeof body === 'object' && body !== null && typeof (body as ProblemDetails).title === 'string'
  );
}

/** The server's problem when there is one, else one made from the status line. */
function problemFrom(res: Response, body: unknown): ProblemDetails {
  const requestId = res.headers.get('x-request-id') ?? undefined;
  if (looksLikeProblem(body)) {
    return { ...body, status: body.status ?? res.status, requestId: body.requestId ?? requestId };
  }
  return {
    title: res.statusText || `HTTP ${res.status}`,
    status: res.status,
    detail: 'The server answered with an unexpected response.',
    requestId,
  };
}

export function createNovumApi(options: NovumApiOptions = {}): NovumApi {
  const baseUrl = options.baseUrl ?? '';
  // Looked up per call, so a test (or a polyfill) that replaces fetch later is honoured.
  const doFetch = (input: string, init: RequestInit) => (options.fetch ?? fetch)(input, init);

  async function request<T>(path: string, req: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json',
      ...options.headers?.(),
      ...req.headers,
    };
    const init: RequestInit = {
      method: req.method ?? 'GET',
      headers,
      credentials: 'same-origin',
      signal: req.signal,
    };
    if (req.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(req.body);
    }

    let res: Response;
    try {
      res = await doFetch(buildUrl(baseUrl, path, req.query), init);
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      throw new ApiError({
        title: 'Network error',
        status: 0,
        code: 'network_error',
        detail: 'The server could not be reached. Check your connection and try again.',
      });
    }

    let body: unknown;
    try {
      body = await readBody(res);
    } catch {
      throw new ApiError({
        title: 'Invalid response',
        status: res.status,
        code: 'invalid_response',
        detail: 'The server sent a body that is not valid JSON.',
        requestId: res.headers.get('x-request-id') ?? undefined,
      });
    }
    if (res.ok || req.acceptStatus?.includes(res.status)) return body as T;
    throw new ApiError(problemFrom(res, body));
  }

  return {
    request,
    get: (path, opts) => request(path, { ...opts, method: 'GET' }),
    post: (path, body, opts) => request(path, { ...opts, method: 'POST', body }),
    put: (path, body, opts) => request(path, { ...opts, method: 'PUT', body }),
    patch: (path, body, opts) => request(path, { ...opts, method: 'PATCH', body }),
    delete: (path, opts) => request(path, { ...opts, method: 'DELETE' }),
  };
}

/** The host may provide a configured client (auth, CSRF); panels get it through useNovumApi(). */
export const NOVUM_API_KEY: InjectionKey<NovumApi> = Symbol.for('novumdesk.admin.api');

const defaultApi = createNovumApi();

/** Inside a component: the host's client; elsewhere (stores, plain modules): the default one. */
export function useNovumApi(): NovumApi {
  return hasInjectionContext() ? inject(NOVUM_API_KEY, defaultApi) : defaultApi;
}
