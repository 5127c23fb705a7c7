/**
 * The tickets module's tables as EntitySchemas (tenant entities: `workspaceFilter`). The module's
 * own code uses plain SQL through the request's transaction (`sqlFor(em)`), like contacts; the
 * schemas let other modules and plugins read these tables through the ORM.
 */
import { EntitySchema } from '@mikro-orm/postgresql';
import { workspaceFilter } from '../tenancy/index.js';

export const TICKET_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TICKET_TYPES = ['question', 'incident', 'problem', 'task'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export type TicketType = (typeof TICKET_TYPES)[number];

export interface TicketVia {
  channel: string;
  inboxId: string | null;
}

export interface Ticket {
  id: string;
  workspaceId: string;
  number: number;
  subject: string;
  requesterId: string;
  status: TicketStatus;
  priority: TicketPriority;
  type: TicketType | null;
  assigneeId: string | null;
  teamId: string | null;
  tags: string[];
  customFields: Record<string, unknown>;
  via: TicketVia;
  firstResponseAt: Date | null;
  solvedAt: Date | null;
  /** The workspace's custom status, when one is set (`status` holds its category). */
  statusId: string | null;
  /** Set on a ticket merged into another (it is closed, and reads redirect to the target). */
  mergedIntoId: string | null;
  /** Contacts copied on public replies. */
  ccs: TicketCc[];
  createdAt: Date;
  updatedAt: Date;
}

export interface TicketCc {
  contactId: string;
  email: string;
}

export const TicketSchema = new EntitySchema<Ticket>({
  name: 'Ticket',
  tableName: 'ticket',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    number: { type: 'integer' },
    subject: { type: 'text' },
    requesterId: { type: 'uuid' },
    status: { type: 'text' },
    priority: { type: 'text' },
    type: { type: 'text', nullable: true },
    assigneeId: { type: 'uuid', nullable: true },
    teamId: { type: 'uuid', nullable: true },
    tags: { type: 'string[]', columnType: 'text[]' },
    customFields: { type: 'json' },
    via: { type: 'json' },
    firstResponseAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    solvedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    statusId: { type: 'uuid', nullable: true },
    mergedIntoId: { type: 'uuid', nullable: true },
    ccs: { type: 'json' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

/** A public reply (inbound or outbound) or an internal note on a ticket. */
export interface TicketMessage {
  id: string;
  workspaceId: string;
  ticketId: string;
  kind: 'reply' | 'note';
  direction: 'inbound' | 'outbound' | null;
  authorUserId: string | null;
  authorContactId: string | null;
  bodyText: string;
  /** Sanitized HTML (`sanitizeHtml`), or null for a text-only message. */
  bodyHtml: string | null;
  deliveryStatus: string | null;
  createdAt: Date;
}

export const TicketMessageSchema = new EntitySchema<TicketMessage>({
  name: 'TicketMessage',
  tableName: 'ticket_message',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    ticketId: { type: 'uuid' },
    kind: { type: 'text' },
    direction: { type: 'text', nullable: true },
    authorUserId: { type: 'uuid', nullable: true },
    authorContactId: { type: 'uuid', nullable: true },
    bodyText: { type: 'text' },
    bodyHtml: { type: 'text', nullable: true },
    deliveryStatus: { type: 'text', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

/** One state change on a ticket's timeline: who (`actor`), what (`type`, `data`), when. */
export interface TicketEvent {
  id: string;
  workspaceId: string;
  ticketId: string;
  actor: { kind: string; id: string } | null;
  type: string;
  data: Record<string, unknown>;
  createdAt: Date;
}

export const TicketEventSchema = new EntitySchema<TicketEvent>({
  name: 'TicketEvent',
  tableName: 'ticket_event',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    ticketId: { type: 'uuid' },
    actor: { type: 'json', nullable: true },
    type: { type: 'text' },
    data: { type: 'json' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

/** A file uploaded through the storage provider; `messageId` is null until a message uses it. */
export interface Attachment {
  id: string;
  workspaceId: string;
  storageKey: string;
  filename: string;
  /** Sniffed from the bytes, never the client's claim. */
  contentType: string;
  size: number;
  uploadedBy: { kind: string; id: string } | null;
  messageId: string | null;
  createdAt: Date;
  /** When an upload no message references is deleted; null once attached. */
  expiresAt: Date | null;
}

export const AttachmentSchema = new EntitySchema<Attachment>({
  name: 'Attachment',
  tableName: 'attachment',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    storageKey: { type: 'text' },
    filename: { type: 'text' },
    contentType: { type: 'text' },
    size: { type: 'integer' },
    uploadedBy: { type: 'json', nullable: true },
    messageId: { type: 'uuid', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    expiresAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
});

/** A workspace's custom status, mapped to one of the fixed categories. */
export interface TicketStatusDefinition {
  id: string;
  workspaceId: string;
  name: string;
  category: TicketStatus;
  position: number;
  createdAt: Date;
  updatedAt: Date;
}

export const TicketStatusDefinitionSchema = new EntitySchema<TicketStatusDefinition>({
  name: 'TicketStatusDefinition',
  tableName: 'ticket_status',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    name: { type: 'text' },
    category: { type: 'text' },
    position: { type: 'integer' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

export const TICKET_FIELD_TYPES = ['text', 'number', 'checkbox', 'date', 'dropdown'] as const;
export type TicketFieldType = (typeof TICKET_FIELD_TYPES)[number];

/** A typed custom field of a workspace's tickets; values live in `ticket.customFields[key]`. */
export interface TicketFieldDefinition {
  id: string;
  workspaceId: string;
  key: string;
  label: string;
  type: TicketFieldType;
  required: boolean;
  /** Dropdown choices: `{ value, label }`. */
  options: { value: string; label: string }[];
  position: number;
  createdAt: Date;
  updatedAt: Date;
}

export const TicketFieldDefinitionSchema = new EntitySchema<TicketFieldDefinition>({
  name: 'TicketFieldDefinition',
  tableName: 'ticket_field',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    key: { type: 'text' },
    label: { type: 'text' },
    type: { type: 'text' },
    required: { type: 'boolean' },
    options: { type: 'json' },
    position: { type: 'integer' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

export const ticketEntities = [
  TicketSchema,
  TicketMessageSchema,
  TicketEventSchema,
  AttachmentSchema,
  TicketStatusDefinitionSchema,
  TicketFieldDefinitionSchema,
];
