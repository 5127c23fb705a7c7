import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125151000_realtime } from './Migration20261125151000_realtime.js';

/** The realtime module's migrations, oldest first. Names are `realtime/<class name>`. */
export const realtimeMigrations: MigrationObject[] = [
  { name: 'realtime/Migration20261125151000_realtime', class: Migration20261125151000_realtime },
];
