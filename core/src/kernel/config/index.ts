export {
  configSchema,
  type NovumConfig,
  type NovumConfigInput,
  type ResolvedConfig,
} from './schema.js';
export {
  loadConfig,
  resolveConfig,
  defineConfig,
  CONFIG_FILE_NAMES,
  type LoadConfigOptions,
} from './load.js';
export { ENV_KEYS } from './env.js';
