import type { MigrationDefinition } from '@novumdesk/core';
import { Migration20261125140000_analytics } from './Migration20261125140000_analytics.js';

/** The analytics plugin's migrations, oldest first. */
export const analyticsMigrations: MigrationDefinition[] = [
  { name: 'analytics/Migration20261125140000_analytics', class: Migration20261125140000_analytics },
];
