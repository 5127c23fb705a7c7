/**
 * A real pino logger whose lines are kept in memory, for tests that assert on what the kernel
 * logs (which plugin, which hook, which level) without mocking the logger.
 */
import { pino, type Logger } from 'pino';

export interface LogRecord {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface MemoryLogger {
  logger: Logger;
  records: LogRecord[];
  /** Records at this pino level name or above, e.g. `atLeast('warn')`. */
  atLeast(level: 'debug' | 'info' | 'warn' | 'error'): LogRecord[];
}

export function createMemoryLogger(level = 'debug'): MemoryLogger {
  const records: LogRecord[] = [];
  const destination = { write: (line: string) => void records.push(JSON.parse(line) as LogRecord) };
  const logger = pino({ level }, destination);
  return {
    logger,
    records,
    atLeast: (name) => records.filter((record) => record.level >= pino.levels.values[name]!),
  };
}
