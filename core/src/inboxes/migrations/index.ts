import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125140000_inboxes } from './Migration20261125140000_inboxes.js';

/** The inboxes module's migrations, oldest first. Names are `inboxes/<class name>`. */
export const inboxesMigrations: MigrationObject[] = [
  { name: 'inboxes/Migration20261125140000_inboxes', class: Migration20261125140000_inboxes },
];
