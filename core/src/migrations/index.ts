import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125100000_kernel } from './Migration20261125100000_kernel.js';

/** The core's migrations, oldest first. Names are `core/<class name>`. */
export const coreMigrations: MigrationObject[] = [
  { name: 'core/Migration20261125100000_kernel', class: Migration20261125100000_kernel },
];
