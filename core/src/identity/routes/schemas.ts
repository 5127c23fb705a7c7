/** Request and response schemas of the identity routes (named for the OpenAPI document). */
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../passwords.js';

/** New passwords: length only (ASVS 6.2.1, 6.2.5); the common-password check is in the service. */
export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`)
  .meta({
    description: `${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters; no composition rules; not a common password`,
  });

export const SignupBody = z
  .object({
    workspaceName: z.string().trim().min(1).max(100),
    email: z.email().max(254),
    password: passwordSchema,
    displayName: z.string().trim().min(1).max(100),
    acceptTerms: z.literal(true, { message: 'the terms must be accepted' }),
    termsVersion: z.string().trim().min(1).max(50),
    ageAttestation: z.object({
      atLeast13: z.literal(true, { message: 'you must be at least 13 years old' }),
    }),
    timeZone: z.string().min(1).max(64).optional(),
    language: z.string().min(2).max(35).optional(),
  })
  .meta({ id: 'SignupRequest' });

export const SignupAccepted = z
  .object({ status: z.literal('verification_sent'), message: z.string() })
  .meta({ id: 'SignupAccepted' });

export const LoginBody = z
  .object({
    // Any string: a malformed address gets the same 401 as a wrong one, not a telling 400.
    email: z.string().min(1).max(254),
    password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
    /** Workspace id or slug; default: the user's oldest membership. */
    workspace: z.string().min(1).max(100).optional(),
  })
  .meta({ id: 'LoginRequest' });

export const WorkspaceSummarySchema = z
  .object({ id: z.uuid(), name: z.string(), slug: z.string() })
  .meta({ id: 'WorkspaceSummary' });

export const TokenPair = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    tokenType: z.literal('Bearer'),
    /** Seconds until the access token expires. */
    expiresIn: z.number().int(),
    workspaceId: z.uuid(),
    workspaces: z.array(WorkspaceSummarySchema),
  })
  .meta({ id: 'TokenPair' });

export const RefreshBody = z
  .object({ refreshToken: z.string().min(1).max(200) })
  .meta({ id: 'RefreshRequest' });

export const BrowserSession = z
  .object({
    /** Send it back as `X-CSRF-Token` on unsafe requests (also in the `novumdesk_csrf` cookie). */
    csrfToken: z.string(),
    expiresIn: z.number().int(),
    workspaceId: z.uuid(),
    workspaces: z.array(WorkspaceSummarySchema).optional(),
  })
  .meta({ id: 'BrowserSession' });

export const PasswordChangeBody = z
  .object({
    currentPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH),
    newPassword: passwordSchema,
  })
  .meta({ id: 'PasswordChangeRequest' });

export const PasswordChanged = z
  .object({
    /** A new access token for this session (Bearer callers; cookie sessions get a new cookie). */
    accessToken: z.string().optional(),
    expiresIn: z.number().int(),
    /** Other sessions that were signed out. */
    revokedSessions: z.number().int(),
  })
  .meta({ id: 'PasswordChanged' });

export const MeSchema = z
  .object({
    kind: z.enum(['user', 'apiKey']),
    user: z
      .object({
        id: z.uuid(),
        email: z.string(),
        displayName: z.string(),
        avatarFile: z.string().nullable(),
        timeZone: z.string(),
        language: z.string(),
        emailVerified: z.boolean(),
        createdAt: z.string(),
      })
      .nullable(),
    apiKey: z.object({ id: z.uuid(), name: z.string(), prefix: z.string() }).nullable(),
    workspace: WorkspaceSummarySchema,
    role: z.object({ id: z.uuid(), key: z.string().nullable(), name: z.string() }).nullable(),
    permissions: z.array(z.string()),
    /** Every workspace this user may switch to (sign in again with `workspace`). */
    workspaces: z.array(WorkspaceSummarySchema),
  })
  .meta({ id: 'Me' });

export const ApiKeySchemaOut = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string(),
    permissions: z.array(z.string()),
    createdBy: z.uuid().nullable(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });

export const ApiKeyCreated = ApiKeySchemaOut.extend({
  /** The key itself: shown this once, stored only as a hash. */
  key: z.string(),
}).meta({ id: 'ApiKeyCreated' });

export const ApiKeyCreateBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    permissions: z.array(z.string().min(1).max(100)).min(1).max(100),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  })
  .meta({ id: 'ApiKeyCreateRequest' });

export const IdParams = z.object({ id: z.uuid() });
