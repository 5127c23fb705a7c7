/**
 * The OpenAPI 3.1 document, generated from the same RouteDefinitions the router mounts, so the
 * document cannot drift from what is served. Schemas named with `.meta({ id })` become
 * components; zod-openapi splits `X` / `XOutput` where input and output differ.
 */
import { z } from 'zod';
import {
  createDocument,
  type CreateDocumentOptions,
  type ZodObjectInput,
  type ZodOpenApiContentObject,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponseObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from './problem.js';
import type { RouteDefinition, RouteGroup } from './route.js';
import { joinPath } from './router.js';

export type OpenApiDocument = ReturnType<typeof createDocument>;

export interface OpenApiOptions {
  title: string;
  version: string;
  description?: string;
  servers?: { url: string; description?: string }[];
  routeGroups: readonly RouteGroup[];
  /** Name of the session cookie documented for `cookieAuth`. */
  sessionCookieName?: string;
}

/** Security scheme names, as they appear in each operation's `security`. */
export const SECURITY = {
  bearer: 'bearerAuth',
  cookie: 'cookieAuth',
  apiKey: 'apiKeyAuth',
} as const;

export const DEFAULT_SESSION_COOKIE = 'novumdesk_session';

/** `/tickets/:id` → `/tickets/{id}`; a `*rest` wildcard → `{rest}`. */
export function toOpenApiPath(path: string): string {
  if (/[{}]/.test(path)) {
    // path-to-regexp's optional groups have no OpenAPI equivalent: declare one route per shape.
    throw new Error(`Optional path segments cannot be documented: ${path}`);
  }
  return path.replace(/[:*]([A-Za-z0-9_$]+)/g, '{$1}');
}

function pathParamNames(path: string): string[] {
  return [...path.matchAll(/[:*]([A-Za-z0-9_$]+)/g)].map((m) => m[1] as string);
}

const documentOptions: CreateDocumentOptions = {
  // Dates leave the API as ISO strings (JSON.stringify), whatever the handler returned.
  override: ({ jsonSchema, zodSchema, io }) => {
    if (zodSchema._zod.def.type === 'date' && io === 'output') {
      jsonSchema.type = 'string';
      jsonSchema.format = 'date-time';
    }
  },
};

export function buildOpenApiDocument(options: OpenApiOptions): OpenApiDocument {
  const paths: ZodOpenApiPathsObject = {};
  const tags: string[] = [];
  const operationIds = new Set<string>();
  for (const group of options.routeGroups) {
    for (const route of group.routes) {
      const path = toOpenApiPath(joinPath(group.prefix, route.path));
      const item = (paths[path] ??= {});
      if (item[route.method])
        throw new Error(`Duplicate route ${route.method.toUpperCase()} ${path}`);
      if (operationIds.has(route.operationId)) {
        throw new Error(`Duplicate operationId "${route.operationId}"`);
      }
      operationIds.add(route.operationId);
      const routeTags = route.tags ?? [group.tag ?? 'default'];
      for (const tag of routeTags) if (!tags.includes(tag)) tags.push(tag);
      item[route.method] = operationFor(route, routeTags, joinPath(group.prefix, route.path));
    }
  }
  return createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: options.title,
        version: options.version,
        ...(options.description ? { description: options.description } : {}),
      },
      ...(options.servers ? { servers: options.servers } : {}),
      tags: tags.map((name) => ({ name })),
      paths,
      components: {
        schemas: { Problem: ProblemSchema },
        securitySchemes: {
          [SECURITY.bearer]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          [SECURITY.cookie]: {
            type: 'apiKey',
            in: 'cookie',
            name: options.sessionCookieName ?? DEFAULT_SESSION_COOKIE,
            description: 'Session cookie of the admin UI; writes also need the CSRF token',
          },
          [SECURITY.apiKey]: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        },
      },
    },
    documentOptions,
  );
}

function operationFor(
  route: RouteDefinition,
  tags: string[],
  fullPath: string,
): ZodOpenApiOperationObject {
  const request = route.request ?? {};
  const names = pathParamNames(fullPath);
  const pathSchema =
    request.params ??
    (names.length > 0
      ? z.object(Object.fromEntries(names.map((n) => [n, z.string()])))
      : undefined);
  const permission = typeof route.access === 'object' ? route.access.permission : undefined;
  const description = [
    route.description,
    permission && `Requires the permission \`${permission}\`.`,
  ]
    .filter(Boolean)
    .join('\n\n');
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(description ? { description } : {}),
    tags,
    ...(pathSchema || request.query
      ? {
          requestParams: {
            ...(pathSchema ? { path: pathSchema as ZodObjectInput } : {}),
            ...(request.query ? { query: request.query as ZodObjectInput } : {}),
          },
        }
      : {}),
    ...(request.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: request.body } },
          },
        }
      : {}),
    responses: responsesFor(route, names.length > 0),
    security:
      route.access === 'public'
        ? []
        : Object.values(SECURITY).map((scheme) => ({ [scheme]: permission ? [permission] : [] })),
    'x-novumdesk-access': permission ? { permission } : route.access,
  };
}

const problem = (description: string): ZodOpenApiResponseObject => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
});

function responsesFor(route: RouteDefinition, hasPathParams: boolean): ZodOpenApiResponsesObject {
  const request = route.request ?? {};
  const out: Record<string, ZodOpenApiResponseObject> = {};
  for (const [code, response] of Object.entries(route.responses)) {
    if (Number(code) >= 400 && !response.schema) {
      out[code] = problem(response.description);
      continue;
    }
    const content: ZodOpenApiContentObject | undefined = response.schema
      ? { [response.contentType ?? 'application/json']: { schema: response.schema } }
      : undefined;
    out[code] = { description: response.description, ...(content ? { content } : {}) };
  }
  const add = (code: number, description: string) => (out[code] ??= problem(description));
  if (request.params || request.query || request.body) {
    add(400, 'Invalid request (`validation_failed` with field errors, or `invalid_json`)');
  }
  if (route.access !== 'public') add(401, 'Not authenticated (`unauthorized`)');
  if (typeof route.access === 'object') add(403, 'Missing permission (`forbidden`)');
  if (hasPathParams) add(404, 'Not found (`not_found`)');
  if (request.body) {
    add(413, 'Body larger than the limit (`payload_too_large`)');
    add(415, 'Body is not JSON (`unsupported_media_type`)');
  }
  return { ...out, default: problem('Unexpected error (`internal_error`)') };
}
