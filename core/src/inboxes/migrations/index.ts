import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125140000_inboxes } from './Migration20261125140000_inboxes.js';
import { Migration20261125160000_delivery_events } from './Migration20261125160000_delivery_events.js';

/** The inboxes module's migrations, oldest first. Names are `inboxes/<class name>`. */
export const inboxesMigrations: MigrationObject[] = [
  { name: 'inboxes/Migration20261125140000_inboxes', class: Migration20261125140000_inboxes },
  {
    name: 'inboxes/Migration20261125160000_delivery_events',
    class: Migration20261125160000_delivery_events,
  },
];
