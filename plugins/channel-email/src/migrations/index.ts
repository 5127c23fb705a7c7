import type { MigrationDefinition } from '@novumdesk/core';
import { Migration20261125170000_email } from './Migration20261125170000_email.js';

/** Oldest first; names are `channel-email/<class name>`. */
export const emailMigrations: MigrationDefinition[] = [
  { name: 'channel-email/Migration20261125170000_email', class: Migration20261125170000_email },
];
