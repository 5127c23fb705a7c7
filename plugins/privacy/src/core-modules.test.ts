/** The core's modules for the suites, from source (the package entry exports only some). */
export { identityModule } from '../../../core/src/identity/index.js';
export { membersModule } from '../../../core/src/members/index.js';
export { contactsModule } from '../../../core/src/contacts/index.js';
export { ticketsModule } from '../../../core/src/tickets/index.js';
export { inboxesModule } from '../../../core/src/inboxes/index.js';
export { webhooksModule } from '../../../core/src/webhooks/index.js';
export { processingModule } from '../../../core/src/processing/index.js';
