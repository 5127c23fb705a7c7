#!/usr/bin/env node
// Knowledge base benchmark: the public help center under load, next to a baseline in the same run.
//
//   1. article page: GET /help/<center>/en/articles/<slug> (NovumDesk: page mount, center lookup,
//      page cache, ETag, view counting) vs a bare Koa route answering the same HTML (same size,
//      same headers) from memory. Aim: NovumDesk ≥ 50% of the baseline's requests/s.
//   2. public search: GET /help/<center>/en/search?q=… over 10,000 published articles, with the
//      page cache off (every request runs the full-text + trigram query): p50/p95/p99.
//
// Usage (after `npx tsc -b plugins/knowledge-base`, which builds core too):
//   node plugins/knowledge-base/bench/public-pages.mjs [--duration 10] [--warmup 2]
//        [--connections 50] [--articles 10000] [--db auto|postgres|embedded]
// Uses the bench's database helpers: PostgreSQL at 127.0.0.1:5432 (a scratch database,
// dropped afterwards) when reachable, else embedded PGlite in a temp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Koa from 'koa';
import pg from 'pg';
import { createHelpdesk, defaultModules, identityModule, withWorkspace } from '@novumdesk/core';
import knowledgeBase from '../dist/index.js';
import { measure } from '../../../bench/src/load.mjs';
import { WORDS, queries } from './words.mjs';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    articles: { type: 'string', default: '10000' },
    db: { type: 'string', default: 'auto' },
  },
});
const duration = Number(args.duration);
const warmup = Number(args.warmup);
const connections = Number(args.connections);
const ARTICLES = Number(args.articles);
const log = (line) => process.stderr.write(`[kb-bench] ${line}\n`);

const ADMIN_URL =
  process.env.NOVUMDESK_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = `novumdesk_kb_bench_${process.pid}`;
const admin = { email: 'bench@example.test', password: 'kb-bench-password-0123' };
const secret = 'kb-bench-secret-that-is-long-enough-0123456789';

async function database() {
  if (args.db === 'embedded') return null;
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
  } catch (err) {
    if (args.db === 'postgres') throw err;
    log(`PostgreSQL not reachable (${err.message}): embedded PGlite`);
    return null;
  }
  await client.query(`create database ${DB_NAME}`);
  await client.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DB_NAME}`;
  return url.toString();
}

async function dropDatabase() {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  await client.query(`drop database if exists ${DB_NAME} with (force)`);
  await client.end();
}

async function start(url, dataDir, options) {
  const hd = await createHelpdesk({
    config: {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      secret,
      admin,
      log: { level: 'warn' },
      ...(url ? { database: { url, autoMigrate: true } } : {}),
    },
    modules: [
      identityModule({ bootstrapAdmin: true }),
      ...defaultModules.filter((m) => m !== identityModule),
    ],
    plugins: [knowledgeBase(options)],
  });
  await hd.start();
  return hd;
}

async function api(hd, method, path, token, body) {
  const res = await fetch(`${hd.url}${path}`, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** 10,000 published articles with titles and bodies drawn from a support vocabulary. */
async function seed(hd, workspaceId, centerId) {
  const words = `{${WORDS.map((w) => `"${w}"`).join(',')}}`;
  await withWorkspace(hd.orm.em.fork(), workspaceId, async (tx) => {
    const run = (sql, params) =>
      tx.getConnection().execute(sql, params, 'run', tx.getTransactionContext());
    await run(
      `insert into knowledge_base_article (id, workspace_id, center_id, status, visibility, position,
         published_at, created_at, updated_at)
       select gen_random_uuid(), ?::uuid, ?::uuid, 'published', 'public', g, now(), now(), now()
         from generate_series(1, ?::int) g`,
      [workspaceId, centerId, ARTICLES],
    );
    await run(
      `insert into knowledge_base_translation (id, workspace_id, article_id, center_id, locale, title,
         slug, body_format, body_source, body_html, body_text, excerpt, search_config, created_at,
         updated_at)
       select gen_random_uuid(), a.workspace_id, a.id, a.center_id, 'en', t.title,
              'bench-' || a.position, 'markdown', t.body, '<p>' || t.body || '</p>', t.body,
              left(t.body, 150), 'english', now(), now()
         from knowledge_base_article a
         cross join (select ?::text[] as words) w
         cross join lateral (
           select initcap(w.words[1 + (a.position * 7) % cardinality(w.words)]) || ' ' ||
                  w.words[1 + (a.position * 13 + 5) % cardinality(w.words)] || ' ' ||
                  w.words[1 + (a.position * 31 + 11) % cardinality(w.words)] as title,
                  (select string_agg(w.words[1 + (a.position * k * 17 + k * 3) % cardinality(w.words)], ' ')
                     from generate_series(1, 60) k) as body) t
        where a.center_id = ?::uuid and a.position > 0`,
      [words, centerId],
    );
    await run(
      `update knowledge_base_translation set search_vector =
         setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', excerpt), 'B') ||
         setweight(to_tsvector('english', body_text), 'C')
       where center_id = ?::uuid and search_vector is null`,
      [centerId],
    );
  });
  // Fresh statistics, as autovacuum would have them (the login role owns the tables).
  const conn = hd.orm.em.fork().getConnection();
  await conn.execute('analyze knowledge_base_article', [], 'run');
  await conn.execute('analyze knowledge_base_translation', [], 'run');
}

function startBaseline(page) {
  const app = new Koa();
  app.silent = true;
  app.use((ctx) => {
    for (const name of [
      'content-security-policy',
      'cache-control',
      'etag',
      'x-content-type-options',
    ]) {
      if (page.headers.get(name)) ctx.set(name, page.headers.get(name));
    }
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = page.html;
  });
  const server = http.createServer(app.callback());
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}`, server }),
    ),
  );
}

