/**
 * The plugin's tables as EntitySchemas (tenant entities carry the workspace filter). The plugin
 * itself reads and writes them with plain SQL in the caller's transaction; these declarations
 * make them known to the ORM and name them for personal-data handling.
 */
import { EntitySchema } from '@mikro-orm/core';
import { workspaceFilter } from '@novumdesk/core';

export interface ChannelEmailInbound {
  id: string;
  workspaceId: string;
  inboxId: string | null;
  source: string;
  rfcMessageId: string | null;
  raw: Buffer;
  status: string;
  receivedAt: Date;
}

export const ChannelEmailInboundSchema = new EntitySchema<ChannelEmailInbound>({
  name: 'ChannelEmailInbound',
  tableName: 'channel_email_inbound',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    inboxId: { type: 'uuid', nullable: true },
    source: { type: 'text' },
    rfcMessageId: { type: 'text', nullable: true },
    raw: { type: 'blob' },
    status: { type: 'text' },
    receivedAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

export interface ChannelEmailOutbound {
  id: string;
  workspaceId: string;
  rfcMessageId: string;
  recipients: string[];
  subject: string;
  raw: Buffer;
  status: string;
  createdAt: Date;
}

export const ChannelEmailOutboundSchema = new EntitySchema<ChannelEmailOutbound>({
  name: 'ChannelEmailOutbound',
  tableName: 'channel_email_outbound',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    rfcMessageId: { type: 'text' },
    recipients: { type: 'text[]' },
    subject: { type: 'text' },
    raw: { type: 'blob' },
    status: { type: 'text' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

export interface ChannelEmailAddress {
  workspaceId: string;
  address: string;
  hardBounces: number;
  complaints: number;
  undeliverableAt: Date | null;
  suppressedAt: Date | null;
}

export const ChannelEmailAddressSchema = new EntitySchema<ChannelEmailAddress>({
  name: 'ChannelEmailAddress',
  tableName: 'channel_email_address',
  filters: { workspace: workspaceFilter },
  properties: {
    workspaceId: { type: 'uuid', primary: true },
    address: { type: 'text', primary: true },
    hardBounces: { type: 'integer' },
    complaints: { type: 'integer' },
    undeliverableAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    suppressedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
});

export const emailEntities = [
  ChannelEmailInboundSchema,
  ChannelEmailOutboundSchema,
  ChannelEmailAddressSchema,
];
