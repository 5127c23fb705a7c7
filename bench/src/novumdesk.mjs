// Adapter: starts NovumDesk for the bench. Everything the bench assumes about the
// `createHelpdesk` API (ARCHITECTURE §3) is in this file:
//   const hd = await createHelpdesk({ config, plugins });
//   await hd.migrate(); await hd.start(); hd.url; await hd.stop();
import { mkdirSync } from 'node:fs';

/**
 * @param {{
 *   database: { mode: 'postgres' | 'embedded', url: string | null },
 *   dataDir: string,
 *   secret: string,
 *   admin: { email: string, password: string },
 *   plugins?: unknown[],
 * }} options
 * @returns {Promise<{ url: string, hd: any, stop(): Promise<void> }>}
 */
export async function startNovumDesk({ database, dataDir, secret, admin, plugins = [] }) {
  const { createHelpdesk, defaultModules } = await import('@novumdesk/core');
  mkdirSync(dataDir, { recursive: true });
  const hd = await createHelpdesk({
    config: {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      // Per-request info logs would measure pino, not NovumDesk; warnings still show.
      log: { level: 'warn' },
      // Required in server mode; kept in bench/.data so seeded data stays valid between runs.
      secret,
      ...(database.mode === 'postgres' && database.url ? { database: { url: database.url } } : {}),
      // The owner that an empty database is bootstrapped with; scenarios sign in as it.
      admin,
    },
    modules: defaultModules,
    plugins,
  });
  await hd.migrate();
  await hd.start();
  const url = String(hd.url).replace(/\/$/, '');
  return {
    url,
    hd,
    async stop() {
      await hd.stop();
    },
  };
}
