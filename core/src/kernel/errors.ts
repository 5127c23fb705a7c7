/**
 * The one error type the core and plugins throw for anything a caller can act on.
 * `code` is stable (clients and tests match on it); `status` is the HTTP status it maps to;
 * `details` travels into the problem+json body (never secrets).
 */
export class NovumError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: string,
    message: string,
    options: { status?: number; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NovumError';
    this.code = code;
    this.status = options.status ?? 500;
    this.details = options.details;
  }
}

export const isNovumError = (value: unknown): value is NovumError => value instanceof NovumError;

/** Shorthands for the common client errors, so call sites read as what they mean. */
export const errors = {
  notFound: (what: string, details?: Record<string, unknown>) =>
    new NovumError('not_found', `${what} not found`, { status: 404, details }),
  badRequest: (code: string, message: string, details?: Record<string, unknown>) =>
    new NovumError(code, message, { status: 400, details }),
  conflict: (code: string, message: string, details?: Record<string, unknown>) =>
    new NovumError(code, message, { status: 409, details }),
  unauthorized: (code = 'unauthorized', message = 'Authentication required') =>
    new NovumError(code, message, { status: 401 }),
  forbidden: (code = 'forbidden', message = 'Not allowed') =>
    new NovumError(code, message, { status: 403 }),
};
