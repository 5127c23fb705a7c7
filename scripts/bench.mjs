#!/usr/bin/env node
// `npm run bench [-- flags]`: builds (incremental, usually a no-op) so the bench measures the
// current code, then runs the benchmark in bench/src/run.mjs with the same flags. Build output
// goes to stderr, so `npm run bench -- --json` keeps stdout for the JSON array alone.
// `--no-build` skips the build; `--baseline-only`, `--list` and `--help` need no build.
// See bench/src/run.mjs (or `npm run bench -- --help`) for the benchmark's own flags.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const noBuild = args.includes('--no-build');
const benchArgs = args.filter((a) => a !== '--no-build');
const needsBuild =
  !noBuild && !benchArgs.some((a) => ['--baseline-only', '--list', '--help', '-h'].includes(a));

function run(script, scriptArgs, stdout) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, script), ...scriptArgs], {
      cwd: root,
      stdio: ['inherit', stdout, 'inherit'],
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

if (needsBuild) {
  const code = await run('scripts/build.mjs', ['--tsc-only'], process.stderr);
  if (code !== 0) {
    console.error('bench: build failed; fix it or pass --no-build to measure the last build');
    process.exit(code);
  }
}
process.exit(await run('bench/src/run.mjs', benchArgs, 'inherit'));
