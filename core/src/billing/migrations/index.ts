import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125170000_billing } from './Migration20261125170000_billing.js';
import { Migration20261125190000_ticket_volume } from './Migration20261125190000_ticket_volume.js';

/** The billing module's migrations, oldest first. Names are `billing/<class name>`. */
export const billingMigrations: MigrationObject[] = [
  { name: 'billing/Migration20261125170000_billing', class: Migration20261125170000_billing },
  {
    name: 'billing/Migration20261125190000_ticket_volume',
    class: Migration20261125190000_ticket_volume,
  },
];
