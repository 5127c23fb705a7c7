/**
 * The embedded database: PGlite (PostgreSQL 17 in WASM) with its data directory on disk,
 * served over a private Unix socket by our wire bridge, so every client (MikroORM, pg-boss,
 * plain `pg`) connects to it exactly as to a PostgreSQL server.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PgliteServer } from './pglite-server.js';
import type { ConnectionSettings } from '../connection.js';

export interface EmbeddedPostgres {
  connection: ConnectionSettings;
  /** The PGlite data directory, or `memory://` for an in-memory database. */
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * @param dataDir a directory for the database files, or `memory://` (tests).
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  if (dataDir !== 'memory://') mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir, extensions: { pg_trgm } });
  // Socket paths are limited to ~107 bytes, so the socket lives in a short temp dir, not dataDir.
  const socketDir = mkdtempSync(path.join(os.tmpdir(), 'novumdesk-'));
  const port = 5432;
  const server = new PgliteServer({ db, path: path.join(socketDir, `.s.PGSQL.${port}`) });
  await server.start();
  return {
    dataDir,
    connection: { host: socketDir, port, user: 'postgres', password: '', database: 'postgres' },
    async stop() {
      await server.stop();
      await db.close();
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}
