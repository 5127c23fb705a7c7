// Which database the bench uses:
//   postgres  — the server at NOVUMDESK_BENCH_PG_URL / NOVUMDESK_TEST_PG_URL / 127.0.0.1:5432,
//               database `novumdesk_bench` (created when missing, kept between runs so seeded
//               data for --scale survives);
//   embedded  — when no server answers (or --db embedded): NovumDesk's own PGlite under
//               bench/.data/, and for the baseline's /db route an in-memory PGlite behind
//               pglite-socket (a SELECT 1 needs no data).
import pg from 'pg';

export const BENCH_DATABASE = 'novumdesk_bench';
const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export function adminUrl() {
  return (
    process.env.NOVUMDESK_BENCH_PG_URL || process.env.NOVUMDESK_TEST_PG_URL || DEFAULT_ADMIN_URL
  );
}

export function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

async function connect(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/**
 * @param {'auto' | 'postgres' | 'embedded'} want
 * @returns {Promise<{ mode: 'postgres' | 'embedded', url: string | null, identity: string,
 *   note: string }>}
 *   identity: names this database's contents (with the OID, so a dropped and recreated
 *   `novumdesk_bench` counts as new: seeds rerun).
 */
export async function resolveDatabase(want) {
  const admin = adminUrl();
  if (want !== 'embedded') {
    let client;
    try {
      client = await connect(admin);
    } catch (err) {
      if (want === 'postgres') {
        throw new Error(`PostgreSQL not reachable at ${redact(admin)}: ${err.message}`, {
          cause: err,
        });
      }
      return {
        mode: 'embedded',
        url: null,
        identity: 'embedded',
        note: `PostgreSQL not reachable at ${redact(admin)}: embedded PGlite`,
      };
    }
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
        BENCH_DATABASE,
      ]);
      let created = false;
      if (!rowCount) {
        await client.query(`CREATE DATABASE ${BENCH_DATABASE}`);
        created = true;
      }
      const { rows } = await client.query('SELECT oid::text FROM pg_database WHERE datname = $1', [
        BENCH_DATABASE,
      ]);
      const url = new URL(admin);
      url.pathname = `/${BENCH_DATABASE}`;
      const plain = new URL(url);
      plain.password = '';
      return {
        mode: 'postgres',
        url: url.toString(),
        identity: `${plain.toString()}#${rows[0].oid}`,
        note: `PostgreSQL ${redact(url.toString())}${created ? ' (created)' : ''}`,
      };
    } finally {
      await client.end().catch(() => {});
    }
  }
  return {
    mode: 'embedded',
    url: null,
    identity: 'embedded',
    note: 'embedded PGlite (--db embedded)',
  };
}

/**
 * A pg connection target for the baseline's /db route in embedded mode: an in-memory PGlite
 * behind pglite-socket on a loopback port.
 * @returns {Promise<{ connection: import('pg').PoolConfig, stop(): Promise<void> }>}
 */
export async function startEmbeddedBaselineDb() {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create();
  const net = await import('node:net');
  // pglite-socket needs a concrete port: ask the OS for a free one.
  const port = await new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port: free } = /** @type {import('node:net').AddressInfo} */ (probe.address());
      probe.close(() => resolve(free));
    });
  });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port });
  await server.start();
  return {
    connection: { host: '127.0.0.1', port, user: 'postgres', database: 'postgres' },
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
