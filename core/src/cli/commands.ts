/**
 * The `novumdesk` commands. Each builds the helpdesk from `novumdesk.config.*` in the working
 * directory plus the environment — the CLI is where `process.env` enters.
 */
import net from 'node:net';
import { createHelpdesk, type Helpdesk } from '../kernel/helpdesk.js';
import { loadConfig } from '../kernel/config/load.js';
import { resolvePlugins } from '../kernel/plugins/index.js';
import { coreModule } from '../system/core.module.js';
import { CORE_VERSION } from '../version.js';
import { defaultModules } from './modules.js';
import { seedDemo } from '../demo/index.js';
import { bad, ok } from './output.js';

export interface GlobalOptions {
  config?: string;
  verbose?: boolean;
  /** `start --demo`: fill the first workspace with demo data once (core/src/demo/). */
  demo?: boolean;
}

const build = (options: GlobalOptions) =>
  createHelpdesk({
    env: process.env,
    ...(options.config ? { configFile: options.config } : {}),
    modules: defaultModules,
  });

/** SIGTERM/SIGINT stop the helpdesk gracefully; a second signal exits at once. */
function stopOnSignals(hd: Helpdesk): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(130);
      stopping = true;
      process.stdout.write(`\n${signal}: stopping…\n`);
      hd.stop(signal).then(
        () => process.exit(0),
        (error) => {
          process.stderr.write(`novumdesk: stop failed: ${(error as Error).message}\n`);
          process.exit(1);
        },
      );
    });
  }
}

export async function start(options: GlobalOptions): Promise<void> {
  const hd = await build(options);
  stopOnSignals(hd);
  try {
    await hd.start();
  } catch (error) {
    await hd.stop().catch(() => undefined);
    throw error;
  }
  if (options.demo) {
    const demo = await seedDemo(hd, { log: (line) => process.stdout.write(`${line}\n`) });
    process.stdout.write(
      demo.seeded
        ? `Demo data: ${demo.tickets} tickets and ${demo.contacts} contacts added.\n`
        : 'Demo data: already present (or no workspace yet); nothing added.\n',
    );
  }
  const where =
    hd.config.mode === 'embedded' ? `embedded database in ${hd.config.dataDir}` : 'PostgreSQL';
  process.stdout.write(
    [
      '',
      `NovumDesk ${CORE_VERSION} is running on ${where}`,
      `  Admin UI:  ${hd.url}/admin/`,
      `  API docs:  ${hd.url}/api/v1/docs`,
      `  Health:    ${hd.url}/healthz`,
      '',
    ].join('\n') + '\n',
  );
}

export async function worker(options: GlobalOptions): Promise<void> {
  const hd = await build(options);
  stopOnSignals(hd);
  // Workers run here whatever jobs.inProcessWorkers says: that key is for the web nodes of a
  // shared configuration, which then leave jobs to processes like this one.
  await hd.start({ listen: false, workers: true });
  process.stdout.write(`NovumDesk worker ${CORE_VERSION} is processing jobs (Ctrl-C to stop)\n`);
}

export async function migrate(options: GlobalOptions): Promise<void> {
  const hd = await build(options);
  try {
    const pending = await hd.pendingMigrations();
    if (pending.length === 0) {
      process.stdout.write('The database is up to date.\n');
      return;
    }
    process.stdout.write(`Applying ${pending.length} migration(s)…\n`);
    await hd.migrate(({ name, index, total }) =>
      process.stdout.write(`  [${index}/${total}] ${name}\n`),
    );
    process.stdout.write('Done.\n');
  } finally {
    await hd.stop();
  }
}

export async function plugins(options: GlobalOptions): Promise<void> {
  const config = await loadConfig({
    env: process.env,
    ...(options.config ? { file: options.config } : {}),
  });
  const resolved = resolvePlugins(config.plugins, {
    coreVersion: CORE_VERSION,
    builtin: [coreModule, ...defaultModules],
  });
  const rows = resolved.map((p) => [
    p.id,
    p.plugin.version,
    p.builtin ? 'core module' : 'plugin',
    p.dependencies.join(', ') || '-',
    p.plugin.description ?? '',
  ]);
  const header = ['ID', 'VERSION', 'KIND', 'DEPENDS ON', 'DESCRIPTION'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) {
    process.stdout.write(
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd() + '\n',
    );
  }
  process.stdout.write(
    `\n${resolved.length} loaded; configuration valid (${config.configFile ?? 'no config file, defaults'})\n`,
  );
}

/** Checks config, database, migrations and the port; exit code 1 when anything fails. */
export async function doctor(options: GlobalOptions): Promise<boolean> {
  let healthy = true;
  const fail = (text: string) => {
    healthy = false;
    bad(text);
  };
  let hd: Helpdesk | null = null;
  try {
    hd = await build(options);
    ok(`configuration valid (${hd.config.configFile ?? 'defaults'}; ${hd.config.mode} mode)`);
    ok(`database reachable; ${hd.plugins().length} modules and plugins registered`);
    const pending = await hd.pendingMigrations();
    if (pending.length === 0) ok('migrations applied');
    else if (hd.config.mode === 'embedded')
      ok(`${pending.length} migration(s) pending; start applies them`);
    else fail(`${pending.length} migration(s) pending: run "novumdesk migrate"`);
    const free = await portIsFree(hd.config.port, hd.config.host);
    if (free) ok(`port ${hd.config.port} on ${hd.config.host} is free`);
    else fail(`port ${hd.config.port} on ${hd.config.host} is in use (set PORT)`);
  } catch (error) {
    fail((error as Error).message);
  } finally {
    await hd?.stop().catch(() => undefined);
  }
  return healthy;
}

function portIsFree(port: number, host: string): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}
