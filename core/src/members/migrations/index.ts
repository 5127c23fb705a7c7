import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125130000_audit_retention } from './Migration20261125130000_audit_retention.js';

/** The members module's migrations, oldest first. Names are `members/<class name>`. */
export const membersMigrations: MigrationObject[] = [
  {
    name: 'members/Migration20261125130000_audit_retention',
    class: Migration20261125130000_audit_retention,
  },
];
