/**
 * `GET /openapi.json` and `GET /docs`, mounted under `/api/v1`. The document is built on first
 * use (every route group is known by then) and kept: routes don't change while running.
 */
import { z } from 'zod';
import { renderDocsPage } from './docs-page.js';
import type { OpenApiDocument } from './openapi.js';
import { defineRoute, type RouteDefinition } from './route.js';
import { requestState } from './state.js';

// Safe in HTML and in a CSP nonce, so the cached page only needs a string replace per request.
const NONCE_SLOT = 'NOVUMDESK_CSP_NONCE_SLOT';

export function openApiRoutes(options: {
  /** Built once (including plugins' `http.openapi` taps) and cached by the caller. */
  document: () => Promise<OpenApiDocument>;
  /** Absolute path of the JSON document, linked from the page. */
  specUrl: string;
}): RouteDefinition[] {
  let page: string | undefined;
  return [
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      operationId: 'getOpenApiDocument',
      summary: 'This API as an OpenAPI 3.1 document',
      tags: ['meta'],
      access: 'public',
      responses: {
        200: { description: 'The document', schema: z.looseObject({ openapi: z.string() }) },
      },
      handler: () => options.document(),
    }),
    defineRoute({
      method: 'get',
      path: '/docs',
      operationId: 'getApiDocs',
      summary: 'Readable API reference (HTML)',
      tags: ['meta'],
      access: 'public',
      responses: {
        200: {
          description: 'HTML page',
          schema: z.string(),
          contentType: 'text/html; charset=utf-8',
        },
      },
      handler: async ({ koa }) => {
        page ??= renderDocsPage(await options.document(), {
          nonce: NONCE_SLOT,
          specUrl: options.specUrl,
        });
        return page.replace(NONCE_SLOT, requestState(koa).cspNonce ?? '');
      },
    }),
  ];
}
