/** The tickets module's public surface. */
import './events.js';
import './hooks.js';

export {
  ticketsModule,
  ticketsOptionsSchema,
  type TicketsOptions,
  type TicketsOptionsInput,
} from './tickets.module.js';
export type {
  AttachmentDraft,
  BulkUpdateDraft,
  BulkUpdateNotice,
  MergeDraft,
  MergeNotice,
  MessageDraft,
  NoteDraft,
  TicketChangeSet,
  TicketDraft,
  TicketNotice,
  TicketUpdateDraft,
} from './hooks.js';
export { getTicket, insertEvent, insertMessage, type MessageInsert } from './tickets.js';
export { htmlToText, sanitizeHtml, MAX_HTML_CHARS } from './html.js';
export type { AttachmentView, MessageView, TicketView, TimelineItem } from './views.js';
export * from './entities.js';
