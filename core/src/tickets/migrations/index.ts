import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125133000_tickets } from './Migration20261125133000_tickets.js';
import { Migration20261125150000_ticket_features } from './Migration20261125150000_ticket_features.js';
import { Migration20261125160000_ticket_queue_indexes } from './Migration20261125160000_ticket_queue_indexes.js';
import { Migration20261125170000_assignee_queue_index } from './Migration20261125170000_assignee_queue_index.js';

/** The tickets module's migrations, oldest first. Names are `tickets/<class name>`. */
export const ticketsMigrations: MigrationObject[] = [
  { name: 'tickets/Migration20261125133000_tickets', class: Migration20261125133000_tickets },
  {
    name: 'tickets/Migration20261125150000_ticket_features',
    class: Migration20261125150000_ticket_features,
  },
  {
    name: 'tickets/Migration20261125160000_ticket_queue_indexes',
    class: Migration20261125160000_ticket_queue_indexes,
  },
  {
    name: 'tickets/Migration20261125170000_assignee_queue_index',
    class: Migration20261125170000_assignee_queue_index,
  },
];
