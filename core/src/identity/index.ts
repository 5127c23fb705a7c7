/** The identity module's public surface (re-exported by the package index). */
export { identityModule } from './identity.module.js';
export { IdentityService, tokenAudience, type IdentityServiceDeps } from './service.js';
export {
  identityOptionsSchema,
  type IdentityOptions,
  type IdentityOptionsInput,
} from './options.js';
export {
  BUILTIN_ROLES,
  IDENTITY_PERMISSIONS,
  OPERATOR_PERMISSIONS,
  PERMISSIONS,
  effectivePermissions,
  type BuiltinRole,
  type BuiltinRoleKey,
} from './permissions.js';
export type { Mailer, MailerMessage, MailerSendOptions } from './mailer.js';
export { DatabaseMailer } from './mailer.js';
export type { AuditAction, AuditRecord } from './audit.js';
export { AuditLog } from './audit.js';
export { requestAuth, type AuthInfo } from './authenticate.js';
export {
  hashPassword,
  verifyPassword,
  needsRehash,
  assertPasswordAllowed,
  PASSWORD_MIN_LENGTH,
  PASSWORD_MAX_LENGTH,
} from './passwords.js';
export { issueActionToken, consumeActionToken } from './action-tokens.js';
export {
  createWorkspaceWithOwner,
  insertUser,
  normalizeEmail,
  slugify,
  type NewUser,
  type CreatedWorkspace,
} from './accounts.js';
export {
  inIdentityContext,
  setIdentityContext,
  sqlFor,
  type IdentityContext,
  type Sql,
} from './db.js';
export type { SessionRef, IssuedSession } from './refresh.js';
export * from './entities/index.js';
