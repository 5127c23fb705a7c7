/** Public surface of the hook registry (re-exported from `@novumdesk/core`). */
export {
  createHookRegistry,
  DEFAULT_SLOW_TAP_MS,
  type CreateHookRegistryOptions,
  type DirectHookName,
  type HookDiagnostics,
  type HookInMap,
  type HookRegistry,
  type HookRegistryHost,
  type KeyedHookName,
  type PluginHooks,
  type TapFn,
  type TapOptions,
} from './registry.js';
export { defineHook, type HookDefinition } from './define-hook.js';
export { HOOK_KINDS, type HookDescriptor, type HookInfo, type HookKind } from './descriptor.js';
export { createPluginHooks, type PluginHookScope } from './plugin-hooks.js';
export { renderHookDocs, type HookDocsSource } from './hook-docs.js';
export type { TapStats } from './instrument.js';
export type { HookOwner } from './names.js';
export {
  kernelHookDefinitions,
  type AppReadyInfo,
  type AppShutdownInfo,
  type OpenApiDocument,
  type OpenApiHookInfo,
} from './kernel-hooks.js';
