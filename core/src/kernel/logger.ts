import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Paths that must never reach a log line. Request bodies are not logged at all; these cover
 * headers and any object a caller passes by mistake.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  '*.apiKey',
];

// SQL string literals: what a driver interpolates into the failed statement it reports.
const SQL_LITERAL = /'(?:[^']|'')*'/g;
const VALUE_KEYS = ['params', 'parameters', 'bindings', 'values', 'detail'];

/**
 * pino's error serializer, minus the values of failed SQL statements. Database errors carry the
 * statement with its values filled in (in `message` and `stack`) and, for PostgreSQL, the
 * offending row in `detail`: those values can be password hashes, key hashes or personal data.
 */
export function serializeError(err: unknown): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
  for (const key of ['message', 'stack']) {
    const value = serialized[key];
    if (typeof value === 'string') serialized[key] = value.replace(SQL_LITERAL, "'…'");
  }
  for (const key of VALUE_KEYS) if (key in serialized) serialized[key] = '[redacted]';
  return serialized;
}

/** The options every NovumDesk logger needs; embedders building their own pino should spread them. */
export const loggerDefaults: LoggerOptions = {
  redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  serializers: { err: serializeError },
};

export function createLogger(options: { level?: string; pretty?: boolean } = {}): Logger {
  const config: LoggerOptions = {
    ...loggerDefaults,
    level: options.level ?? 'info',
    base: { service: 'novumdesk' },
  };
  if (options.pretty) {
    return pino({
      ...config,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, ignore: 'pid,hostname,service' },
      },
    });
  }
  return pino(config);
}
