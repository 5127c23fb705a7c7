/**
 * Loads `novumdesk.config.{ts,mts,js,mjs,json}` (the first found in `cwd`), applies the
 * environment, validates, and resolves paths and the secret.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createJiti } from 'jiti';
import type { z } from 'zod';
import { NovumError } from '../errors.js';
import { applyEnv } from './env.js';
import { configSchema, type NovumConfigInput, type ResolvedConfig } from './schema.js';

export const CONFIG_FILE_NAMES = [
  'novumdesk.config.ts',
  'novumdesk.config.mts',
  'novumdesk.config.js',
  'novumdesk.config.mjs',
  'novumdesk.config.json',
];

export interface LoadConfigOptions {
  cwd?: string;
  /** An explicit file; otherwise the first of CONFIG_FILE_NAMES found in cwd. */
  file?: string;
  /** Defaults to no environment: embedders and tests pass exactly what they mean. */
  env?: Record<string, string | undefined>;
  /** Config given in code (embedding); the file, if any, is not read when this is set. */
  config?: NovumConfigInput;
}

export async function loadConfig(options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  const cwd = options.cwd ?? process.cwd();
  let configFile: string | null = null;
  let fileConfig: NovumConfigInput = {};
  if (options.config) {
    fileConfig = options.config;
  } else {
    configFile = options.file
      ? path.resolve(cwd, options.file)
      : (CONFIG_FILE_NAMES.map((n) => path.join(cwd, n)).find(existsSync) ?? null);
    if (configFile) fileConfig = await readConfigFile(configFile);
  }
  return resolveConfig(applyEnv(fileConfig, options.env ?? {}), { cwd, configFile });
}

export function resolveConfig(
  input: NovumConfigInput,
  { cwd = process.cwd(), configFile = null }: { cwd?: string; configFile?: string | null } = {},
): ResolvedConfig {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) throw configError(parsed.error, configFile);
  const config = parsed.data;
  const mode = config.database.url ? 'server' : 'embedded';
  const dataDir = path.resolve(cwd, config.dataDir);
  let secret = config.secret;
  if (!secret) {
    if (mode === 'server') {
      throw new NovumError(
        'CONFIG_INVALID',
        'Invalid configuration: secret: required in server mode (set NOVUMDESK_SECRET to 32+ random characters)',
      );
    }
    secret = readOrCreateSecret(dataDir);
  }
  return { ...config, mode, dataDir, secret, configFile };
}

async function readConfigFile(file: string): Promise<NovumConfigInput> {
  try {
    if (file.endsWith('.json')) return JSON.parse(readFileSync(file, 'utf8')) as NovumConfigInput;
    const jiti = createJiti(import.meta.url, { moduleCache: false });
    const mod = await jiti.import<{ default?: unknown }>(file);
    const value = (mod as { default?: unknown }).default ?? mod;
    return (typeof value === 'function' ? await value() : value) as NovumConfigInput;
  } catch (error) {
    throw new NovumError('CONFIG_UNREADABLE', `Cannot read ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function configError(error: z.ZodError, file: string | null): NovumError {
  const problems = error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    return keys
      .map((key) => {
        const at = [...issue.path, ...(key ? [key] : [])].join('.') || '(root)';
        return `${at}: ${key ? 'unknown key' : issue.message}`;
      })
      .join('; ');
  });
  const where = file ? ` in ${file}` : '';
  return new NovumError('CONFIG_INVALID', `Invalid configuration${where}: ${problems.join('; ')}`, {
    details: { problems },
  });
}

/** Embedded mode keeps a generated secret beside its data, so a restart keeps sessions valid. */
function readOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/** Types a `novumdesk.config.ts` (an identity function: the value is validated at load time). */
export function defineConfig(config: NovumConfigInput): NovumConfigInput {
  return config;
}
