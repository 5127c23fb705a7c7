/**
 * The operator's configuration: one zod schema, strict (an unknown key is an error naming
 * its path), with defaults that make a fresh machine work (embedded database, port 3000).
 */
import { z } from 'zod';
import type { PluginInstance } from '../contract.js';

const pluginInstance = z.custom<PluginInstance>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    'plugin' in value &&
    typeof (value as { plugin: unknown }).plugin === 'object',
  { message: 'expected a plugin instance, e.g. emailChannel({ ... })' },
);

const byteSize = z.string().regex(/^\d+(b|kb|mb)$/i, 'expected a size like "512kb" or "1mb"');

export const configSchema = z.strictObject({
  /** HTTP port; 0 picks a free one (tests, embedding). */
  port: z.coerce.number().int().min(0).max(65535).default(3000),
  host: z.string().min(1).default('127.0.0.1'),
  /** The URL users reach this server at (links in emails); derived from host/port when unset. */
  publicUrl: z.url().optional(),
  /** Where embedded data (PGlite, attachments, generated secrets) lives. */
  dataDir: z.string().min(1).default('./.novumdesk'),
  database: z
    .strictObject({
      /** postgres://… selects server mode; unset selects the embedded database. */
      url: z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
        .optional(),
      poolSize: z.coerce.number().int().min(1).max(200).default(10),
      /** Apply pending migrations on start. Default: on in embedded mode, off in server mode. */
      autoMigrate: z.boolean().optional(),
    })
    .default({ poolSize: 10 }),
  /** Signs tokens and derives keys. Required in server mode; generated and kept in dataDir when embedded. */
  secret: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Earlier secrets, still accepted to verify tokens they signed (rotation); never used to sign. */
  previousSecrets: z.array(z.string().min(32, 'must be at least 32 characters')).default([]),
  /** The first workspace's owner, created on the first start of an empty database. */
  admin: z
    .strictObject({
      email: z.email().default('admin@example.com'),
      /** Unset: a password is generated and printed once to stdout. */
      password: z.string().min(10, 'must be at least 10 characters').max(256).optional(),
    })
    .default({ email: 'admin@example.com' }),
  cookies: z
    .strictObject({
      /**
       * Session cookies without `Secure` and the `__Host-` prefix on plain HTTP for any host
       * (development on a LAN address). Loopback hosts get this without the flag.
       */
      insecureDevelopment: z.boolean().default(false),
    })
    .default({ insecureDevelopment: false }),
  /** Take client IP and scheme from X-Forwarded-* headers (only behind a reverse proxy you run). */
  trustProxy: z.boolean().default(false),
  tls: z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) }).optional(),
  http: z.strictObject({ bodyLimit: byteSize.default('1mb') }).default({ bodyLimit: '1mb' }),
  log: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      pretty: z.boolean().default(false),
    })
    .default({ level: 'info', pretty: false }),
  jobs: z
    .strictObject({
      /** Run job workers inside the web process (default). Off for web-only nodes with `novumdesk worker` beside them. */
      inProcessWorkers: z.boolean().default(true),
      pollIntervalSeconds: z.coerce.number().min(0.5).max(60).default(1),
    })
    .default({ inProcessWorkers: true, pollIntervalSeconds: 1 }),
  plugins: z.array(pluginInstance).default([]),
});

export type NovumConfigInput = z.input<typeof configSchema>;
export type NovumConfig = z.output<typeof configSchema>;

/** The configuration after loading: absolute paths, the mode, and a secret always present. */
export interface ResolvedConfig extends NovumConfig {
  mode: 'embedded' | 'server';
  dataDir: string;
  secret: string;
  configFile: string | null;
}
