/** The realtime module's public surface. */
export {
  realtimeModule,
  realtimeOptionsSchema,
  type RealtimeOptions,
  type RealtimeOptionsInput,
} from './realtime.module.js';
export { RealtimeHub, type StreamConnection } from './hub.js';
export {
  REALTIME_CHANNEL,
  type DomainEventMessage,
  type PresenceMessage,
  type PresenceViewer,
  type RealtimeMessage,
} from './messages.js';
export { TicketPresenceSchema, type TicketPresence } from './entities.js';
