/**
 * `ticket_presence` as an EntitySchema (a tenant entity: `workspaceFilter`), so other modules and
 * plugins can read it through the ORM and the personal-data declaration can name it. The module
 * itself uses plain SQL (`presence.ts`).
 */
import { EntitySchema } from '@mikro-orm/postgresql';
import { workspaceFilter } from '../tenancy/index.js';

export interface TicketPresence {
  workspaceId: string;
  ticketId: string;
  userId: string;
  state: 'viewing' | 'replying';
  updatedAt: Date;
  expiresAt: Date;
}

export const TicketPresenceSchema = new EntitySchema<TicketPresence>({
  name: 'TicketPresence',
  tableName: 'ticket_presence',
  filters: { workspace: workspaceFilter },
  properties: {
    workspaceId: { type: 'uuid', primary: true },
    ticketId: { type: 'uuid', primary: true },
    userId: { type: 'uuid', primary: true },
    state: { type: 'text' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
    expiresAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

export const realtimeEntities = [TicketPresenceSchema];
