/**
 * Where the database is, in either mode, in the one shape every client takes. In server mode it
 * comes from DATABASE_URL; in embedded mode it points at the bridge's Unix socket.
 */
import pg from 'pg';
import path from 'node:path';
import type { ResolvedConfig } from '../kernel/config/schema.js';
import { startEmbeddedPostgres } from './embedded/embedded-postgres.js';

export interface ConnectionSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  ssl?: boolean;
}

export interface Database {
  mode: 'embedded' | 'server';
  connection: ConnectionSettings;
  /** A small pool for the kernel's own SQL (readiness, outbox relay, job queue admin). */
  pool: pg.Pool;
  close(): Promise<void>;
}

export function parseDatabaseUrl(url: string): ConnectionSettings {
  const parsed = new URL(url);
  const ssl = parsed.searchParams.get('sslmode');
  return {
    host: decodeURIComponent(parsed.hostname || parsed.searchParams.get('host') || 'localhost'),
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username || 'postgres'),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '') || 'postgres'),
    ...(ssl && ssl !== 'disable' ? { ssl: true } : {}),
  };
}

export interface OpenDatabaseOptions {
  /** Embedded mode only: keep the database in memory instead of under dataDir (tests). */
  inMemory?: boolean;
  /** An idle kernel connection was lost (the pool reconnects by itself); for logging. */
  onIdleError?: (error: Error) => void;
}

/**
 * A pool whose idle connections may be cut by the server (restart, failover, an administrator's
 * `pg_terminate_backend`): pg reports that as an 'error' event on the pool, which would crash the
 * process without a listener. The pool replaces the connection on the next checkout.
 */
function kernelPool(connection: ConnectionSettings, max: number, onIdleError?: (e: Error) => void) {
  const pool = new pg.Pool({ ...connection, max, application_name: 'novumdesk-kernel' });
  pool.on('error', (error) => onIdleError?.(error));
  return pool;
}

export async function openDatabase(
  config: ResolvedConfig,
  options: OpenDatabaseOptions = {},
): Promise<Database> {
  if (config.database.url) {
    const connection = parseDatabaseUrl(config.database.url);
    const pool = kernelPool(connection, 4, options.onIdleError);
    return { mode: 'server', connection, pool, close: () => pool.end() };
  }
  const embedded = await startEmbeddedPostgres(
    options.inMemory ? 'memory://' : path.join(config.dataDir, 'data'),
  );
  const pool = kernelPool(embedded.connection, 2, options.onIdleError);
  return {
    mode: 'embedded',
    connection: embedded.connection,
    pool,
    async close() {
      await pool.end();
      await embedded.stop();
    },
  };
}
