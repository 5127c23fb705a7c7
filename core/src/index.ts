/**
 * @novumdesk/core: the public API for operators, plugin authors and embedders.
 * Anything not exported here is internal and may change without notice.
 */
export {
  createHelpdesk,
  type CreateHelpdeskOptions,
  type Helpdesk,
  type StartOptions,
} from './kernel/helpdesk.js';
export type {
  Actor,
  CoreCradle,
  EventSubscriberOptions,
  ChannelOutboundMessage,
  ChannelProvider,
  ChannelProviderDeclaration,
  ChannelSendContext,
  DeliveryResult,
  HookContext,
  LoadedPluginInfo,
  MigrationDefinition,
  NovumPlugin,
  PluginCommand,
  PersonalDataHandlers,
  PersonalDataSubject,
  PersonalDataDeclaration,
  PersonalDataEraseOptions,
  PersonalDataFile,
  ErasureMethod,
  HeldSubjects,
  RetentionTarget,
  SubProcessorDeclaration,
  PluginContext,
  PluginInstance,
  PluginRuntimeContext,
  RequestCradle,
} from './kernel/contract.js';
export { NovumError, isNovumError, errors } from './kernel/errors.js';
export { createLogger, loggerDefaults, serializeError, type Logger } from './kernel/logger.js';
export type { Clock } from './kernel/clock.js';
export * from './kernel/config/index.js';
export * from './kernel/hooks/index.js';
export * from './kernel/plugins/index.js';
export * from './http/index.js';
// Both the hook registry (structurally) and the HTTP layer name it; the HTTP layer's type is the precise one.
export type { OpenApiDocument } from './http/index.js';
export { EventBus, type EventMap, type EventEnvelope } from './events/event-bus.js';
export type { DomainEvent } from './events/domain-event.entity.js';
export {
  JobQueue,
  type JobContext,
  type JobDefinition,
  type SendOptions,
  type DeadLetter,
  type QueueSummary,
} from './jobs/job-queue.js';
export * from './tenancy/index.js';
export {
  identityModule,
  IdentityService,
  identityOptionsSchema,
  BUILTIN_ROLES,
  IDENTITY_PERMISSIONS,
  OPERATOR_PERMISSIONS,
  PERMISSIONS,
  effectivePermissions,
  DatabaseMailer,
  AuditLog,
  requestAuth,
  verifyPassword,
  type IdentityOptions,
  type IdentityOptionsInput,
  type BuiltinRole,
  type BuiltinRoleKey,
  type Mailer,
  type MailerMessage,
  type MailerSendOptions,
  type AuditAction,
  type AuditRecord,
  type AuthInfo,
} from './identity/index.js';
export {
  processingModule,
  isProcessingAllowed,
  type ProcessingPurpose,
  type ProcessingQuery,
  type ProcessingSubject,
} from './processing/index.js';
export * from './billing/index.js';
export * from './tickets/index.js';
export {
  AttachmentService,
  attachmentOptionsSchema,
  attachmentsOf,
  contentDisposition,
  sanitizeFilename,
  sniffContentType,
  type AttachmentOptions,
  type StoreInput,
} from './attachments/index.js';
export * from './search/index.js';
export * from './realtime/index.js';
export { seedDemo, type DemoOptions, type DemoResult } from './demo/index.js';
export { CORE_VERSION } from './version.js';
/** The core's domain modules, for embedders who assemble the whole helpdesk themselves. */
export { defaultModules } from './cli/modules.js';
