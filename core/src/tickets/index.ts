/** The tickets module's public surface. */
import './events.js';
import './hooks.js';

export { ticketsModule } from './tickets.module.js';
export type { MessageDraft, TicketDraft, TicketNotice } from './hooks.js';
export { getTicket } from './tickets.js';
export type { MessageView, TicketView, TimelineItem } from './views.js';
export * from './entities.js';
