/**
 * The personal-data part of the plugin contract (ARCHITECTURE §7): how each module and plugin
 * exports, erases, restricts, rectifies and ages out the personal data it stores, and which
 * outside services it sends data to. Re-exported by `contract.ts`.
 */
import type { AwilixContainer } from 'awilix';
import type { RequestCradle } from './contract.js';

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
