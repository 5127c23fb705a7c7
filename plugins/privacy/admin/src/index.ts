/**
 * The privacy plugin's admin panels, one ES module loaded by the admin UI at run time; the
 * manifest's `admin.panels` says which export goes into which slot.
 */
export { default as PrivacyRequests } from './PrivacyRequests.vue';
export { default as ContactPrivacy } from './ContactPrivacy.vue';
export { default as RetentionSettings } from './RetentionSettings.vue';
