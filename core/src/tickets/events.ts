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
  }
}

export {};
