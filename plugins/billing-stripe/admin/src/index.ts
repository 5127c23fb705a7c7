/**
 * The billing panels, one ES module loaded by the admin UI at run time; the plugin's
 * `admin.panels` says which export goes into which slot.
 */
export { default as BillingSettings } from './BillingSettings.vue';
export { default as BillingBanner } from './BillingBanner.vue';
export { default as BillingOperator } from './BillingOperator.vue';
