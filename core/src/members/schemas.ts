/** Request and response schemas of the members module (named for the OpenAPI document). */
import { z } from 'zod';
import { passwordSchema } from '../identity/routes/schemas.js';

export const IdParams = z.object({ id: z.uuid() });
export const UserIdParams = z.object({ userId: z.uuid() });

const name = z.string().trim().min(1).max(100);
const description = z.string().trim().max(500).nullable();
/** `area:verb`, the manifest format; whether it exists is checked against the catalog. */
const permission = z.string().min(3).max(100);

export const RoleRef = z
  .object({ id: z.uuid(), key: z.string().nullable(), name: z.string() })
  .meta({ id: 'RoleRef' });

export const TeamRef = z.object({ id: z.uuid(), name: z.string() }).meta({ id: 'TeamRef' });

export const MemberSchema = z
  .object({
    userId: z.uuid(),
    email: z.string(),
    displayName: z.string(),
    role: RoleRef,
    teams: z.array(TeamRef),
    joinedAt: z.string(),
  })
  .meta({ id: 'Member' });

export const MemberUpdateBody = z.strictObject({ roleId: z.uuid() }).meta({ id: 'MemberUpdate' });

export const RoleSchemaOut = z
  .object({
    id: z.uuid(),
    key: z.string().nullable(),
    name: z.string(),
    description: z.string().nullable(),
    /** What the role grants (for a built-in role: its current definition). */
    permissions: z.array(z.string()),
    builtin: z.boolean(),
    memberCount: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'Role' });

export const RoleCreateBody = z
  .strictObject({
    name,
    description: description.optional(),
    permissions: z.array(permission).max(200),
  })
  .meta({ id: 'RoleCreate' });

export const RoleUpdateBody = z
  .strictObject({
    name: name.optional(),
    description: description.optional(),
    permissions: z.array(permission).max(200).optional(),
  })
  .meta({ id: 'RoleUpdate' });

export const PermissionInfo = z
  .object({
    permission: z.string(),
    /** The core module or plugin that declares it. */
    declaredBy: z.string(),
    /** Whether a custom role may hold it (operator and ownership permissions may not). */
    assignable: z.boolean(),
  })
  .meta({ id: 'PermissionInfo' });

export const TeamSchemaOut = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    memberIds: z.array(z.uuid()),
    createdAt: z.string(),
  })
  .meta({ id: 'Team' });

export const TeamCreateBody = z
  .strictObject({ name, description: description.optional() })
  .meta({ id: 'TeamCreate' });

export const TeamUpdateBody = z
  .strictObject({ name: name.optional(), description: description.optional() })
  .meta({ id: 'TeamUpdate' });

export const TeamMembersBody = z
  .strictObject({ userIds: z.array(z.uuid()).max(1000) })
  .meta({ id: 'TeamMembers' });

export const InvitationSchemaOut = z
  .object({
    id: z.uuid(),
    email: z.string(),
    role: RoleRef,
    status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
    invitedBy: z.uuid().nullable(),
    createdAt: z.string(),
    expiresAt: z.string(),
    acceptedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'Invitation' });

export const InvitationCreateBody = z
  .strictObject({ email: z.email().max(254), roleId: z.uuid() })
  .meta({ id: 'InvitationCreate' });

export const InvitationAcceptBody = z
  .strictObject({
    token: z.string().min(20).max(200),
    /** For a new account only; an existing account signs in first and sends its token along. */
    password: passwordSchema.optional(),
    displayName: z.string().trim().min(1).max(100).optional(),
  })
  .meta({ id: 'InvitationAccept' });

export const InvitationAccepted = z
  .object({
    workspaceId: z.uuid(),
    userId: z.uuid(),
    /** True when the invitation created the account (sign in with the chosen password). */
    accountCreated: z.boolean(),
  })
  .meta({ id: 'InvitationAccepted' });

export const ProfileUpdateBody = z
  .strictObject({
    displayName: z.string().trim().min(1).max(100).optional(),
    /** IANA time zone, e.g. `Europe/Berlin`. */
    timeZone: z.string().min(1).max(64).optional(),
    /** BCP 47 language tag, e.g. `de-CH`. */
    language: z.string().min(2).max(35).optional(),
  })
  .meta({ id: 'ProfileUpdate' });

export const ProfileSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    displayName: z.string(),
    timeZone: z.string(),
    language: z.string(),
  })
  .meta({ id: 'Profile' });

export const PasswordResetRequestBody = z
  .strictObject({ email: z.string().min(1).max(254) })
  .meta({ id: 'PasswordResetRequest' });

export const PasswordResetConfirmBody = z
  .strictObject({ token: z.string().min(20).max(200), newPassword: passwordSchema })
  .meta({ id: 'PasswordResetConfirm' });

export const TokenBody = z
  .strictObject({ token: z.string().min(20).max(200) })
  .meta({ id: 'EmailVerification' });

export const Accepted = z.object({ status: z.literal('accepted') }).meta({ id: 'Accepted' });

export const AuditEventSchemaOut = z
  .object({
    id: z.uuid(),
    action: z.string(),
    actorKind: z.string().nullable(),
    actorId: z.string().nullable(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    occurredAt: z.string(),
  })
  .meta({ id: 'AuditEvent' });

export const AuditEventPage = z
  .object({ data: z.array(AuditEventSchemaOut), nextCursor: z.string().nullable() })
  .meta({ id: 'AuditEventPage' });

export const AuditEventQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Only events with this action, e.g. `role_changed`. */
  action: z
    .string()
    .regex(/^[a-z0-9_.:-]{1,100}$/)
    .optional(),
});
