/**
 * RFC 9457 problem details: the one error body shape of the API. This module only translates
 * (error or bare status → problem); writing it to the response is `error-handler.ts`.
 */
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { isNovumError, NovumError } from '../kernel/errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface FieldError {
  /** Where the problem is: `body.subject`, `query.limit`, `params.id`, `body.items.0.name`. */
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  requestId?: string;
  errors?: FieldError[];
  details?: Record<string, unknown>;
}

export const FieldErrorSchema = z
  .object({ path: z.string(), message: z.string() })
  .meta({ id: 'FieldError' });

export const ProblemSchema = z
  .object({
    type: z
      .string()
      .meta({ description: 'URI naming the problem type: `urn:novumdesk:problem:<code>`' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional().meta({ description: 'Request path' }),
    code: z.string().meta({ description: 'Stable machine-readable code', example: 'not_found' }),
    requestId: z.string().optional(),
    errors: z.array(FieldErrorSchema).optional().meta({ description: 'Field errors (validation)' }),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

/** Codes for bare HTTP statuses (router 404/405, body parser 413/415, …). */
const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  410: 'gone',
  411: 'length_required',
  412: 'precondition_failed',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'unprocessable_content',
  428: 'precondition_required',
  429: 'too_many_requests',
  431: 'request_header_fields_too_large',
  501: 'not_implemented',
  503: 'service_unavailable',
};

const DETAIL_BY_CODE: Readonly<Record<string, string>> = {
  not_found: 'No resource matches this path',
  method_not_allowed: 'This method is not allowed on this resource',
  not_implemented: 'This method is not implemented',
  internal_error: 'An unexpected error occurred; quote the request id when reporting it',
  invalid_json: 'The request body is not valid JSON (an object or an array)',
};

export const codeForStatus = (status: number): string =>
  CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');

/** `type` URI: a URN, so clients never expect to dereference it but can match on it. */
export const problemType = (code: string): string => `urn:novumdesk:problem:${code}`;

const titleFor = (status: number): string => STATUS_CODES[status] ?? 'Error';

export function problemForStatus(
  status: number,
  code = codeForStatus(status),
  detail?: string,
): Problem {
  return {
    type: problemType(code),
    title: titleFor(status),
    status,
    detail: detail ?? DETAIL_BY_CODE[code] ?? titleFor(status),
    code,
  };
}

export function validationFailed(errors: FieldError[]): NovumError {
  return new NovumError('validation_failed', 'The request is not valid', {
    status: 400,
    details: { errors },
  });
}

interface HttpLikeError {
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  message?: unknown;
  headers?: unknown;
}

export interface ProblemFromError {
  problem: Problem;
  /** Headers the error asked for (http-errors' `headers`, e.g. `Allow`, `Retry-After`). */
  headers: Record<string, string>;
  /** True for our faults (5xx): log with the stack. */
  internal: boolean;
}

/**
 * NovumError → its own status/code; http-errors and library errors with a 4xx status → a code
 * from the status (their message only when marked `expose`); anything else → a generic 500.
 */
export function problemFromError(err: unknown): ProblemFromError {
  if (isNovumError(err)) {
    const status = err.status >= 400 && err.status <= 599 ? err.status : 500;
    // A plain 500 is the default status of a NovumError nobody classified: treat it as ours and
    // hide it. Other 5xx (503 with a code) were chosen on purpose and are meant to be shown.
    if (status === 500)
      return { problem: problemForStatus(500, 'internal_error'), headers: {}, internal: true };
    const problem = problemForStatus(status, err.code, err.message);
    const { errors, ...rest } = err.details ?? {};
    if (Array.isArray(errors)) problem.errors = errors as FieldError[];
    if (Object.keys(rest).length > 0) problem.details = rest;
    return { problem, headers: {}, internal: status >= 500 };
  }

  const e = (typeof err === 'object' && err !== null ? err : {}) as HttpLikeError;
  const raw = typeof e.status === 'number' ? e.status : e.statusCode;
  const status = typeof raw === 'number' && raw >= 400 && raw <= 599 ? raw : 500;
  if (status >= 500) {
    // Keep a deliberate 503 or 501 (`ctx.throw(503)`), never the message: it is ours.
    return {
      problem: problemForStatus(status),
      headers: exposedHeaders(e.headers),
      internal: true,
    };
  }

  // co-body marks JSON syntax errors (and prototype-poisoning attempts) with status 400; the
  // parser's own message may quote the body, so use ours.
  if (status === 400 && err instanceof Error && err.name === 'SyntaxError') {
    return { problem: problemForStatus(400, 'invalid_json'), headers: {}, internal: false };
  }
  const detail = e.expose === true && typeof e.message === 'string' ? e.message : undefined;
  return {
    problem: problemForStatus(status, codeForStatus(status), detail),
    headers: exposedHeaders(e.headers),
    internal: false,
  };
}

function exposedHeaders(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) if (typeof v === 'string') out[name] = v;
  return out;
}
