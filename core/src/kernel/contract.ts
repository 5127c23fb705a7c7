/**
 * The plugin contract: what a plugin (or a core module, which uses the same contract) declares
 * and what it receives. Everything here is types only; behaviour lives in the loader
 * (`plugins/`), the hook registry (`hooks/`) and `helpdesk.ts`.
 *
 * Extension by declaration merging:
 *  - `HookRegistry` (hooks/registry.ts) — add hook areas: `declare module '@novumdesk/core' { interface HookRegistry { 'myplugin:thing': AsyncParallelHook<...> } }`
 *  - `CoreCradle` / `RequestCradle` — add container keys a plugin registers.
 *  - `EventMap` — add domain event names and their payloads.
 */
import type { AwilixContainer, Resolver } from 'awilix';
import type { EntityManager, EntitySchema, MikroORM } from '@mikro-orm/postgresql';
import type { MigrationObject } from '@mikro-orm/core';
import type { ZodType } from 'zod';
import type { Logger } from './logger.js';
import type { ResolvedConfig } from './config/schema.js';
import type { HookDiagnostics, HookRegistry, PluginHooks } from './hooks/registry.js';
import type { RouteDefinition } from '../http/route.js';
import type { PageMount } from '../http/pages.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { EventBus, EventEnvelope, EventMap } from '../events/event-bus.js';
import type { Clock } from './clock.js';
import type { PermissionCatalog } from './plugins/permission-catalog.js';
import type { StorageProvider } from '../storage/storage.js';

/** Who is acting: filled by the auth layer (identity issue); `null` for anonymous requests. */
export interface Actor {
  kind: 'user' | 'apiKey' | 'system';
  id: string;
  workspaceId?: string;
  permissions?: readonly string[];
}

/** Singletons in the root container. Plugins augment this interface for the keys they add. */
export interface CoreCradle {
  config: ResolvedConfig;
  logger: Logger;
  orm: MikroORM;
  hooks: Readonly<HookRegistry>;
  jobs: JobQueue;
  events: EventBus;
  clock: Clock;
  /** Loaded plugins and core modules with their status (computed on each resolve). */
  plugins: LoadedPluginInfo[];
  /** Hooks, their taps and per-tap timing, for the diagnostics route. */
  hookDiagnostics: () => HookDiagnostics[];
  /** Every permission the core modules and loaded plugins declare (`permissions` manifests). */
  permissionCatalog: PermissionCatalog;
  /** Uploaded files (avatars, …): `LocalDiskStorage` under `<dataDir>/files` by default. */
  storage: StorageProvider;
  /** Channel providers by type, as plugins added them with `ctx.channels.add()` in register(). */
  channelProviders: ReadonlyMap<string, ChannelProviderDeclaration>;
  /** Inbound messages of channel providers into tickets (the inboxes module). */
  channelInbound: ChannelInbound;
  /** The delivery history of outbound messages (the inboxes module). */
  deliveryEvents: DeliveryEvents;
  /** Every loaded plugin's and core module's personal-data handlers and sub-processors. */
  personalDataRegistry: readonly PersonalDataDeclaration[];
}

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

/** What a request or job scope adds to the root cradle. */
export interface RequestCradle extends CoreCradle {
  em: EntityManager;
  requestId: string;
  actor: Actor | null;
  workspaceId: string | null;
}

/** Context handed to every hook call: `(payload, ctx)`. */
export interface HookContext {
  em: EntityManager;
  scope: AwilixContainer<RequestCradle>;
  actor: Actor | null;
  workspaceId: string | null;
  requestId: string;
  signal?: AbortSignal;
}

/**
 * One migration of one package, as MikroORM's migrator takes it: `name` is
 * `<pluginId>/Migration<timestamp>_<slug>`, `class` extends `Migration` from `@mikro-orm/migrations`.
 */
export type MigrationDefinition = MigrationObject;

/** How a plugin's stored personal data is exported, erased and restricted (ARCHITECTURE §7). */
export interface PersonalDataSubject {
  kind: 'user' | 'contact';
  id: string;
  workspaceId: string;
  emails: string[];
  /**
   * Other strings that identify the subject in free text (names, phone numbers), collected by the
   * privacy plugin before erasure so that handlers can redact them; absent on older callers.
   */
  identifiers?: string[];
}

/** How a handler erases: chosen per workspace by the privacy plugin's policy. */
export type ErasureMethod = 'delete' | 'anonymize' | 'redact';

export interface PersonalDataEraseOptions {
  /** A handler that supports one method only uses it and says so in `kept`. */
  method: ErasureMethod;
  /** A keyed hash standing for the subject where a row must stay (security events, former agent). */
  pseudonym: string;
}

