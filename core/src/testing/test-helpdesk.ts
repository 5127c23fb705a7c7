/**
 * `createTestHelpdesk()`: a real helpdesk on the suite's database (embedded in memory, or a fresh
 * PostgreSQL database), migrated, started and listening on a free port; `close()` stops it and
 * drops the database. Tests talk HTTP to `url` like any client would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { pino } from 'pino';
import { createHelpdesk, type CreateHelpdeskOptions, type Helpdesk } from '../kernel/helpdesk.js';
import type { NovumConfigInput } from '../kernel/config/schema.js';
import { createTestDatabase } from './test-database.js';
import { loggerDefaults } from '../kernel/logger.js';

export interface TestHelpdeskOptions extends Omit<CreateHelpdeskOptions, 'config' | 'inMemory'> {
  config?: NovumConfigInput;
  /** Capture log lines (JSON strings) here, e.g. to assert that no secret is logged. */
  logLines?: string[];
  /** Start listening (default) or only assemble, for tests of start-up itself. */
  start?: boolean;
}

export interface TestHelpdesk {
  hd: Helpdesk;
  url: string;
  /** fetch against the helpdesk: `request('/healthz')`. */
  request(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hmac-keys-0123456789';

export async function createTestHelpdesk(options: TestHelpdeskOptions = {}): Promise<TestHelpdesk> {
  const database = await createTestDatabase();
  // A fresh data directory (uploaded files, …) per helpdesk unless the test names one.
  const dataDir = options.config?.dataDir
    ? null
    : mkdtempSync(path.join(tmpdir(), 'novumdesk-test-'));
  const removeDataDir = () => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  const logLines = options.logLines;
  const logger =
    options.logger ??
    pino(
      { ...loggerDefaults, level: logLines ? 'debug' : 'silent' },
      logLines ? lineCollector(logLines) : undefined,
    );
  let hd: Helpdesk;
  try {
    hd = await createHelpdesk({
      ...options,
      logger,
      inMemory: true,
      config: {
        port: 0,
        secret: TEST_SECRET,
        ...(dataDir ? { dataDir } : {}),
        ...options.config,
        database: {
          ...(database.url ? { url: database.url, autoMigrate: true } : {}),
          ...options.config?.database,
        },
        jobs: { pollIntervalSeconds: 0.5, ...options.config?.jobs },
      },
    });
  } catch (error) {
    await database.drop();
    removeDataDir();
    throw error;
  }
  if (options.start ?? true) {
    try {
      await hd.start();
    } catch (error) {
      await hd.stop().catch(() => undefined);
      await database.drop();
      removeDataDir();
      throw error;
    }
  }
  const url = hd.url ?? '';
  return {
    hd,
    url,
    request: (path, init) => fetch(url + path, init),
    async close() {
      try {
        await hd.stop();
      } finally {
        await database.drop();
        removeDataDir();
      }
    },
  };
}

function lineCollector(lines: string[]): Writable {
  return {
    write(chunk: string | Uint8Array) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    },
  } as unknown as Writable;
}
