import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125131000_webhooks } from './Migration20261125131000_webhooks.js';

/** The webhooks module's migrations, oldest first. Names are `webhooks/<class name>`. */
export const webhooksMigrations: MigrationObject[] = [
  { name: 'webhooks/Migration20261125131000_webhooks', class: Migration20261125131000_webhooks },
];