/** A file of the subject's (an attachment, the original `.eml` of an email) for an export package. */
export interface PersonalDataFile {
  /** Path inside the package, e.g. `attachments/<id>/invoice.pdf`, `email/<messageId>.eml`. */
  path: string;
  contentType: string;
  /** Read from the storage provider by key, or given inline. */
  storageKey?: string;
  content?: Buffer;
}

/** Subjects whose records a retention run must skip (legal hold). */
export interface HeldSubjects {
  contactIds: readonly string[];
  userIds: readonly string[];
}

/**
 * Something a retention policy can age out: `count` for the dry run, `purge` in batches. Both
 * run in the workspace's transaction (`scope.cradle.em`) and skip the held subjects' rows.
 */
export interface RetentionTarget {
  /** Unique across plugins, dotted: `tickets.closed`, `channel-email.rawMime`. */
  type: string;
  description: string;
  /** What a run does to an old row. */
  action: 'delete' | 'anonymize';
  /** Days after which rows are processed when the workspace sets no policy; null: off by default. */
  defaultDays: number | null;
  count(before: Date, held: HeldSubjects, scope: AwilixContainer<RequestCradle>): Promise<number>;
  /** Processes at most `limit` rows older than `before`; returns how many it processed. */
  purge(
    before: Date,
    limit: number,
    held: HeldSubjects,
    scope: AwilixContainer<RequestCradle>,
  ): Promise<number>;
  /** Old rows a run skips because their subject is held (for the report). */
  countHeld?(
    before: Date,
    held: HeldSubjects,
    scope: AwilixContainer<RequestCradle>,
  ): Promise<number>;
}

/** A service outside the host that a plugin sends personal data to (PRV-34). */
export interface SubProcessorDeclaration {
  name: string;
  /** What the data is sent for. */
  purpose: string;
  /** Where the data goes: a region or country, e.g. `EU`, `US`. */
  region: string;
  /** Categories of personal data sent, e.g. `email address`, `message content`. */
  categories: readonly string[];
  /** The origin the server or browser talks to, when known (`https://api.stripe.com`). */
  origin?: string;
}

/** One loaded plugin's or core module's privacy declarations (`personalDataRegistry`). */
export interface PersonalDataDeclaration {
  pluginId: string;
  handlers: PersonalDataHandlers | null;
  subProcessors: readonly SubProcessorDeclaration[];
}

export interface PersonalDataHandlers {
  /** entity name -> the fields holding personal data */
  entities: Record<string, readonly string[]>;
  export(
    subject: PersonalDataSubject,
    scope: AwilixContainer<RequestCradle>,
  ): Promise<Record<string, unknown>>;
  erase(
    subject: PersonalDataSubject,
    scope: AwilixContainer<RequestCradle>,
    options?: PersonalDataEraseOptions,
  ): Promise<{ erased: number; kept?: string[] }>;
  restrict?(
    subject: PersonalDataSubject,
    restricted: boolean,
    scope: AwilixContainer<RequestCradle>,
  ): Promise<void>;
  /** Files for the export package (attachments, original emails); their bytes go in as-is. */
  exportFiles?(
    subject: PersonalDataSubject,
    scope: AwilixContainer<RequestCradle>,
  ): Promise<PersonalDataFile[]>;
  /** Corrects the subject's data (right to rectification): a new name, a changed address. */
  rectify?(
    subject: PersonalDataSubject,
    changes: { name?: string; email?: { from: string; to: string } },
    scope: AwilixContainer<RequestCradle>,
  ): Promise<{ changed: number }>;
  /** What retention policies can age out in this plugin's tables. */
  retention?: readonly RetentionTarget[];
}

export interface EventSubscriberOptions {
  /** Unique per plugin; the queue name becomes `event.<pluginId>.<name>`. */
  name: string;
  retryLimit?: number;
}

/** What `register()` may do: declarations only, no I/O. */
export interface PluginContext<O = unknown> {
  readonly id: string;
  readonly options: Readonly<O>;
  readonly logger: Logger;
  readonly hooks: PluginHooks;
  /** Adds singletons to the root container; keys must start with the plugin's camelCase prefix. */
  register(resolvers: Record<string, Resolver<unknown>>): void;
  /** Adds an HTTP route; plugin routes are mounted under `/api/p/<pluginId>`. */
  route(definition: RouteDefinition): void;
  /**
   * Serves public, anonymous pages outside `/api` (HTML, sitemap.xml, …) at the mount's paths
   * and, optionally, on host names it claims; see `http/pages.ts` and docs/plugins.md.
   */
  page(mount: PageMount): void;
  /** Runs `handler` once per domain event `name`, after commit, through the job queue. */
  on<K extends keyof EventMap>(
    event: K,
    options: EventSubscriberOptions,
    handler: (
      event: EventEnvelope<EventMap[K]>,
      scope: AwilixContainer<RequestCradle>,
    ) => Promise<void>,
  ): void;
  /** A named background job (queue `<pluginId>.<name>`), optionally on a cron schedule. */
  job<T extends object = object>(
    name: string,
    handler: (data: T, scope: AwilixContainer<RequestCradle>) => Promise<void>,
    options?: { cron?: string; retryLimit?: number; retryDelaySeconds?: number },
  ): void;
  /** Channel types this plugin provides; a second provider of the same type fails assembly. */
  readonly channels: {
    add<S>(provider: ChannelProvider<S>): void;
  };
}

