/**
 * The kernel's own hooks. The kernel knows no domain: tickets, messages and the rest define
 * their hooks in their own modules (`ticket.hooks.ts`), the same way plugins do.
 */
import { AsyncParallelHook, AsyncSeriesHook, AsyncSeriesWaterfallHook } from 'tapable';
import type { LoadedPluginInfo } from '../contract.js';
import { defineHook, type HookDefinition } from './define-hook.js';

/** What `app.ready` reports once every plugin has booted. */
export interface AppReadyInfo {
  plugins: readonly LoadedPluginInfo[];
}

export interface AppShutdownInfo {
  /** Why the helpdesk stops: `SIGTERM`, `stop() called`, … */
  reason: string;
}

/** An OpenAPI 3.1 document; kept structural so the kernel does not depend on the HTTP layer. */
export type OpenApiDocument = Record<string, unknown>;

export interface OpenApiHookInfo {
  /** Where the documented API is mounted, e.g. `/api/v1`. */
  basePath: string;
}

const SINCE = '0.1.0';

export const kernelHookDefinitions: readonly HookDefinition[] = [
  defineHook('app.ready', () => new AsyncParallelHook<[AppReadyInfo]>(['info']), {
    kind: 'lifecycle',
    description:
      'Called once after every plugin has booted and before the helpdesk serves traffic, with the loaded plugins and their status. A failing tap fails start-up.',
    payload: '(info: { plugins: LoadedPluginInfo[] })',
    since: SINCE,
  }),
  defineHook('app.shutdown', () => new AsyncSeriesHook<[AppShutdownInfo]>(['info']), {
    kind: 'lifecycle',
    description:
      'Called once when the helpdesk stops, before plugins are shut down in reverse order. Taps run one after another; a failing tap is reported to the caller of stop().',
    payload: '(info: { reason: string })',
    since: SINCE,
  }),
  defineHook(
    'http.openapi',
    () =>
      new AsyncSeriesWaterfallHook<[OpenApiDocument, OpenApiHookInfo], OpenApiDocument>([
        'document',
        'info',
      ]),
    {
      kind: 'transform',
      description:
        'Called when the OpenAPI document is built from the route declarations, so a plugin can add security schemes, tags or vendor extensions. Routes themselves are documented from their zod schemas, not here.',
      payload: '(document: OpenApiDocument, info: { basePath: string })',
      returns: 'the (changed) document',
      since: SINCE,
    },
  ),
];
