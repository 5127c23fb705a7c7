/** The billing module's public surface (re-exported by the package index). */
export { billingModule } from './billing.module.js';
export * from './contract.js';
export { BillingProviderRegistry, type BillingProviderDeclaration } from './registry.js';
export { EntitlementsService, UNLIMITED, hasFeature } from './entitlements.js';
export { BillingService, type ApplyResult } from './service.js';
export {
  assertInboxAvailable,
  assertSeatAvailable,
  assertSeatsAfterRoleChange,
  seatsChanged,
} from './seats.js';
export { assertPlanFits, BILLING_MANAGE, BILLING_READ } from './routes.js';
export { DEFAULT_NOTICES } from './notices.js';
export { billingOptionsSchema, type BillingOptions, type BillingOptionsInput } from './options.js';
export {
  NoticeTemplatesSchema,
  PlanSchema,
  SELF_HOSTED_PLAN,
  type PlanInput,
} from './plan-schema.js';
export { seatUsage, inboxCount } from './store.js';
