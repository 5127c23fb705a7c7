/**
 * The inboxes module's tables as EntitySchemas (tenant entities: `workspaceFilter`), for other
 * modules and plugins; the module itself uses plain SQL through the request's transaction.
 */
import { EntitySchema } from '@mikro-orm/postgresql';
import { workspaceFilter } from '../tenancy/index.js';

export interface Inbox {
  id: string;
  workspaceId: string;
  channelType: string;
  name: string;
  settings: Record<string, unknown>;
  apiTokenHash: string | null;
  enabled: boolean;
  createdAt: Date;
}

export const InboxSchema = new EntitySchema<Inbox>({
  name: 'Inbox',
  tableName: 'inbox',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    channelType: { type: 'text' },
    name: { type: 'text' },
    settings: { type: 'json' },
    apiTokenHash: { type: 'text', nullable: true },
    enabled: { type: 'boolean' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

/** An inbound message's channel-side ids, for idempotency and threading. */
export interface InboxMessageRef {
  id: string;
  workspaceId: string;
  inboxId: string;
  externalId: string | null;
  threadKey: string | null;
  ticketId: string;
  messageId: string;
  createdAt: Date;
}

export const InboxMessageRefSchema = new EntitySchema<InboxMessageRef>({
  name: 'InboxMessageRef',
  tableName: 'inbox_message_ref',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    inboxId: { type: 'uuid' },
    externalId: { type: 'text', nullable: true },
    threadKey: { type: 'text', nullable: true },
    ticketId: { type: 'uuid' },
    messageId: { type: 'uuid' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

export const inboxEntities = [InboxSchema, InboxMessageRefSchema];
