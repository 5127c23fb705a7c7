import type { MigrationDefinition } from '@novumdesk/core';
import { Migration20261125140000_init } from './Migration20261125140000_init.js';

/** Oldest first. Each name is `<pluginId>/<class name>`. */
export const knowledgeBaseMigrations: MigrationDefinition[] = [
  {
    name: 'knowledge-base/Migration20261125140000_init',
    class: Migration20261125140000_init,
  },
];
