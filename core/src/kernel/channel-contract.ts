/**
 * The channel part of the plugin contract: what a channel provider (email, chat, the core's API
 * inbox) implements, and the services the core offers it for inbound messages and delivery
 * events. Re-exported by `contract.ts`.
 */
import type { AwilixContainer } from 'awilix';
import type { ZodType } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestCradle } from './contract.js';

/** An outbound message a channel provider delivers (an agent's public reply). */
export interface ChannelOutboundMessage {
  inboxId: string;
  ticketId: string;
  messageId: string;
  /** The requester's address on the channel (an email address, a phone number, …). */
  to: string;
  subject: string;
  body: string;
  /** The thread the reply belongs to on the channel, when the inbound message named one. */
  threadKey: string | null;
  /** The ticket's number (subject tags) and the replying agent's name, when known. */
  ticketNumber?: number;
  authorName?: string | null;
}

export interface ChannelSendContext<S = unknown> {
  workspaceId: string;
  /** The inbox's settings, already validated by the provider's `settings` schema. */
  settings: S;
  scope: AwilixContainer<RequestCradle>;
  signal?: AbortSignal;
}

/**
 * What `send()` reports: sent (accepted by the channel, with its id for it), queued (the provider
 * took it and reports later through `deliveryEvents`), captured (stored, not delivered: no
 * transport configured — never "sent"), or failed (retryable or not).
 */
export type DeliveryResult =
  | { status: 'sent'; externalId?: string }
  | { status: 'queued'; externalId?: string }
  | { status: 'captured'; reason: string }
  | { status: 'failed'; error: string; retryable: boolean };

/** The states of an outbound message's delivery (events, and the message's latest status). */
export type DeliveryStatus =
  'queued' | 'sent' | 'captured' | 'delivered' | 'deferred' | 'bounced' | 'complained' | 'failed';

export interface DeliveryEventInput {
  /** The ticket message (an outbound reply). */
  messageId: string;
  status: DeliveryStatus;
  /** The recipient the event is about (a multi-recipient DSN gives one event per recipient). */
  recipient?: string | null;
  /** Bounces: permanent (the address is bad) or temporary. */
  hard?: boolean | null;
  /** A classification: `userunknown`, `mailboxfull`, `spamdetected`, `relay_rejected`, … */
  reason?: string | null;
  /** What the channel said (an SMTP reply, a DSN's diagnostic code), for people. */
  detail?: string | null;
  /** Where the event comes from: `relay`, `dsn`, `verp`, `arf`, `capture`, … */
  source?: string | null;
}

export interface DeliveryEvents {
  /** Records one event in `em`'s workspace transaction and updates the message's status. */
  record(em: EntityManager, workspaceId: string, event: DeliveryEventInput): Promise<void>;
}

/** A normalized inbound message a channel provider hands to `channelInbound.receive()`. */
export interface ChannelInboundMessage {
  inboxId: string;
  from: { email: string; name?: string | null };
  subject: string;
  /** Plain text for display (quoted history may be stripped; the channel keeps the original). */
  text: string;
  /** Sanitized HTML, when the channel has it. */
  html?: string | null;
  /** The ticket the channel's threading resolved the message to; absent or null: a new ticket. */
  ticketId?: string | null;
  /**
   * Automatic mail (auto-replies, out-of-office): recorded on the ticket, never reopens a
   * solved one. A person's reply to a solved ticket reopens it; a closed ticket gets a new one.
   */
  automatic?: boolean;
  /** Tags a new ticket gets. */
  tags?: string[];
  /**
   * Files to attach (stored through the tickets module's attachments). `cid:<contentId>` in
   * `html` becomes `cid:<attachment id>` (resolved by clients against the message's attachments). Files over the limits are left out and counted.
   */
  attachments?: ChannelInboundAttachment[];
}

export interface ChannelInboundAttachment {
  filename: string | null;
  data: Buffer;
  /** An inline part's Content-ID (without angle brackets). */
  contentId?: string | null;
  inline?: boolean;
}

export interface ChannelInboundResult {
  ticketId: string;
  messageId: string;
  contactId: string;
  /** `created`: a new ticket; `appended`: joined (and possibly reopened) the resolved one. */
  outcome: 'created' | 'appended';
  /** Stored attachment ids, in the order given; null for one left out (too large, too many). */
  attachmentIds: (string | null)[];
}

export interface ChannelInboxRecord {
  id: string;
  channelType: string;
  name: string;
  enabled: boolean;
  /** Decrypted: secrets included. Never return these to a client. */
  settings: Record<string, unknown>;
}

export interface ChannelInbound {
  /**
   * Stores the message as a ticket or a follow-up, in the workspace transaction of the scope's
   * `em` (a job's or request's scope); `ticket.beforeCreate` runs for a new ticket.
   */
  receive(
    scope: AwilixContainer<RequestCradle>,
    workspaceId: string,
    message: ChannelInboundMessage,
  ): Promise<ChannelInboundResult>;
  /** One inbox with its decrypted settings, or null. */
  inbox(
    em: EntityManager,
    workspaceId: string,
    inboxId: string,
  ): Promise<ChannelInboxRecord | null>;
  /** Creates an inbox (secrets encrypted, `inboxChanged` called), e.g. a plugin's default one. */
  createInbox(
    em: EntityManager,
    workspaceId: string,
    input: { channelType: string; name: string; settings: Record<string, unknown> },
  ): Promise<ChannelInboxRecord>;
}

/** Told to the inbox's provider in the transaction that changes it. */
export interface ChannelInboxChange {
  action: 'saved' | 'deleted';
  inbox: ChannelInboxRecord;
  workspaceId: string;
  em: EntityManager;
}

/**
 * A channel type (email, API, chat, …). An inbox is a configured instance of one: several
 * inboxes per provider, each with settings the provider's zod schema validates. Inbound
 * messages enter through the inboxes module (normalized: from, subject, body, externalId,
 * threadKey); `send()` delivers replies. One provider per `type` across all plugins.
 */
export interface ChannelProvider<S = unknown> {
  /** kebab-case, unique across plugins: `api`, `email`, `whatsapp`. */
  type: string;
  displayName: string;
  /** Validates (and may default) an inbox's settings; the parsed value is what is stored. */
  settings: ZodType<S>;
  send?(message: ChannelOutboundMessage, ctx: ChannelSendContext<S>): Promise<DeliveryResult>;
  /**
   * Dotted paths of `settings` that hold credentials (`imap.password`): stored encrypted with a
   * key derived from the instance secret, never returned by the API, kept when an update omits
   * them.
   */
  secrets?: readonly string[];
  /** Called in the transaction that creates, updates or deletes one of this type's inboxes. */
  inboxChanged?(change: ChannelInboxChange): Promise<void>;
}

export interface ChannelProviderDeclaration {
  pluginId: string;
  provider: ChannelProvider;
}
