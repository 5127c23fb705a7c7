// The baseline: the least a Koa 3 + pg service can do for a request, measured in the same run
// as NovumDesk so the ratio between them is meaningful on any machine.
//   GET /plain → {"ok":true}
//   GET /db    → one `SELECT 1` through a pg Pool, as JSON
//   POST /write → one INSERT … RETURNING and one SELECT by primary key (a minimal "create")
import http from 'node:http';
import Koa from 'koa';
import pg from 'pg';

/**
 * @param {{ pgConnection: string | import('pg').PoolConfig | null, poolSize?: number }} options
 *   pgConnection: where /db goes (null: /db answers 503).
 * @returns {Promise<{ url: string, stop(): Promise<void> }>}
 */
export async function startBaseline({ pgConnection, poolSize = 10 }) {
  const pool = pgConnection
    ? new pg.Pool({
        ...(typeof pgConnection === 'string' ? { connectionString: pgConnection } : pgConnection),
        max: poolSize,
      })
    : null;
  pool?.on('error', () => {});

  const app = new Koa();
  // Failures show up as non-2xx counts in the results; a stack trace per failed request would
  // flood stderr and slow the server down.
  app.silent = true;
  app.use(async (ctx) => {
    if (ctx.method === 'POST' && ctx.path === '/write') {
      if (!pool) ctx.throw(503, 'no database');
      const { rows } = await pool.query(
        'INSERT INTO bench_baseline_item (body) VALUES ($1) RETURNING id',
        ['{"subject":"Printer on fire"}'],
      );
      ctx.status = 201;
      ctx.body = (
        await pool.query('SELECT * FROM bench_baseline_item WHERE id = $1', [rows[0].id])
      ).rows[0];
      return;
    }
    if (ctx.method !== 'GET') ctx.throw(405);
    if (ctx.path === '/plain') {
      ctx.body = { ok: true };
    } else if (ctx.path === '/db') {
      if (!pool) ctx.throw(503, 'no database');
      const { rows } = await pool.query('SELECT 1 AS one');
      ctx.body = rows[0];
    } else {
      ctx.throw(404);
    }
  });

  const server = http.createServer(app.callback());
  server.keepAliveTimeout = 65_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  if (pool) {
    await pool.query('SELECT 1'); // fail early, not during the load
    await pool.query(
      'CREATE TABLE IF NOT EXISTS bench_baseline_item (id bigserial PRIMARY KEY, body jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())',
    );
  }

  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
      await pool?.end();
    },
  };
}
