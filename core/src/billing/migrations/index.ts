import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125170000_billing } from './Migration20261125170000_billing.js';

/** The billing module's migrations, oldest first. Names are `billing/<class name>`. */
export const billingMigrations: MigrationObject[] = [
  { name: 'billing/Migration20261125170000_billing', class: Migration20261125170000_billing },
];
