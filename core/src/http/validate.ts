/**
 * Request validation from a route's zod schemas. The parsed values (coerced, defaulted, unknown
 * keys stripped) are what the handler receives, never the raw input.
 */
import type Koa from 'koa';
import type { ZodType, core } from 'zod';
import { NovumError } from '../kernel/errors.js';
import { JSON_MEDIA_TYPES } from './body.js';
import { validationFailed, type FieldError } from './problem.js';
import type { RouteDefinition } from './route.js';
import type { NovumState } from './state.js';

export interface ValidatedInput {
  params: unknown;
  query: unknown;
  body: unknown;
}

type Part = keyof ValidatedInput;

/** `['items', 0, 'name']` under `body` → `body.items.0.name`. */
export function issuePath(part: Part, path: readonly PropertyKey[]): string {
  return [part, ...path.map((key) => String(key))].join('.');
}

export function toFieldErrors(part: Part, issues: readonly core.$ZodIssue[]): FieldError[] {
  return issues.map((issue) => ({ path: issuePath(part, issue.path), message: issue.message }));
}

/**
 * Parses params, query and body; collects the issues of all three so the client sees every
 * problem at once. Throws 415 when a JSON body is declared and another media type was sent,
 * and 400 `validation_failed` with field paths otherwise.
 */
export async function validateRequest(
  route: RouteDefinition,
  ctx: Koa.Context | Koa.ParameterizedContext,
): Promise<ValidatedInput> {
  const schemas = route.request ?? {};
  // `is()` is null when there is no body at all: then the schema decides (a missing body is {}).
  if (schemas.body && ctx.request.is(JSON_MEDIA_TYPES) === false) {
    throw new NovumError('unsupported_media_type', 'The request body must be application/json', {
      status: 415,
    });
  }
  const raw: ValidatedInput = {
    params: (ctx as { params?: unknown }).params ?? {},
    query: ctx.query,
    body: ctx.request.body ?? {},
  };
  const out: ValidatedInput = { ...raw };
  const errors: FieldError[] = [];
  for (const part of ['params', 'query', 'body'] as const) {
    const schema: ZodType | undefined = schemas[part];
    if (!schema) continue;
    const result = await schema.safeParseAsync(raw[part]);
    if (result.success) out[part] = result.data;
    else errors.push(...toFieldErrors(part, result.error.issues));
  }
  if (errors.length > 0) throw validationFailed(errors);
  return out;
}

/** Middleware form: leaves the parsed input on `ctx.state.novumdesk.input` for the handler. */
export function validationMiddleware(route: RouteDefinition): Koa.Middleware<NovumState> {
  return async function validate(ctx, next) {
    ctx.state.novumdesk.input = await validateRequest(route, ctx);
    await next();
  };
}
