#!/usr/bin/env node
// `npm run build`: compiles every TypeScript project with one `tsc -b` over the root
// tsconfig.json (project references, incremental: a no-op build only checks timestamps), then
// runs `npm run build` in the workspaces that have extra build steps (the admin UI's Vite build,
// ...). A workspace whose build script is just `tsc -b` and that the root tsconfig references is
// skipped: the first step already built it.
//
// Flags: --force / --verbose are passed to `tsc -b`; --tsc-only skips the workspace step.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const tscFlags = args.filter((a) => a === '--force' || a === '--verbose');
const force = args.includes('--force');
const tscOnly = args.includes('--tsc-only');
const unknown = args.filter((a) => !['--force', '--verbose', '--tsc-only'].includes(a));
if (unknown.length) {
  console.error(
    `build: unknown argument(s) ${unknown.join(' ')} (known: --force --verbose --tsc-only)`,
  );
  process.exit(2);
}

const t0 = performance.now();
const seconds = (since) => ((performance.now() - since) / 1000).toFixed(1);

function run(command, commandArgs, label) {
  console.log(`build: ${label}`);
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit' });
    child.on('error', (err) => {
      console.error(`build: could not start ${command}: ${err.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      const status = code ?? (signal ? 1 : 0);
      console.log(
        `build: ${status === 0 ? 'done' : `FAILED (exit ${status})`} in ${seconds(started)} s`,
      );
      resolve(status);
    });
  });
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Workspace directories (relative), in the order of the root package.json. Globs are `dir/*`. */
function workspaceDirs() {
  const patterns = readJson(path.join(root, 'package.json')).workspaces ?? [];
  const dirs = [];
  for (const pattern of patterns) {
    if (pattern.endsWith('/*')) {
      const parent = pattern.slice(0, -2);
      const abs = path.join(root, parent);
      if (!existsSync(abs)) continue;
      for (const entry of readdirSync(abs, { withFileTypes: true }).sort((a, b) =>
        a.name.localeCompare(b.name),
      )) {
        if (entry.isDirectory()) dirs.push(`${parent}/${entry.name}`);
      }
    } else {
      dirs.push(pattern);
    }
  }
  return dirs.filter((dir) => existsSync(path.join(root, dir, 'package.json')));
}

/** Directories the root tsconfig.json references (built by `tsc -b`). */
function referencedDirs() {
  // tsconfig.json may hold comments; the root one is kept plain JSON.
  const config = readJson(path.join(root, 'tsconfig.json'));
  return new Set(
    (config.references ?? []).map((ref) => {
      const rel = path.relative(root, path.resolve(root, ref.path));
      return rel.endsWith('.json') ? path.dirname(rel) : rel;
    }),
  );
}

// 1. TypeScript, all projects in dependency order.
const require = createRequire(import.meta.url);
const tscBin = require.resolve('typescript/bin/tsc');
let status = await run(
  process.execPath,
  [tscBin, '-b', 'tsconfig.json', ...tscFlags],
  `tsc -b tsconfig.json ${tscFlags.join(' ')}`.trim(),
);

/** Newest modification time of the files below `dir` (node_modules, dist and dotfiles excluded). */
function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.'))
      continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * A workspace build (the admin UI's vue-tsc + Vite, a plugin's admin panels) takes ~20 s: skip it
 * when its last successful run (the stamp below, written only after it succeeded) is newer than
 * every file of the package, so `npm start` stays quick. `dist/` itself is no proof: `tsc -b`
 * has just written it in step 1 on a fresh clone, before any panel bundle exists.
 */
const STAMP = '.workspace-build';
function isUpToDate(dir) {
  const stamp = path.join(root, dir, 'dist', STAMP);
  if (!existsSync(stamp)) return false;
  return statSync(stamp).mtimeMs > newestMtime(path.join(root, dir));
}

function writeStamp(dir) {
  mkdirSync(path.join(root, dir, 'dist'), { recursive: true });
  writeFileSync(path.join(root, dir, 'dist', STAMP), `${new Date().toISOString()}\n`);
}

// 2. Extra build steps in workspaces.
if (status === 0 && !tscOnly) {
  const covered = referencedDirs();
  const extra = [];
  for (const dir of workspaceDirs()) {
    const pkg = readJson(path.join(root, dir, 'package.json'));
    const script = pkg.scripts?.build;
    if (!script) continue;
    if (covered.has(dir) && /^tsc -b(\s+(\.|tsconfig\.json))?\s*$/.test(script.trim())) {
      console.log(`build: ${pkg.name} (${dir}): "${script}" already done by tsc -b, skipped`);
      continue;
    }
    if (!force && isUpToDate(dir)) {
      console.log(`build: ${pkg.name} (${dir}): built after its last change, skipped`);
      continue;
    }
    extra.push({ dir, name: pkg.name });
  }
  if (extra.length === 0) {
    console.log('build: no workspace build to run');
  } else {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    status = await run(
      npm,
      ['run', 'build', ...extra.map((w) => `--workspace=${w.dir}`), '--if-present'],
      `npm run build in ${extra.map((w) => w.name).join(', ')}`,
    );
    if (status === 0) for (const w of extra) writeStamp(w.dir);
  }
}

console.log(`build: ${status === 0 ? 'OK' : 'FAILED'} in ${seconds(t0)} s`);
process.exit(status);
