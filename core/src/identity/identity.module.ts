/**
 * The identity module: workspaces, users, roles, sign-in, tokens, sessions, API keys, the
 * security log and the default Mailer. A core module on the plugin contract, listed in
 * `defaultModules`; `identityModule(options)` gives embedders and tests other tunables.
 *
 * Container keys (root): `identity` (IdentityService), `mailer` (Mailer), `authenticate`
 * (createHelpdesk uses it when the embedder passes no `authenticate` of its own).
 */
import { asFunction } from 'awilix';
import { definePlugin } from '../kernel/plugins/define-plugin.js';
import { CORE_VERSION } from '../version.js';
import { bootstrapAdmin } from './bootstrap.js';
import { inIdentityContext } from './db.js';
import { identityEntities } from './entities/index.js';
import { DatabaseMailer } from './mailer.js';
import { identityMigrations } from './migrations/index.js';
import {
  identityOptionsSchema,
  type IdentityOptions,
  type IdentityOptionsInput,
} from './options.js';
import { IDENTITY_PERMISSIONS } from './permissions.js';
import { identityPersonalData } from './personal-data.js';
import { apiKeyRoutes } from './routes/api-key.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { avatarRoutes } from './routes/avatar.routes.js';
import { meRoutes } from './routes/me.routes.js';
import { sessionRoutes } from './routes/session.routes.js';
import { IdentityService } from './service.js';

/** Rate-limit windows are kept this long, then swept (tokens: see `sweepDeadTokens`). */
const SWEEP_AFTER_SECONDS = 24 * 3600;

export const identityModule = definePlugin<IdentityOptions, IdentityOptionsInput | undefined>({
  id: 'identity',
  version: CORE_VERSION,
  core: `^${CORE_VERSION}`,
  description: 'Workspaces, users, roles, sign-in, sessions, API keys, security log',
  options: identityOptionsSchema,
  entities: identityEntities,
  migrations: identityMigrations,
  permissions: IDENTITY_PERMISSIONS,
  personalData: identityPersonalData,
  register(ctx) {
    const options = ctx.options;
    ctx.register({
      mailer: asFunction(
        ({ orm, clock, logger }) => new DatabaseMailer(orm, clock, logger),
      ).singleton(),
      identity: asFunction(
        ({ orm, config, clock, logger, mailer, permissionCatalog }) =>
          new IdentityService({ orm, config, clock, logger, mailer, options, permissionCatalog }),
      ).singleton(),
      authenticate: asFunction(({ identity }) => identity.authenticate).singleton(),
    });
    for (const route of [
      ...authRoutes(),
      ...sessionRoutes(),
      ...meRoutes(),
      ...apiKeyRoutes(),
      ...avatarRoutes(),
    ]) {
      ctx.route(route);
    }
    ctx.job(
      'sweep',
      async (_data, scope) => {
        const { identity } = scope.cradle;
        await identity.limiter.sweep(SWEEP_AFTER_SECONDS);
        await sweepDeadTokens(identity);
      },
      { cron: '17 * * * *' },
    );
  },
  async boot(ctx) {
    if (ctx.options.bootstrapAdmin) await bootstrapAdmin(ctx.resolve('identity'));
  },
});

/**
 * Deletes refresh and action tokens dead for over a day, across all users. It runs as the
 * application role, which row-level security always binds, and with no WHERE clause: the
 * `identity_sweep` DELETE policies (migration) select exactly the dead rows, and nothing else is
 * visible to this context. Spent tokens of live sessions stay, so reuse is still detected.
 */
export async function sweepDeadTokens(identity: IdentityService): Promise<void> {
  await inIdentityContext(identity.orm, {}, async (sql) => {
    const [check] = await sql(`select row_security_active('refresh_token') as rls`);
    // Never reached in practice (the application role is not a superuser); if it were, an
    // unfiltered DELETE would remove live tokens, so refuse rather than trust it.
    if (check?.rls !== true) throw new Error('identity sweep: row-level security is not active');
    await sql(`delete from refresh_token`);
    await sql(`delete from action_token`);
  });
}
