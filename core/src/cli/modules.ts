import type { PluginEntry } from '../kernel/plugins/index.js';
import { identityModule } from '../identity/index.js';
import { membersModule } from '../members/index.js';
import { contactsModule } from '../contacts/index.js';
import { ticketsModule } from '../tickets/index.js';
import { inboxesModule } from '../inboxes/index.js';
import { webhooksModule } from '../webhooks/index.js';
import { processingModule } from '../processing/index.js';
import { billingModule } from '../billing/index.js';
import { searchModule } from '../search/index.js';
import { realtimeModule } from '../realtime/index.js';

/**
 * The core's domain modules, loaded by the CLI (and by embedders who want the whole helpdesk)
 * through the plugin contract, after the kernel's own module. Domain issues add theirs here.
 */
export const defaultModules: PluginEntry[] = [
  identityModule,
  processingModule,
  membersModule,
  contactsModule,
  ticketsModule,
  inboxesModule,
  webhooksModule,
  billingModule,
  searchModule,
  realtimeModule,
];
