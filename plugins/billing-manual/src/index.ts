/**
 * `@novumdesk/plugin-billing-manual`: the billing provider for operators who invoice offline or
 * run NovumDesk self-hosted. An operator assigns a workspace's plan, seats and period by hand
 * (`PUT /api/p/billing-manual/workspaces/:workspaceId/subscription`, `system:manage`); a
 * workspace without one gets the default plan, which by default is the unlimited "self-hosted"
 * plan, so the default `npm start` configuration limits nothing and needs no configuration.
 */
import {
  definePlugin,
  CORE_VERSION,
  type BillingProvider,
  type PlanDefinition,
} from '@novumdesk/core';
import {
  ManualBillingOptionsSchema,
  type ManualBillingOptions,
  type ManualBillingOptionsInput,
} from './options.js';
import { MANUAL_PROVIDER_ID, manualRoutes } from './routes.js';

export { ManualBillingOptionsSchema, type ManualBillingOptions, type ManualBillingOptionsInput };
export { MANUAL_PROVIDER_ID };

export function manualProvider(options: ManualBillingOptions): BillingProvider {
  return {
    id: MANUAL_PROVIDER_ID,
    displayName: 'Manual invoicing',
    plans: options.plans as PlanDefinition[],
    seatMode: 'fixed',
    ...(options.defaultPlan ? { defaultPlan: { planId: options.defaultPlan } } : {}),
    notices: options.notices,
  };
}

export default definePlugin<ManualBillingOptions, ManualBillingOptionsInput | undefined>({
  id: 'billing-manual',
  version: '0.1.0',
  core: `^${CORE_VERSION}`,
  description:
    'Manual billing: plans and seats assigned by an operator; unlimited self-hosted plan',
  dependsOn: { billing: `^${CORE_VERSION}` },
  options: ManualBillingOptionsSchema,
  register(ctx) {
    for (const route of manualRoutes()) ctx.route(route);
  },
  async boot(ctx) {
    ctx.resolve('billingProviders').add(ctx.id, manualProvider(ctx.options));
  },
});
