/**
 * The members module: the management half of identity. Members and their roles, invitations,
 * custom roles, teams, profile edits, password reset and email verification, the security log's
 * API and its retention. A core module on the plugin contract, loaded after the identity module,
 * whose tables, services (`identity`, `mailer`) and permission vocabulary it uses; it owns no
 * table of its own, only one migration (the retention policy on `audit_event`).
 */
import { definePlugin } from '../kernel/plugins/define-plugin.js';
import { CORE_VERSION } from '../version.js';
import { purgeAuditEvents } from './audit.js';
import { auditRoutes } from './audit.routes.js';
import { invitationRoutes } from './invitations.routes.js';
import { memberRoutes } from './members.routes.js';
import { membersMigrations } from './migrations/index.js';
import { membersOptionsSchema, type MembersOptions, type MembersOptionsInput } from './options.js';
import { profileRoutes } from './profile.routes.js';
import { recoveryRoutes } from './recovery.routes.js';
import { roleRoutes } from './roles.routes.js';
import { teamRoutes } from './teams.routes.js';

/** The queue of the retention job: `<module id>.<job name>`. */
export const AUDIT_RETENTION_JOB = 'members.audit-retention';

export const membersModule = definePlugin<MembersOptions, MembersOptionsInput | undefined>({
  id: 'members',
  version: CORE_VERSION,
  core: `^${CORE_VERSION}`,
  description: 'Members, roles, teams, invitations, account recovery, security log API',
  dependsOn: { identity: `^${CORE_VERSION}` },
  options: membersOptionsSchema,
  migrations: membersMigrations,
  register(ctx) {
    const options = ctx.options;
    const routes = [
      ...memberRoutes(),
      ...invitationRoutes(options),
      ...roleRoutes(),
      ...teamRoutes(),
      ...profileRoutes(),
      ...recoveryRoutes(options),
      ...auditRoutes(),
    ];
    for (const route of routes) ctx.route(route);
    ctx.job(
      'audit-retention',
      async (_data, scope) => {
        const { orm, clock, logger } = scope.cradle;
        const deleted = await purgeAuditEvents(orm, clock.now(), options.auditRetentionDays);
        logger.info(
          { deleted, retentionDays: options.auditRetentionDays },
          'security log retention ran',
        );
      },
      { cron: options.auditRetentionCron },
    );
  },
});
