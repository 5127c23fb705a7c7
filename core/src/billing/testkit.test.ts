/**
 * Helpers for the billing suites (core and the billing plugins): the shipped modules (billing
 * uncached, so a moved clock counts at once), identity with a bootstrap operator, and the
 * members harness's sign-up / invitation helpers over HTTP.
 */
import { defaultModules } from '../cli/modules.js';
import { identityModule } from '../identity/identity.module.js';
import { toPluginInstance, type PluginEntry } from '../kernel/plugins/index.js';
import { membersModule } from '../members/members.module.js';
import { startMembers, type MembersHarness, type Person } from '../members/testkit.test.js';
import { billingModule } from './billing.module.js';
import type { BillingOptionsInput } from './options.js';

export const OPERATOR = { email: 'operator@example.test', password: 'operator-Pa55-word-1' };

export interface BillingHarness extends MembersHarness {
  operator: Person;
  /** A ticket through the API (201 expected unless `status` says otherwise). */
  createTicket(by: Person, status?: number): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The shipped modules for a test: identity with the bootstrap operator, billing uncached. */
export function billingTestModules(
  setup: { billing?: BillingOptionsInput; withoutBilling?: boolean } = {},
): PluginEntry[] {
  const replacements: Record<string, PluginEntry> = {
    identity: identityModule({
      bootstrapAdmin: true,
      rateLimits: { signupPerIp: { limit: 10_000, windowSeconds: 3600 } },
    }),
    members: membersModule(),
    billing: billingModule({ cacheSeconds: 0, ...setup.billing }),
  };
  return defaultModules
    .map((entry) => {
      const id = toPluginInstance(entry)?.plugin.id ?? '';
      return replacements[id] ?? entry;
    })
    .filter((entry) => !(setup.withoutBilling && toPluginInstance(entry)?.plugin.id === 'billing'));
}

export async function startBilling(
  setup: { plugins?: PluginEntry[]; billing?: BillingOptionsInput; withoutBilling?: boolean } = {},
): Promise<BillingHarness> {
  const modules = billingTestModules(setup);
  const h = await startMembers({
    modules,
    ...(setup.plugins ? { plugins: setup.plugins } : {}),
    config: { admin: OPERATOR },
  });
  const operator = await h.login(OPERATOR.email, OPERATOR.password);
  return {
    ...h,
    operator,
    async createTicket(by, status = 201) {
      const res = await h.call('POST', '/tickets', {
        token: by.token,
        body: {
          subject: 'Printer on fire',
          requester: { email: 'customer@example.test' },
          message: { body: 'It is on fire.' },
        },
      });
      if (res.status !== status)
        throw new Error(
          `POST /tickets: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`,
        );
      return res;
    },
  };
}
