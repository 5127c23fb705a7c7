/** The tickets module's domain events (payloads carry ids only). */
declare module '../events/event-bus.js' {
  interface EventMap {
    'ticket.created': { ticketId: string };
    /** One or more fields of the ticket changed (its timeline says which). */
    'ticket.updated': { ticketId: string };
    /** A public reply (inbound or outbound) was added. */
    'message.created': { ticketId: string; messageId: string };
    /** An internal note was added. */
    'note.created': { ticketId: string; messageId: string };
    /** A ticket was merged into another (the source is closed with `mergedIntoId`). */
    'ticket.merged': { sourceId: string; targetId: string };
    /** A bulk update finished; each changed ticket also had its own `ticket.updated`. */
    'ticket.bulk_updated': { bulkId: string; ticketCount: number };
  }
}

export {};
