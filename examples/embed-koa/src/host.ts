/**
 * "Acme": a company's existing Koa application, with its own routes and its own sessions, that
 * mounts NovumDesk under `/helpdesk`. Everything NovumDesk needs from the host is passed in:
 * configuration (no environment variables are read by the core), the host's logger, and an
 * `authenticate` bridge that turns the host's session into a NovumDesk actor.
 */
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import Koa from 'koa';
import mount from 'koa-mount';
import {
  createHelpdesk,
  type Actor,
  type Authenticate,
  type Helpdesk,
  type Logger,
} from '@novumdesk/core';

/** Header carrying the host's session token (a real app would more likely use a cookie). */
export const SESSION_HEADER = 'x-acme-session';

export type AcmeRole = 'admin' | 'support' | 'customer';

export interface AcmeUser {
  id: string;
  email: string;
  roles: AcmeRole[];
}

/** What the host's own middleware leaves on `ctx.state`. */
export interface AcmeState {
  acmeUser?: AcmeUser;
}

/** Stands in for the host's session store (Redis, a sessions table, …). */
export class AcmeSessions {
  private readonly sessions = new Map<string, AcmeUser>();

  create(user: AcmeUser, token = randomBytes(24).toString('base64url')): string {
    this.sessions.set(token, user);
    return token;
  }

  find(token: string): AcmeUser | undefined {
    return this.sessions.get(token);
  }
}

/** Which NovumDesk permissions each host role grants. */
const PERMISSIONS_BY_ROLE: Record<AcmeRole, readonly string[]> = {
  admin: ['system:read', 'system:manage'],
  support: [],
  customer: [],
};

/**
 * The session bridge. NovumDesk calls it once per request to `/helpdesk/…`, with the host's own
 * Koa context, after the host's middleware has run: so the host's session is already resolved.
 * `null` means anonymous: public routes answer, protected ones give 401.
 */
export const hostSessionBridge: Authenticate = async (ctx) => {
  const user = (ctx.state as AcmeState).acmeUser;
  if (!user) return null;
  const actor: Actor = {
    kind: 'user',
    id: `acme:${user.id}`,
    permissions: [...new Set(user.roles.flatMap((role) => PERMISSIONS_BY_ROLE[role]))],
  };
  return actor;
};

export interface AcmeAppOptions {
  logger: Logger;
  sessions: AcmeSessions;
  /** `postgres://…`: NovumDesk on the company's PostgreSQL. Unset: its embedded database. */
  databaseUrl?: string;
  /** Embedded mode: where NovumDesk keeps its data (default `./.novumdesk`). */
  dataDir?: string;
  /** Embedded mode only: keep the database in memory (tests). */
  inMemory?: boolean;
  /** Required with `databaseUrl`: 32+ random characters from the host's secret store. */
  secret?: string;
}

export interface AcmeApp {
  app: Koa<AcmeState>;
  helpdesk: Helpdesk;
}

export async function createAcmeApp(options: AcmeAppOptions): Promise<AcmeApp> {
  const app = new Koa<AcmeState>();

  // 1. The host's own middleware. It runs for every request, `/helpdesk/…` included.
  app.use(async (ctx, next) => {
    const token = ctx.get(SESSION_HEADER);
    ctx.state.acmeUser = token ? options.sessions.find(token) : undefined;
    await next();
  });

  // 2. The host's own routes.
  const router = new Router<AcmeState>();
  router.get('/', (ctx) => {
    ctx.body = { shop: 'Acme', helpdesk: '/helpdesk/api/v1/docs' };
  });
  router.get('/account', (ctx) => {
    const user = ctx.state.acmeUser;
    if (!user) return ctx.throw(401, 'log in first');
    ctx.body = { email: user.email };
  });
  app.use(router.routes());
  app.use(router.allowedMethods());

  // 3. NovumDesk, mounted under /helpdesk. It gets its configuration from the host, never from
  //    process.env, and logs through the host's logger.
  const helpdesk = await createHelpdesk({
    config: {
      database: options.databaseUrl
        ? // The host runs NovumDesk's migrations on start; or call `helpdesk.migrate()` from
          // its own deploy step and leave autoMigrate off.
          { url: options.databaseUrl, autoMigrate: true }
        : {},
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.secret ? { secret: options.secret } : {}),
    },
    inMemory: options.inMemory ?? false,
    logger: options.logger.child({ component: 'helpdesk' }),
    authenticate: hostSessionBridge,
    // The admin UI links and redirects to absolute /admin/… paths, so it cannot be served under
    // a prefix yet: leave it out rather than send users to the host's /admin/.
    adminUi: false,
  });
  app.use(mount('/helpdesk', helpdesk.app));

  return { app, helpdesk };
}
