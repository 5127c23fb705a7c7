/**
 * The contacts module: contacts with several emails and phones, organizations, merge, CSV import
 * (a background job) and export. A core module on the plugin contract, loaded after members.
 */
import { definePlugin } from '../kernel/plugins/define-plugin.js';
import { PERMISSIONS } from '../identity/permissions.js';
import { CORE_VERSION } from '../version.js';
import { contactRoutes } from './contacts.routes.js';
import { contactEntities } from './entities.js';
import { IMPORT_JOB_NAME, runImportChunk, type ImportJobData } from './imports.js';
import { contactsMigrations } from './migrations/index.js';
import { organizationRoutes } from './organizations.routes.js';
import { contactsPersonalData } from './personal-data.js';
import './events.js';

export { CONTACT_IMPORT_JOB } from './imports.js';

export const contactsModule = definePlugin({
  id: 'contacts',
  version: CORE_VERSION,
  core: `^${CORE_VERSION}`,
  description: 'Contacts, organizations, merge, CSV import and export',
  dependsOn: { identity: `^${CORE_VERSION}` },
  entities: contactEntities,
  migrations: contactsMigrations,
  permissions: [PERMISSIONS.contactsRead, PERMISSIONS.contactsWrite],
  personalData: contactsPersonalData,
  register(ctx) {
    for (const route of [...contactRoutes(), ...organizationRoutes()]) ctx.route(route);
    ctx.job<ImportJobData>(IMPORT_JOB_NAME, runImportChunk, { retryLimit: 5 });
  },
});
