/** The identity module's entities, in one list for the module manifest. */
import type { EntitySchema } from '@mikro-orm/postgresql';
import { ApiKeySchema } from './api-key.entity.js';
import { AuditEventSchema } from './audit-event.entity.js';
import { InvitationSchema } from './invitation.entity.js';
import { MailMessageSchema } from './mail-message.entity.js';
import { MembershipSchema, RoleSchema } from './membership.entity.js';
import { ActionTokenSchema, AuthSessionSchema, RefreshTokenSchema } from './session.entity.js';
import { TeamMemberSchema, TeamSchema } from './team.entity.js';
import { UserSchema } from './user.entity.js';
import { WorkspaceSchema } from './workspace.entity.js';

export * from './api-key.entity.js';
export * from './audit-event.entity.js';
export * from './invitation.entity.js';
export * from './mail-message.entity.js';
export * from './membership.entity.js';
export * from './session.entity.js';
export * from './team.entity.js';
export * from './user.entity.js';
export * from './workspace.entity.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the contract takes schemas of any entity
export const identityEntities: EntitySchema<any, any>[] = [
  WorkspaceSchema,
  UserSchema,
  RoleSchema,
  MembershipSchema,
  TeamSchema,
  TeamMemberSchema,
  InvitationSchema,
  ApiKeySchema,
  AuthSessionSchema,
  RefreshTokenSchema,
  ActionTokenSchema,
  AuditEventSchema,
  MailMessageSchema,
];
