import type { MigrationDefinition } from '@novumdesk/core';
import { Migration20261125140000_privacy } from './Migration20261125140000_privacy.js';

/** Oldest first. Each name is `<pluginId>/<class name>`. */
export const privacyMigrations: MigrationDefinition[] = [
  { name: 'privacy/Migration20261125140000_privacy', class: Migration20261125140000_privacy },
];
