import { EntitySchema } from '@mikro-orm/postgresql';

/**
 * A row of the outbox: written in the same transaction as the change it describes, relayed to
 * subscribers' job queues after commit. `position` orders events for the relay and change feeds.
 */
export interface DomainEvent {
  position?: string;
  id: string;
  name: string;
  workspaceId: string | null;
  payload: Record<string, unknown>;
  actor: { kind: string; id: string } | null;
  requestId: string | null;
  occurredAt: Date;
  dispatchedAt: Date | null;
}

export const DomainEventSchema = new EntitySchema<DomainEvent>({
  name: 'DomainEvent',
  tableName: 'domain_event',
  properties: {
    position: { type: 'bigint', primary: true, autoincrement: true },
    id: { type: 'uuid', unique: true },
    name: { type: 'text' },
    workspaceId: { type: 'uuid', nullable: true },
    payload: { type: 'json' },
    actor: { type: 'json', nullable: true },
    requestId: { type: 'text', nullable: true },
    occurredAt: { type: 'Date', columnType: 'timestamptz' },
    dispatchedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
});
