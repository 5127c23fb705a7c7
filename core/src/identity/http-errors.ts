/**
 * A 429 that keeps its `Retry-After` header. The problem middleware copies headers only from
 * http-errors-shaped errors (status + expose + headers), so this is one, not a NovumError; the
 * problem's code is then `too_many_requests`.
 */
export class TooManyRequestsError extends Error {
  readonly status = 429;
  readonly expose = true;
  readonly headers: Record<string, string>;

  constructor(retryAfterSeconds: number, message = 'Too many attempts; try again later') {
    super(message);
    this.name = 'TooManyRequestsError';
    this.headers = { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) };
  }
}
