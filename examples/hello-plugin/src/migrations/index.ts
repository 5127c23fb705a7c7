import type { MigrationDefinition } from '@novumdesk/core';
import { Migration20261125120000_init } from './Migration20261125120000_init.js';

/** Oldest first. Each name is `<pluginId>/<class name>`. */
export const helloMigrations: MigrationDefinition[] = [
  { name: 'hello/Migration20261125120000_init', class: Migration20261125120000_init },
];
