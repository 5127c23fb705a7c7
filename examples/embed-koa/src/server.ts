/**
 * The host's entry point: `node dist/server.js` (after `npm run build` at the repository root).
 * The host owns the process: it reads its environment, listens on its own port, and stops
 * NovumDesk on SIGTERM after its HTTP server has drained.
 *
 *   PORT                  host port (default 4000)
 *   DATABASE_URL          postgres://… for NovumDesk's tables; unset: embedded, in ./.novumdesk
 *   ACME_HELPDESK_SECRET  required with DATABASE_URL (32+ characters)
 *   ACME_DEMO_ADMIN_TOKEN registers a demo admin session with this token, to try it with curl
 */
import http from 'node:http';
import { pino } from 'pino';
import { AcmeSessions, createAcmeApp } from './host.js';

const logger = pino({ name: 'acme' });
const port = Number(process.env.PORT ?? 4000);
const sessions = new AcmeSessions();
if (process.env.ACME_DEMO_ADMIN_TOKEN) {
  sessions.create(
    { id: '1', email: 'admin@acme.test', roles: ['admin'] },
    process.env.ACME_DEMO_ADMIN_TOKEN,
  );
}

const { app, helpdesk } = await createAcmeApp({
  logger,
  sessions,
  ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
  ...(process.env.ACME_HELPDESK_SECRET ? { secret: process.env.ACME_HELPDESK_SECRET } : {}),
});

// Migrates (embedded mode, or autoMigrate), starts job workers, boots plugins; never listens.
await helpdesk.start({ listen: false });

const server = http.createServer(app.callback());
server.listen(port, () =>
  logger.info(`Acme listening on http://localhost:${port} (helpdesk at /helpdesk)`),
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping');
  // Stop taking requests and let in-flight ones finish, then stop NovumDesk (job workers,
  // plugins, database connections).
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await helpdesk.stop(signal);
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
