#!/usr/bin/env node
// `npm test`: one jest run per database mode.
//   1. NOVUMDESK_TEST_DB=pglite   — embedded PGlite, always.
//   2. NOVUMDESK_TEST_DB=postgres — against a PostgreSQL server, when one answers at
//      NOVUMDESK_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres). When none
//      answers: one "skipped" line locally, a failure under CI=true.
// Extra arguments go to jest unchanged (`npm test -- core/src/kernel`, `npm test -- -t name`).
// Jest always runs with NODE_OPTIONS=--experimental-vm-modules (native ESM, PGlite, pg-boss),
// at most 2 workers (the CI machine has 2 cores), and with --ci under CI.
// Environment: NOVUMDESK_TEST_MODES=pglite|postgres|pglite,postgres limits the modes run.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const pgUrl = process.env.NOVUMDESK_TEST_PG_URL || DEFAULT_PG_URL;
const ci = /^(1|true)$/i.test(process.env.CI ?? '');
const userArgs = process.argv.slice(2);
const modes = (process.env.NOVUMDESK_TEST_MODES || 'pglite,postgres')
  .split(',')
  .map((m) => m.trim())
  .filter(Boolean);

/** The URL without its password, for printing. */
function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** Resolves true when a PostgreSQL server accepts a connection and answers within 2 s. */
async function postgresReachable(url) {
  let pg;
  try {
    pg = (await import('pg')).default;
  } catch (err) {
    console.error(`test: cannot load the 'pg' package (${err.message}); run npm ci`);
    return false;
  }
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 2000,
    query_timeout: 2000,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    client.end().catch(() => {});
  }
}

function hasFlag(name) {
  return userArgs.some((a) => a === name || a.startsWith(`${name}=`));
}

/** Runs jest once; resolves { code, counts, seconds }. */
function runJest(mode, extraEnv) {
  const jestBin = require.resolve('jest/bin/jest');
  const reportDir = mkdtempSync(path.join(os.tmpdir(), 'novumdesk-jest-'));
  const reportFile = path.join(reportDir, 'results.json');
  const wantReport = !hasFlag('--json') && !hasFlag('--outputFile');
  const args = [
    jestBin,
    ...(ci && !hasFlag('--ci') ? ['--ci'] : []),
    ...(hasFlag('--maxWorkers') || hasFlag('-w') || hasFlag('--runInBand') || hasFlag('-i')
      ? []
      : ['--maxWorkers=2']),
    ...(wantReport ? ['--json', `--outputFile=${reportFile}`] : []),
    ...userArgs,
  ];
  // The flag makes every jest worker print "VM Modules is an experimental feature": silenced.
  const nodeOptions = [
    process.env.NODE_OPTIONS,
    '--experimental-vm-modules',
    '--disable-warning=ExperimentalWarning',
  ]
    .filter(Boolean)
    .join(' ');
  const env = { ...process.env, ...extraEnv, NODE_OPTIONS: nodeOptions, NOVUMDESK_TEST_DB: mode };
  console.log(`\ntest: [${mode}] NOVUMDESK_TEST_DB=${mode} jest ${args.slice(1).join(' ')}`);
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
    child.on('error', (err) => {
      console.error(`test: could not start jest: ${err.message}`);
    });
    child.on('close', (code, signal) => {
      const seconds = (performance.now() - started) / 1000;
      let counts = null;
      if (wantReport) {
        try {
          const r = JSON.parse(readFileSync(reportFile, 'utf8'));
          counts = {
            suites: r.numTotalTestSuites,
            failedSuites: r.numFailedTestSuites,
            tests: r.numTotalTests,
            passed: r.numPassedTests,
            failed: r.numFailedTests,
            skipped: r.numPendingTests + (r.numTodoTests ?? 0),
          };
        } catch {
          // jest failed before writing a report (config error, crash): the exit code says it.
        }
      }
      rmSync(reportDir, { recursive: true, force: true });
      resolve({ code: code ?? (signal ? 1 : 0), signal, counts, seconds });
    });
  });
}

function summaryLine(mode, result) {
  const status = result.code === 0 ? 'passed' : `FAILED (exit ${result.signal ?? result.code})`;
  const c = result.counts;
  const detail = c
    ? `${c.suites} suites, ${c.tests} tests: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped` +
      (c.failedSuites ? `, ${c.failedSuites} suites failed` : '')
    : 'no report';
  return `${mode}: ${status}; ${detail}; ${result.seconds.toFixed(1)} s`;
}

const unknownModes = modes.filter((m) => m !== 'pglite' && m !== 'postgres');
if (unknownModes.length) {
  console.error(`test: unknown NOVUMDESK_TEST_MODES entry ${unknownModes.join(', ')}`);
  process.exit(2);
}

// Probe the server first (≤ 2 s) so CI fails fast instead of after the embedded run.
let serverReachable = false;
if (modes.includes('postgres')) {
  serverReachable = await postgresReachable(pgUrl);
  if (!serverReachable && ci) {
    console.error(
      `test: FAILED: PostgreSQL not reachable at ${redact(pgUrl)} and CI=true: server-mode ` +
        'suites must run in CI. Start PostgreSQL (.ci/run does) or set NOVUMDESK_TEST_PG_URL.',
    );
    process.exit(1);
  }
}

const summary = [];
const totals = { passed: 0, failed: 0, skipped: 0 };
let failed = false;
const count = (result) => {
  if (!result.counts) return;
  totals.passed += result.counts.passed;
  totals.failed += result.counts.failed;
  totals.skipped += result.counts.skipped;
};

if (modes.includes('pglite')) {
  const result = await runJest('pglite', {});
  failed ||= result.code !== 0;
  count(result);
  summary.push(summaryLine('pglite', result));
}

if (modes.includes('postgres')) {
  if (serverReachable) {
    const result = await runJest('postgres', { NOVUMDESK_TEST_PG_URL: pgUrl });
    failed ||= result.code !== 0;
    count(result);
    summary.push(summaryLine('postgres', result));
  } else {
    summary.push(
      `server-mode suites skipped: PostgreSQL not reachable at ${redact(pgUrl)}; ` +
        'start PostgreSQL or set NOVUMDESK_TEST_PG_URL to run them',
    );
  }
}

console.log('\ntest summary:');
for (const line of summary) console.log(`  ${line}`);
// One plain closing line over both modes, the form CI systems read.
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failed ? 1 : 0);
