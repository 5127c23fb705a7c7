#!/usr/bin/env node
// NovumDesk load benchmark. Starts, in this process, a bare Koa + pg BASELINE server and
// NovumDesk (createHelpdesk), then for each scenario load-tests the baseline route and the
// NovumDesk request with autocannon (in a child process: see load-child.mjs) and prints
// requests/s, p50/p99 latency and ratio = NovumDesk rps / baseline rps. Both are measured in the
// same run, so the ratio means something on any machine; absolute numbers vary ±15% per run.
//
// Usage: node bench/src/run.mjs [--duration 10] [--warmup 2] [--connections 50]
//          [--only name[,name]] [--scale] [--json] [--db auto|postgres|embedded]
//          [--baseline-only] [--list]
//        node bench/src/run.mjs seed [--force]   (only the --scale seeds: 1M tickets, 5M messages)
// stdout carries only the results (a table, or with --json one JSON array); progress goes to
// stderr. Exit code 1 when a scenario failed (non-2xx answers, errors, NovumDesk not starting).
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startBaseline } from './baseline.mjs';
import { resolveDatabase, startEmbeddedBaselineDb } from './database.mjs';
import { measure } from './load.mjs';
import { startNovumDesk } from './novumdesk.mjs';
import { scenarios as allScenarios } from './scenarios.mjs';
import { ensureSeeds } from '../seed/index.mjs';

// Progress (stderr).
const t0 = performance.now();
function elapsed() {
  const s = Math.round((performance.now() - t0) / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
function log(line) {
  process.stderr.write(`[bench ${elapsed()}] ${line}\n`);
}

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataRoot = path.join(benchDir, '.data');

const HELP = `NovumDesk benchmark: NovumDesk vs a bare Koa + pg baseline, measured in the same run.

  seed              (first argument) only build the --scale data sets (PostgreSQL database
                    novumdesk_bench: 1,000,000 tickets, 5,000,000 messages, 200,000 contacts);
                    with --force even when present

  --duration N      seconds of measured load per run (default 10)
  --warmup N        seconds of warm-up load before each measured run (default 2)
  --connections N   concurrent connections (default 50)
  --only a,b        run only these scenarios (repeatable; may name --scale scenarios)
  --scale           also run the large-data scenarios (seeded once, kept in bench/.data or the
                    novumdesk_bench database)
  --json            print one JSON array on stdout, nothing else (progress stays on stderr)
  --db MODE         auto (default: PostgreSQL at 127.0.0.1:5432 if reachable, else embedded),
                    postgres, or embedded
  --baseline-only   measure only the baseline routes (no NovumDesk: checks the harness)
  --list            list the scenarios and exit
`;

let options;
let positionals;
try {
  ({ values: options, positionals } = parseArgs({
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '50' },
      only: { type: 'string', multiple: true },
      scale: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      db: { type: 'string', default: 'auto' },
      'baseline-only': { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: true,
  }));
} catch (err) {
  console.error(`bench: ${err.message}\n\n${HELP}`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const seedOnly = positionals[0] === 'seed';
if (positionals.length > (seedOnly ? 1 : 0)) {
  console.error(`bench: unexpected argument ${positionals.join(' ')}\n\n${HELP}`);
  process.exit(2);
}

function positive(name, value, { allowZero = false } = {}) {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    console.error(`bench: --${name} must be a ${allowZero ? 'non-negative' : 'positive'} number`);
    process.exit(2);
  }
  return n;
}
const duration = positive('duration', options.duration);
const warmup = positive('warmup', options.warmup, { allowZero: true });
const connections = Math.round(positive('connections', options.connections));
if (!['auto', 'postgres', 'embedded'].includes(options.db)) {
  console.error('bench: --db must be auto, postgres or embedded');
  process.exit(2);
}

if (options.list) {
  for (const s of allScenarios) {
    const { method = 'GET', path: p } = s.novumdesk;
    console.log(
      `${s.name}${s.scale ? ' (--scale)' : ''}: ${method} ${p} vs baseline ${s.baseline.path}` +
        (s.description ? ` — ${s.description}` : ''),
    );
  }
  process.exit(0);
}

// --json: stdout must hold only the JSON array, but NovumDesk's logger (pino) and libraries write
// to fd 1 directly. So the run happens in a child whose stdout is our stderr; it hands the rows
// back over IPC and only this process writes to stdout.
const JSON_CHILD = 'NOVUMDESK_BENCH_JSON_CHILD';
if (options.json && !process.env[JSON_CHILD]) {
  const child = fork(fileURLToPath(import.meta.url), process.argv.slice(2), {
    env: { ...process.env, [JSON_CHILD]: '1' },
    stdio: ['inherit', 2, 'inherit', 'ipc'],
  });
  let rowsFromChild = null;
  child.on('message', (msg) => {
    if (msg?.type === 'rows') rowsFromChild = msg.rows;
  });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise((resolve) =>
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))),
  );
  process.stdout.write(`${JSON.stringify(rowsFromChild ?? [])}\n`);
  process.exit(code);
}

