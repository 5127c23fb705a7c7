/** The inboxes module's public surface. */
export { inboxesModule } from './inboxes.module.js';
export { apiChannel, ApiInboxSettings } from './api-channel.js';
export type { InboxView } from './inboxes.js';
export * from './entities.js';
