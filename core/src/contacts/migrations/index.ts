import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125130000_contacts } from './Migration20261125130000_contacts.js';

/** The contacts module's migrations, oldest first. Names are `contacts/<class name>`. */
export const contactsMigrations: MigrationObject[] = [
  { name: 'contacts/Migration20261125130000_contacts', class: Migration20261125130000_contacts },
];