/** What `boot()` / `shutdown()` get: the assembled container. */
export interface PluginRuntimeContext<O = unknown> {
  readonly id: string;
  readonly options: Readonly<O>;
  readonly logger: Logger;
  readonly container: AwilixContainer<CoreCradle>;
  resolve<K extends keyof CoreCradle>(key: K): CoreCradle[K];
}

export interface NovumPlugin<O = unknown> {
  /** kebab-case, unique: `channel-email`, `hello`. */
  id: string;
  version: string;
  /** semver range of @novumdesk/core this plugin works with. */
  core: string;
  description?: string;
  dependsOn?: Record<string, string>;
  optionalDependsOn?: Record<string, string>;
  /** Parsed (defaults applied) before `register()`. Also the settings form in the admin UI. */
  options?: ZodType<O>;
  entities?: EntitySchema<any, any>[];
  migrations?: MigrationDefinition[];
  permissions?: readonly string[];
  /** Required when `entities` hold personal data: the kernel refuses to start without handlers. */
  personalData?: PersonalDataHandlers;
  /** Panels for the admin UI; the kernel fails start-up if a declared entry file is missing. */
  admin?: AdminContribution;
  /** Set on plugins whose entities hold no personal data, so the omission is a decision. */
  noPersonalData?: true;
  /** Subcommands this plugin adds to the `novumdesk` CLI (`novumdesk <name> [args…]`). */
  commands?: readonly PluginCommand[];
  /** Services off the host this plugin sends personal data to (listed by the privacy plugin). */
  subProcessors?: readonly SubProcessorDeclaration[];
  register?(ctx: PluginContext<O>): void;
  boot?(ctx: PluginRuntimeContext<O>): Promise<void>;
  prepareShutdown?(ctx: PluginRuntimeContext<O>): Promise<void>;
  shutdown?(ctx: PluginRuntimeContext<O>): Promise<void>;
}

/** A panel a plugin contributes to the admin UI, mounted at run time into a named slot. */
export interface AdminPanelDeclaration {
  /** Unique within the plugin. */
  id: string;
  /** `dashboard.widgets`, `ticket.details.sidebar`, `nav.main`, … (admin-ui/src/sdk/slots.ts). */
  slot: string;
  title: string;
  /** The built ES module, relative to `admin.assetsDir`. */
  entry: string;
  /** The module export holding the component; `default` when absent. */
  exportName?: string;
  order?: number;
  /** Permissions the user needs to see the panel. */
  requires?: readonly string[];
}

export interface AdminContribution {
  /** Absolute path of the directory with the plugin's built admin bundle (Vite library mode). */
  assetsDir: string;
  panels: readonly AdminPanelDeclaration[];
}

/** A plugin with the operator's raw options: what goes into `config.plugins`. */
export interface PluginInstance<O = unknown> {
  plugin: NovumPlugin<O>;
  rawOptions: unknown;
}

export interface LoadedPluginInfo {
  id: string;
  version: string;
  description?: string;
  status: 'registered' | 'booted' | 'stopped' | 'failed';
  dependsOn: string[];
  /** true for the core's own modules, which use the same contract. */
  builtin: boolean;
}

export type { EntityManager, MikroORM };

/**
 * A subcommand a plugin adds to the `novumdesk` command line: `novumdesk <name> [args…]`, found
 * in the plugins the configuration enables. It gets the arguments after its name and the
 * configuration file `novumdesk --config` named (if any), opens whatever it needs itself (e.g.
 * `createHelpdesk({ configFile, env: process.env, modules: defaultModules })`), and returns the
 * process exit code. Names of the core's commands, and a name two plugins claim, are refused.
 */
export interface PluginCommand {
  /** kebab-case, e.g. `email`, `analytics`. */
  name: string;
  /** One line, shown by `novumdesk plugins`. */
  description: string;
  run(args: string[], context: { configFile?: string }): Promise<number>;
}
