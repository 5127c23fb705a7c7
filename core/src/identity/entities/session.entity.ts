import { EntitySchema } from '@mikro-orm/postgresql';
import { workspaceFilter } from '../../tenancy/index.js';

/**
 * A sign-in: one refresh-token family. Access tokens name it in their `sid` claim and every
 * request checks it, so revoking the session (logout, reuse detection, password change) ends
 * the access tokens of that session at once instead of when they expire.
 */
export interface AuthSession {
  /** Also the `family_id` of its refresh tokens. */
  id: string;
  userId: string;
  workspaceId: string;
  /** `token` (API clients: tokens in the response body) or `cookie` (browser session). */
  kind: 'token' | 'cookie';
  createdAt: Date;
  /** Absolute lifetime: no refresh extends it. */
  expiresAt: Date;
  /** Last refresh; the idle timeout counts from here. */
  lastUsedAt: Date;
  revokedAt: Date | null;
  /** `logout`, `token_reuse`, `password_changed`, `user_disabled`, … */
  revokedReason: string | null;
  ip: string | null;
  userAgent: string | null;
}

export const AuthSessionSchema = new EntitySchema<AuthSession>({
  name: 'AuthSession',
  tableName: 'auth_session',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    userId: { type: 'uuid' },
    workspaceId: { type: 'uuid' },
    kind: { type: 'text' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    expiresAt: { type: 'Date', columnType: 'timestamptz' },
    lastUsedAt: { type: 'Date', columnType: 'timestamptz' },
    revokedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    revokedReason: { type: 'text', nullable: true },
    ip: { type: 'text', nullable: true },
    userAgent: { type: 'text', nullable: true },
  },
});

/**
 * One opaque refresh token (stored as SHA-256). Using it marks it `usedAt` and issues a child
 * (`parentId`); presenting a used one again outside the grace window revokes the family.
 */
export interface RefreshToken {
  id: string;
  familyId: string;
  userId: string;
  workspaceId: string;
  tokenHash: string;
  parentId: string | null;
  issuedAt: Date;
  /** Idle expiry of this token; the family's absolute expiry is `AuthSession.expiresAt`. */
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

export const RefreshTokenSchema = new EntitySchema<RefreshToken>({
  name: 'RefreshToken',
  tableName: 'refresh_token',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    familyId: { type: 'uuid' },
    userId: { type: 'uuid' },
    workspaceId: { type: 'uuid' },
    tokenHash: { type: 'text', unique: true, hidden: true },
    parentId: { type: 'uuid', nullable: true },
    issuedAt: { type: 'Date', columnType: 'timestamptz' },
    expiresAt: { type: 'Date', columnType: 'timestamptz' },
    usedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    revokedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
});

export type ActionTokenPurpose = 'verify_email' | 'reset_password';

/** A single-use emailed token (verification, password reset); only its SHA-256 is stored. */
export interface ActionToken {
  id: string;
  purpose: ActionTokenPurpose;
  userId: string;
  /** The address the token was sent to (an email change verifies the new one). */
  email: string;
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

export const ActionTokenSchema = new EntitySchema<ActionToken>({
  name: 'ActionToken',
  tableName: 'action_token',
  properties: {
    id: { type: 'uuid', primary: true },
    purpose: { type: 'text' },
    userId: { type: 'uuid' },
    email: { type: 'text' },
    tokenHash: { type: 'text', unique: true, hidden: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    expiresAt: { type: 'Date', columnType: 'timestamptz' },
    usedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
});
