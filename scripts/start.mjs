// `npm start`: build whatever is not built yet (incremental, seconds when up to date), then run
// `novumdesk start` from the repository root, so the embedded data lives in ./.novumdesk.
import { spawnSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (built.status !== 0) process.exit(built.status ?? 1);

const child = spawn(
  process.execPath,
  [path.join(root, 'core/bin/novumdesk.js'), 'start', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
// Forward stop signals so the helpdesk shuts down gracefully (drains HTTP, stops workers).
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
