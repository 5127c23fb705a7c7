/** Public surface of the plugin loader. */
export {
  definePlugin,
  isPluginInstance,
  toPluginInstance,
  type PluginEntry,
  type PluginFactory,
} from './define-plugin.js';
export { resolvePlugins, type ResolvedPlugin, type ResolvePluginsOptions } from './resolve.js';
export { PluginHost, type PluginHostOptions } from './host.js';
export { containerKeyPrefix } from './container-keys.js';
export { createPermissionCatalog, type PermissionCatalog } from './permission-catalog.js';
export type {
  PluginDeclarations,
  PluginEventSubscription,
  PluginJobDeclaration,
  PluginRouteDeclaration,
} from './declarations.js';
export { PLUGIN_ID_PATTERN } from './manifest.js';
export type { PluginProblem } from './problems.js';
