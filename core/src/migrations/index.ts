import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125100000_kernel } from './Migration20261125100000_kernel.js';
import { Migration20261125110000_tenancy } from './Migration20261125110000_tenancy.js';

/** The core's migrations, oldest first. Names are `core/<class name>`. */
export const coreMigrations: MigrationObject[] = [
  { name: 'core/Migration20261125100000_kernel', class: Migration20261125100000_kernel },
  { name: 'core/Migration20261125110000_tenancy', class: Migration20261125110000_tenancy },
];
