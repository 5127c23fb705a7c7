/** The contacts module's public surface. */
import './events.js';

export { contactsModule, CONTACT_IMPORT_JOB } from './contacts.module.js';
export {
  findOrCreateContactByEmail,
  getContact,
  normalizeEmail,
  type ContactView,
  type RecordContext,
} from './contacts.js';
export * from './entities.js';