function row(name, r) {
  // 304s are successes here (autocannon counts them as non-2xx).
  if (name.includes('304')) r = { ...r, non2xx: r.non2xx - (r.statusCodes?.['304']?.count ?? 0) };
  return `${name.padEnd(34)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${String(r.p50Ms).padStart(4)} ms   p95 ${String(r.p95Ms).padStart(4)} ms   p99 ${String(r.p99Ms).padStart(4)} ms   non-2xx ${r.non2xx}`;
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'kb-bench-'));
const url = await database();
const results = [];
try {
  log(
    `database: ${url ? 'PostgreSQL (scratch database)' : 'embedded PGlite'}; ${ARTICLES} articles`,
  );
  let hd = await start(url, dataDir, {});
  const login = await api(hd, 'POST', '/api/v1/auth/login', null, admin);
  const token = login.accessToken;
  const center = await api(hd, 'POST', '/api/p/knowledge-base/centers', token, {
    slug: 'bench',
    name: 'Bench Help',
    defaultLocale: 'en',
  });
  const article = await api(hd, 'POST', '/api/p/knowledge-base/articles', token, {
    centerId: center.id,
    title: 'Resetting your password',
    body: `# Resetting your password\n\n${'Open **Settings**, choose *Security* and follow the steps. '.repeat(40)}`,
  });
  await api(hd, 'POST', `/api/p/knowledge-base/articles/${article.id}/publish`, token, {});
  log('seeding…');
  const seeded = performance.now();
  await seed(hd, login.workspaceId, center.id);
  log(`seeded in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

  const pagePath = `/help/bench/en/articles/${article.translations[0].slug}`;
  const res = await fetch(`${hd.url}${pagePath}`);
  const page = { html: await res.text(), headers: res.headers };
  if (res.status !== 200) throw new Error(`article page: ${res.status}`);
  const baseline = await startBaseline(page);
  log(`article page: ${page.html.length} bytes of HTML`);

  const job = { connections, warmup, duration };
  results.push([
    'baseline: same HTML from memory',
    await measure({ ...job, url: `${baseline.url}${pagePath}` }),
  ]);
  results.push([
    'novumdesk: public article page',
    await measure({ ...job, url: `${hd.url}${pagePath}` }),
  ]);
  // A browser or CDN revalidating its copy: If-None-Match → 304 without a body.
  results.push([
    'novumdesk: article page, 304 revalidation',
    await measure({
      ...job,
      url: `${hd.url}${pagePath}`,
      headers: { 'if-none-match': page.headers.get('etag') },
    }),
  ]);
  if (process.env.KB_BENCH_HEALTHZ) {
    results.push([
      'novumdesk: GET /healthz (reference)',
      await measure({ ...job, url: `${hd.url}/healthz` }),
    ]);
  }
  baseline.server.close();
  await hd.stop();

  // Search with the page cache off: every request runs the query.
  hd = await start(url, dataDir, { pageCacheEntries: 0 });
  const paths = queries(400).map((q) => `/help/bench/en/search?q=${encodeURIComponent(q)}`);
  const probe = await fetch(`${hd.url}${paths[0]}`);
  if (probe.status !== 200) throw new Error(`search page: ${probe.status}`);
  results.push([
    `novumdesk: public search (${ARTICLES} art.)`,
    await measure({ ...job, connections: Math.min(connections, 10), url: hd.url, paths }),
  ]);
  await hd.stop();
} finally {
  if (url && process.env.KB_BENCH_KEEP_DB) log(`kept database ${DB_NAME}`);
  else if (url) await dropDatabase().catch((err) => log(`dropping ${DB_NAME}: ${err.message}`));
  rmSync(dataDir, { recursive: true, force: true });
}

for (const [name, r] of results) console.log(row(name, r));
const [base, kb] = [results[0]?.[1], results[1]?.[1]];
if (base && kb) console.log(`article page vs baseline: ${((kb.rps / base.rps) * 100).toFixed(0)}%`);
