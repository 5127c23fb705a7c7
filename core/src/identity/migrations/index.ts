import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125120000_identity } from './Migration20261125120000_identity.js';

/** The identity module's migrations, oldest first. Names are `identity/<class name>`. */
export const identityMigrations: MigrationObject[] = [
  { name: 'identity/Migration20261125120000_identity', class: Migration20261125120000_identity },
];
