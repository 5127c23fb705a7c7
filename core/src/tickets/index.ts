/** The tickets module's public surface. */
import './events.js';
import './hooks.js';

export { ticketsModule } from './tickets.module.js';
export type { MessageDraft, TicketDraft, TicketNotice } from './hooks.js';
export { getTicket, type MessageView, type TicketView, type TimelineItem } from './tickets.js';
export * from './entities.js';
