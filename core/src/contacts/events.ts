/** The contacts module's domain events (payloads carry ids only). */
declare module '../events/event-bus.js' {
  interface EventMap {
    'contact.created': { contactId: string };
    'contact.updated': { contactId: string };
    'contact.deleted': { contactId: string };
    /** `sourceId` was merged into `targetId`: whatever pointed at the source follows. */
    'contact.merged': { targetId: string; sourceId: string };
  }
}

export {};
