/**
 * Test harness for the analytics suites (not a suite itself): the shipped core modules plus the
 * analytics plugin and a stand-in consent ledger (a plugin answering `processing.isAllowed`
 * for the people in `consented`), on the suite's database. A settable clock lets a suite write
 * tickets at chosen instants.
 */
import { definePlugin, withWorkspace } from '@novumdesk/core';
import { identityModule } from '../../../core/src/identity/index.js';
import { processingModule } from '../../../core/src/processing/index.js';
import { membersModule } from '../../../core/src/members/index.js';
import { contactsModule } from '../../../core/src/contacts/index.js';
import { ticketsModule } from '../../../core/src/tickets/index.js';
import { inboxesModule } from '../../../core/src/inboxes/index.js';
import { eventually } from '@novumdesk/core/testing';
import { startMembers, type MembersHarness } from '../../../core/src/members/testkit.test.js';
import analytics from './index.js';
import { sqlFor, type Sql } from './db.js';

export const consented = new Set<string>();

/** Stands in for the privacy plugin's consent ledger. */
export const consentLedger = definePlugin({
  id: 'test-consent',
  version: '1.0.0',
  core: '^0.1.0',
  noPersonalData: true,
  register(ctx) {
    ctx.hooks.tap('processing.isAllowed', (query) => {
      if (query.purpose !== 'analytics' || !('id' in query.subject)) return undefined;
      return consented.has(query.subject.id) ? true : undefined;
    });
  },
});

export interface AnalyticsHarness extends MembersHarness {
  /** Fixes the clock at `iso` (null: real time). */
  at(iso: string | null): void;
  /** Runs `fn` in `workspaceId`'s transaction, as a job would. */
  inWorkspace<T>(workspaceId: string, fn: (sql: Sql) => Promise<T>): Promise<T>;
  /** Waits until the analytics event subscribers have no work left. */
  settle(): Promise<void>;
}

export async function startAnalytics(
  options: { plugins?: readonly unknown[]; trustProxy?: boolean } = {},
): Promise<AnalyticsHarness> {
  const h = await startMembers({
    ...(options.trustProxy ? { config: { trustProxy: true } } : {}),
    modules: [
      identityModule({
        bootstrapAdmin: false,
        rateLimits: { signupPerIp: { limit: 10_000, windowSeconds: 3600 } },
      }),
      processingModule,
      membersModule(),
      contactsModule,
      ticketsModule,
      inboxesModule,
    ],
    // The harness is core source; the plugin is typed against the built core: same shapes.
    plugins: (options.plugins ?? [analytics(), consentLedger]) as never,
  });
  let fixed: Date | null = null;
  const real = h.clock.now.bind(h.clock);
  h.clock.now = () => (fixed ? new Date(fixed) : real());
  return Object.assign(h, {
    at(iso: string | null) {
      fixed = iso ? new Date(iso) : null;
    },
    async inWorkspace<T>(workspaceId: string, fn: (sql: Sql) => Promise<T>): Promise<T> {
      const scope = h.t.hd.createScope();
      try {
        return await withWorkspace(scope.cradle.em, workspaceId, (tx) => fn(sqlFor(tx)));
      } finally {
        await scope.dispose();
      }
    },
    async settle() {
      await eventually(async () => {
        const [outbox] = await h.sql(
          `select count(*)::int as n from domain_event where dispatched_at is null`,
        );
        const [jobs] = await h.sql(
          `select count(*)::int as n from pgboss.job
            where (name like 'event.analytics.%' or name = 'analytics.rebuild')
              and state in ('created', 'retry', 'active')`,
        );
        return Number(outbox!.n) === 0 && Number(jobs!.n) === 0;
      }, 20_000);
    },
  });
}
