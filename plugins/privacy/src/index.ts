/**
 * `@novumdesk/plugin-privacy`: data-subject requests, erasure, export, restriction and
 * objection, retention, consent and policy versions, across the core and every plugin through
 * the `personalData` contract (ARCHITECTURE §7). See docs/privacy.md.
 *
 * An operator enables it in `novumdesk.config.ts`: `plugins: [privacy({ dataRegion: 'EU' })]`.
 */
import { fileURLToPath } from 'node:url';
import { definePlugin } from '@novumdesk/core';
import { registerWorkspace } from './routes/common.js';
import { privacyMigrations } from './migrations/index.js';
import { PrivacyOptionsSchema } from './options.js';
import { privacyPersonalData } from './personal-data.js';
import { processingTap } from './processing.js';
import { PRIVACY_PERMISSIONS } from './routes/common.js';
import { miscRoutes } from './routes/misc.js';
import { REDACT_PERMISSION, redactionRoutes } from './routes/redactions.js';
import { POLICY_NOTICE_JOB, policyRoutes } from './routes/policies.js';
import { requestRoutes } from './routes/requests.js';
import { RETENTION_JOB, retentionRoutes } from './routes/retention.js';
import { subjectRoutes } from './routes/subjects.js';
import { alertOverdue, listWorkspaces, runRetention, WORKSPACE_SWEEP_JOB } from './sweep.js';
import { EXPORT_STEP_JOB, PROCESS_JOB, exportStep, processRequest, type WorkJob } from './work.js';
import { sendNotice } from './notify.js';
import { sqlOf, type Scope } from './db.js';

export { exportJsonSchema, EXPORT_SCHEMA_VERSION } from './export-schema.js';
export { PRIVACY_PERMISSIONS } from './routes/common.js';
export { CORE_TARGETS } from './retention.js';
export type { PrivacyOptions, PrivacyOptionsInput } from './options.js';

/** Job names are `<pluginId>.<name>`: the plugin declares the local part. */
const local = (queue: string) => queue.slice('privacy.'.length);

export default definePlugin({
  id: 'privacy',
  version: '0.1.0',
  core: '^0.1.0',
  description: 'Privacy compliance: data-subject requests, erasure, export, retention, consent',
  dependsOn: { processing: '^0.1.0', identity: '^0.1.0', contacts: '^0.1.0', tickets: '^0.1.0' },
  options: PrivacyOptionsSchema,
  permissions: [PRIVACY_PERMISSIONS.read, PRIVACY_PERMISSIONS.manage, REDACT_PERMISSION],
  migrations: privacyMigrations,
  personalData: privacyPersonalData,
  // Built by `npm run build:admin` from admin/ (the same path from src/ in tests and from dist/).
  admin: {
    assetsDir: fileURLToPath(new URL('../dist/admin/', import.meta.url)),
    panels: [
      {
        id: 'requests',
        slot: 'nav',
        title: 'Privacy requests',
        entry: 'panels.js',
        exportName: 'PrivacyRequests',
        requires: [PRIVACY_PERMISSIONS.read],
      },
      {
        id: 'contact',
        slot: 'contact.sidebar',
        title: 'Privacy',
        entry: 'panels.js',
        exportName: 'ContactPrivacy',
        order: 80,
        requires: [PRIVACY_PERMISSIONS.read],
      },
      {
        id: 'retention',
        slot: 'settings.pages',
        title: 'Data retention',
        entry: 'panels.js',
        exportName: 'RetentionSettings',
        requires: [PRIVACY_PERMISSIONS.read],
      },
    ],
  },
  register(ctx) {
    ctx.hooks.tap('processing.isAllowed', processingTap());
    for (const route of [
      ...requestRoutes(),
      ...subjectRoutes(),
      ...retentionRoutes(),
      ...policyRoutes(),
      ...miscRoutes(ctx.options),
      ...redactionRoutes(),
    ]) {
      ctx.route(route);
    }

    ctx.job<WorkJob>(local(PROCESS_JOB), (data, scope) =>
      processRequest(scope, data, scope.cradle.config.secret),
    );
    ctx.job<WorkJob & { step: number }>(local(EXPORT_STEP_JOB), (data, scope) =>
      exportStep(scope, data, scope.cradle.config.secret),
    );
    ctx.job(
      'sweep',
      async (_data, scope) => {
        for (const workspaceId of await listWorkspaces(scope)) {
          await scope.cradle.jobs.send(WORKSPACE_SWEEP_JOB, { workspaceId });
        }
      },
      { cron: '23 * * * *' },
    );
    ctx.job<{ workspaceId: string }>(local(WORKSPACE_SWEEP_JOB), async (data, scope) => {
      await alertOverdue(scope, data.workspaceId);
      await scope.cradle.jobs.send(
        RETENTION_JOB,
        { workspaceId: data.workspaceId },
        { em: scope.cradle.em },
      );
    });
    ctx.job<{ workspaceId: string; target?: string }>(local(RETENTION_JOB), async (data, scope) => {
      const more = await runRetention(scope, data.workspaceId, ctx.options, data.target);
      for (const target of more) {
        await scope.cradle.jobs.send(
          RETENTION_JOB,
          { workspaceId: data.workspaceId, target },
          { em: scope.cradle.em },
        );
      }
    });
    ctx.job<{ policyId: string }>(local(POLICY_NOTICE_JOB), async (data, scope) => {
      for (const workspaceId of await listWorkspaces(scope)) {
        await scope.cradle.jobs.send(`${POLICY_NOTICE_JOB}-workspace`, {
          workspaceId,
          policyId: data.policyId,
        });
      }
    });
    ctx.job<{ workspaceId: string; policyId: string }>(
      `${local(POLICY_NOTICE_JOB)}-workspace`,
      async (data, scope) => {
        const sql = sqlOf(scope);
        const [policy] = await sql(`select * from privacy_policy_version where id = ?`, [
          data.policyId,
        ]);
        if (!policy) return;
        const members = await sql(
          `select u.email from membership m join user_account u on u.id = m.user_id
            where m.workspace_id = ? and u.disabled_at is null`,
          [data.workspaceId],
        );
        const what = policy.kind === 'terms' ? 'terms of service' : 'privacy policy';
        for (const member of members) {
          await sendNotice(scope, {
            to: String(member.email),
            subject: `Our ${what} change on ${new Date(policy.effective_at as string).toISOString().slice(0, 10)}`,
            text: `We are updating our ${what} (version ${policy.version}).\n\n${policy.summary}\n\nYou will be asked to accept it at your next sign-in.`,
            kind: 'privacy_policy_changed',
            workspaceId: data.workspaceId,
          });
        }
      },
    );
    // Workspaces with tickets join the scheduled sweep (retention, overdue alerts); the privacy
    // routes register theirs too.
    // (The core's event names are declared by modules the package entry does not re-export.)
    const on = ctx.on as unknown as (
      event: string,
      options: { name: string },
      handler: (event: { workspaceId: string | null }, scope: Scope) => Promise<void>,
    ) => void;
    for (const event of ['contact.created', 'ticket.created']) {
      on(event, { name: `register-${event.replace('.', '-')}` }, async (envelope, scope) => {
        if (envelope.workspaceId) await registerWorkspace(scope, envelope.workspaceId);
      });
    }
  },
});