// Scenario selection.
const only = (options.only ?? []).flatMap((o) => o.split(',')).filter(Boolean);
const unknownNames = only.filter((name) => !allScenarios.some((s) => s.name === name));
if (unknownNames.length) {
  console.error(
    `bench: unknown scenario(s) ${unknownNames.join(', ')}; known: ` +
      allScenarios.map((s) => s.name).join(', '),
  );
  process.exit(2);
}
const selected = seedOnly
  ? allScenarios.filter((s) => s.scale)
  : allScenarios.filter((s) => (only.length ? only.includes(s.name) : !s.scale || options.scale));
if (options.scale && !allScenarios.some((s) => s.scale)) {
  log('note: no --scale scenarios are defined yet; running the default set');
}

/** The bench's bootstrap owner; scenarios that need a signed-in user log in as it. */
export const BENCH_ADMIN_EMAIL = 'bench-admin@example.com';

/** A random value kept in bench/.data, so data seeded by an earlier run stays usable. */
function readSecret(name = 'secret') {
  const file = path.join(dataRoot, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataRoot, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** Resources to release on exit, last started first. */
const cleanups = [];
let stopping = false;
async function cleanup() {
  if (stopping) return;
  stopping = true;
  for (const fn of cleanups.reverse()) {
    try {
      await fn();
    } catch (err) {
      log(`cleanup: ${err.message}`);
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  // `on`, not `once`: a terminal's Ctrl-C and the --json parent's forward can both arrive, and a
  // second signal must not kill the process before the servers are stopped.
  process.on(signal, async () => {
    if (stopping) return;
    log(`${signal}: stopping`);
    await cleanup();
    process.exit(130);
  });
}

function requestBody(spec) {
  if (spec.body === undefined) return { body: undefined, headers: spec.headers ?? {} };
  if (typeof spec.body === 'string') return { body: spec.body, headers: spec.headers ?? {} };
  return {
    body: JSON.stringify(spec.body),
    headers: { 'content-type': 'application/json', ...spec.headers },
  };
}

/** One request before the load: a wrong route fails fast with its status instead of 10 s of 404s. */
async function probe(url, { method, headers, body }) {
  const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (res.status < 200 || res.status >= 300) {
    throw new Error(`${method} ${url} answered ${res.status}: ${text.slice(0, 200)}`);
  }
}

async function measured(label, job, scenarioConnections = connections) {
  let phaseStarted = performance.now();
  let ticker = null;
  const tty = process.stderr.isTTY;
  try {
    return await measure(
      { connections: scenarioConnections, warmup, duration, ...job },
      (phase, seconds) => {
        if (ticker) clearInterval(ticker);
        phaseStarted = performance.now();
        const what = phase === 'warmup' ? 'warm-up' : 'measuring';
        if (!tty) {
          log(`${label}: ${what} ${seconds} s`);
          return;
        }
        const draw = () => {
          const left = Math.max(0, seconds - (performance.now() - phaseStarted) / 1000);
          process.stderr.write(
            `\r\x1b[K[bench ${elapsed()}] ${label}: ${what}, ${Math.ceil(left)} s left`,
          );
        };
        draw();
        ticker = setInterval(draw, 1000);
      },
    );
  } finally {
    if (ticker) clearInterval(ticker);
    if (tty) process.stderr.write('\r\x1b[K');
  }
}

function failureOf(result) {
  const problems = [];
  if (result.non2xx) problems.push(`${result.non2xx} non-2xx answers`);
  if (result.errors) problems.push(`${result.errors} errors`);
  if (result.timeouts) problems.push(`${result.timeouts} timeouts`);
  if (!result.requests) problems.push('no request completed');
  return problems.length ? problems.join(', ') : null;
}

const round = (n, digits) => (n == null ? null : Number(n.toFixed(digits)));

// --- run ---------------------------------------------------------------------------------------

const rows = [];
let failed = false;

try {
  if (!seedOnly) {
    log(
      `${selected.length} scenario(s), ${warmup} s warm-up + ${duration} s each, ` +
        `${connections} connections (scale scenarios: their own); load generator in a child process`,
    );
  }
  const database = await resolveDatabase(
    seedOnly && options.db === 'auto' ? 'postgres' : options.db,
  );
  log(`database: ${database.note}`);

  // Baseline server.
  let baselineDb = database.url;
  if (database.mode === 'embedded') {
    const embedded = await startEmbeddedBaselineDb();
    cleanups.push(() => embedded.stop());
    baselineDb = embedded.connection;
  }
  // PGlite is one session, and pglite-socket resets connections beyond the first under load:
  // one pooled connection in embedded mode (NovumDesk's own bridge serializes the same way).
  const baseline = await startBaseline({
    pgConnection: baselineDb,
    poolSize: database.mode === 'embedded' ? 1 : 10,
  });
  cleanups.push(() => baseline.stop());
  log(`baseline (Koa + pg) at ${baseline.url}`);

  // NovumDesk.
  let novum = null;
  if (!options['baseline-only']) {
    const started = performance.now();
    try {
      novum = await startNovumDesk({
        database,
        dataDir: path.join(dataRoot, `novumdesk-${database.mode}`),
        secret: readSecret(),
        admin: { email: BENCH_ADMIN_EMAIL, password: readSecret('admin-password') },
      });
    } catch (err) {
      throw new Error(
        `NovumDesk did not start (is core built? npm run build): ${err?.stack ?? err}`,
        { cause: err },
      );
    }
    cleanups.push(() => novum.stop());
    log(
      `NovumDesk at ${novum.url} (started in ${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );
  }

  // Seeds for the selected scale scenarios.
  const seedNames = [...new Set(selected.flatMap((s) => s.seeds ?? []))];
  if (seedNames.length) {
    if (!novum) throw new Error('--scale seeds need NovumDesk (drop --baseline-only)');
    await ensureSeeds(seedNames, {
      hd: novum.hd,
      url: novum.url,
      database,
      admin: { email: BENCH_ADMIN_EMAIL },
      dataRoot,
      log,
      force: seedOnly && options.force,
    });
  }
  if (seedOnly) selected.length = 0;

  for (const [i, scenario] of selected.entries()) {
    const tag = `${i + 1}/${selected.length} ${scenario.name}`;
    const row = {
      scenario: scenario.name,
      rps: null,
      p50Ms: null,
      p95Ms: null,
      p99Ms: null,
      baselineRps: null,
      ratio: null,
    };
    rows.push(row);
    try {
      // The baseline is measured right before its NovumDesk counterpart, not once per run:
      // on a shared 2-core machine the throughput drifts within a run, and adjacent
      // measurements keep that drift out of the ratio.
      const bPath = scenario.baseline.path;
      const bMethod = scenario.baseline.method ?? 'GET';
      const bUrl = baseline.url + bPath;
      await probe(bUrl, { method: bMethod, headers: {} });
      const base = await measured(
        `${tag}: baseline ${bMethod} ${bPath}`,
        { url: bUrl, method: bMethod },
        scenario.connections,
      );
      const baseProblem = failureOf(base);
      if (baseProblem) throw new Error(`baseline ${bMethod} ${bPath}: ${baseProblem}`);
      row.baselineRps = round(base.rps, 0);
      log(`${tag}: baseline ${bMethod} ${bPath}: ${row.baselineRps} req/s, p99 ${base.p99Ms} ms`);
      if (!novum) continue;

      let spec = { method: 'GET', ...scenario.novumdesk };
      if (typeof spec.setup === 'function') {
        const overrides = await spec.setup({
          hd: novum.hd,
          url: novum.url,
          database,
          admin: { email: BENCH_ADMIN_EMAIL, password: readSecret('admin-password') },
        });
        if (overrides) spec = { ...spec, ...overrides };
      }
      const { body, headers } = requestBody(spec);
      const url = novum.url + spec.path;
      await probe(url, { method: spec.method, headers, body });
      // A scenario may rotate through several paths (search terms, filters): each answered too.
      for (const extra of spec.paths ?? []) {
        await probe(novum.url + extra, { method: spec.method, headers, body });
      }
      const result = await measured(
        `${tag}: NovumDesk ${spec.method} ${spec.path}`,
        {
          url,
          method: spec.method,
          headers,
          body,
          ...(spec.paths ? { paths: [spec.path, ...spec.paths] } : {}),
        },
        scenario.connections,
      );
      Object.assign(row, {
        rps: round(result.rps, 0),
        p50Ms: round(result.p50Ms, 2),
        p95Ms: round(result.p95Ms, 2),
        p99Ms: round(result.p99Ms, 2),
        ratio: round(result.rps / base.rps, 3),
      });
      const problem = failureOf(result);
      if (problem) throw new Error(`NovumDesk ${spec.method} ${spec.path}: ${problem}`);
      log(
        `${tag}: ${row.rps} req/s, p50 ${row.p50Ms} ms, p95 ${row.p95Ms} ms, p99 ${row.p99Ms} ms, ratio ${row.ratio}`,
      );
    } catch (err) {
      failed = true;
      row.error = err.message;
      log(`${tag}: FAILED: ${err.message}`);
    }
  }
} catch (err) {
  failed = true;
  log(`FAILED: ${err?.message ?? err}`);
} finally {
  await cleanup();
}

// --- output ------------------------------------------------------------------------------------

if (options.json) {
  // Exactly the documented fields; failures are on stderr and in the exit code.
  const out = rows.map(({ scenario, rps, p50Ms, p95Ms, p99Ms, baselineRps, ratio }) => ({
    scenario,
    rps,
    p50Ms,
    p95Ms,
    p99Ms,
    baselineRps,
    ratio,
  }));
  if (process.env[JSON_CHILD] && process.send) {
    await new Promise((resolve) => process.send({ type: 'rows', rows: out }, resolve));
  } else {
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
} else if (rows.length) {
  const fmt = (v, d = 0) =>
    v == null
      ? '-'
      : v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  const table = [
    ['scenario', 'rps', 'p50 ms', 'p95 ms', 'p99 ms', 'baseline rps', 'ratio', ''],
    ...rows.map((r) => [
      r.scenario,
      fmt(r.rps),
      fmt(r.p50Ms, 2),
      fmt(r.p95Ms, 2),
      fmt(r.p99Ms, 2),
      fmt(r.baselineRps),
      fmt(r.ratio, 3),
      r.error ? 'FAILED (see above)' : '',
    ]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((line) => line[c].length)));
  for (const line of table) {
    console.log(
      line
        .map((cell, c) =>
          c === 0 || c === line.length - 1 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]),
        )
        .join('  ')
        .trimEnd(),
    );
  }
}
log(`done in ${elapsed()}${failed ? ' with failures' : ''}`);
process.exit(failed ? 1 : 0);
