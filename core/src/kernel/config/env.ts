/**
 * Environment variables → config keys. The config loader is the only place in the core that
 * reads `process.env` (embedders pass an explicit `env` or none).
 */
import type { NovumConfigInput } from './schema.js';

type Env = Record<string, string | undefined>;

const bool = (value: string) => {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  return value; // left as a string so the schema reports the bad value with its key
};

/** Documented in docs/configuration.md; keep the two in step. */
export const ENV_KEYS: Record<string, (config: Record<string, any>, value: string) => void> = {
  PORT: (c, v) => (c.port = v),
  HOST: (c, v) => (c.host = v),
  NOVUMDESK_PUBLIC_URL: (c, v) => (c.publicUrl = v),
  NOVUMDESK_DATA_DIR: (c, v) => (c.dataDir = v),
  DATABASE_URL: (c, v) => ((c.database ??= {}).url = v),
  NOVUMDESK_DB_POOL_SIZE: (c, v) => ((c.database ??= {}).poolSize = v),
  NOVUMDESK_AUTO_MIGRATE: (c, v) => ((c.database ??= {}).autoMigrate = bool(v)),
  NOVUMDESK_SECRET: (c, v) => (c.secret = v),
  NOVUMDESK_PREVIOUS_SECRETS: (c, v) =>
    (c.previousSecrets = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)),
  NOVUMDESK_ADMIN_EMAIL: (c, v) => ((c.admin ??= {}).email = v),
  NOVUMDESK_ADMIN_PASSWORD: (c, v) => ((c.admin ??= {}).password = v),
  NOVUMDESK_INSECURE_COOKIES: (c, v) => ((c.cookies ??= {}).insecureDevelopment = bool(v)),
  NOVUMDESK_TRUST_PROXY: (c, v) => (c.trustProxy = bool(v)),
  NOVUMDESK_TLS_CERT: (c, v) => ((c.tls ??= {}).certFile = v),
  NOVUMDESK_TLS_KEY: (c, v) => ((c.tls ??= {}).keyFile = v),
  NOVUMDESK_BODY_LIMIT: (c, v) => ((c.http ??= {}).bodyLimit = v),
  NOVUMDESK_LOG_LEVEL: (c, v) => ((c.log ??= {}).level = v),
  NOVUMDESK_LOG_PRETTY: (c, v) => ((c.log ??= {}).pretty = bool(v)),
  NOVUMDESK_IN_PROCESS_WORKERS: (c, v) => ((c.jobs ??= {}).inProcessWorkers = bool(v)),
};

/** Applies the environment on top of the file config (environment wins). */
export function applyEnv(config: NovumConfigInput, env: Env): NovumConfigInput {
  const merged = structuredCloneConfig(config) as Record<string, any>;
  for (const [key, apply] of Object.entries(ENV_KEYS)) {
    const value = env[key];
    if (value !== undefined && value !== '') apply(merged, value);
  }
  return merged as NovumConfigInput;
}

/** Plugin instances hold functions, so copy only the plain nested objects we may write into. */
function structuredCloneConfig(config: NovumConfigInput): NovumConfigInput {
  const copy: Record<string, unknown> = { ...config };
  for (const key of ['database', 'tls', 'http', 'log', 'jobs', 'admin', 'cookies'] as const) {
    const value = (config as Record<string, unknown>)[key];
    if (value && typeof value === 'object') copy[key] = { ...value };
  }
  return copy as NovumConfigInput;
}
