import type { MigrationDefinition } from '@novumdesk/core';
import { Migration20261125180000_stripe } from './Migration20261125180000_stripe.js';

export const stripeMigrations: MigrationDefinition[] = [
  { name: 'billing-stripe/Migration20261125180000_stripe', class: Migration20261125180000_stripe },
];
