/**
 * Creating workspaces and users: sign-up, the first-start bootstrap, and (later) invitations all
 * go through `createWorkspaceWithOwner` / `insertUser`, so a workspace always starts with its
 * built-in roles and an owner.
 */
import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../kernel/clock.js';
import { BUILTIN_ROLES, OPERATOR_PERMISSIONS } from './permissions.js';
import { setIdentityContext, textArray, type Sql } from './db.js';

/** Addresses are compared and stored trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** `Acme Support GmbH` → `acme-support-gmbh`; never empty. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  return slug || 'workspace';
}

export interface NewUser {
  email: string;
  passwordHash: string;
  displayName: string;
  timeZone?: string;
  language?: string;
  emailVerified?: boolean;
  termsVersion?: string | null;
  ageAttestation?: string | null;
}

export interface CreatedWorkspace {
  workspaceId: string;
  slug: string;
  userId: string;
  ownerRoleId: string;
}

/**
 * Inserts a workspace, its built-in roles, the owner's user row and membership, in the caller's
 * transaction (`em`), switching it to the new workspace's identity context. `operator`: the
 * owner role also gets the instance-wide system permissions (first-start bootstrap only).
 */
export async function createWorkspaceWithOwner(
  sql: Sql,
  em: EntityManager,
  clock: Clock,
  input: { workspaceName: string; owner: NewUser; operator?: boolean },
): Promise<CreatedWorkspace> {
  const now = clock.now();
  const workspaceId = uuidv7();
  const userId = uuidv7();
  await setIdentityContext(sql, em, { workspaceId, userId });
  const slug = await insertWorkspace(sql, workspaceId, input.workspaceName, now);
  let ownerRoleId = '';
  for (const role of BUILTIN_ROLES) {
    const id = uuidv7();
    const permissions =
      role.key === 'owner' && input.operator
        ? [...role.permissions, ...OPERATOR_PERMISSIONS]
        : [...role.permissions];
    await sql(
      `insert into role (id, workspace_id, key, name, permissions, builtin, created_at)
       values (?, ?, ?, ?, ?::text[], true, ?)`,
      [id, workspaceId, role.key, role.name, textArray(permissions), now],
    );
    if (role.key === 'owner') ownerRoleId = id;
  }
  await insertUser(sql, userId, input.owner, now);
  await sql(
    `insert into membership (id, workspace_id, user_id, role_id, created_at) values (?, ?, ?, ?, ?)`,
    [uuidv7(), workspaceId, userId, ownerRoleId, now],
  );
  return { workspaceId, slug, userId, ownerRoleId };
}

/** Tries the plain slug, then the slug with a random suffix, until one is free. */
async function insertWorkspace(sql: Sql, id: string, name: string, now: Date): Promise<string> {
  const base = slugify(name);
  for (let attempt = 0; attempt < 8; attempt++) {
    const slug = attempt === 0 ? base : `${base}-${randomBytes(3).toString('hex')}`;
    const rows = await sql(
      `insert into workspace (id, name, slug, created_at) values (?, ?, ?, ?)
       on conflict (slug) do nothing returning id`,
      [id, name, slug, now],
    );
    if (rows.length > 0) return slug;
  }
  throw new Error('could not find a free workspace slug');
}

/** The user row; the caller's context must have `userId` set to `id` (the self policy). */
export async function insertUser(sql: Sql, id: string, user: NewUser, now: Date): Promise<void> {
  await sql(
    `insert into user_account (id, email, password_hash, display_name, time_zone, language,
        email_verified_at, password_changed_at, terms_version, terms_accepted_at,
        age_attested_at, age_attestation, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      id,
      normalizeEmail(user.email),
      user.passwordHash,
      user.displayName,
      user.timeZone ?? 'UTC',
      user.language ?? 'en',
      user.emailVerified ? now : null,
      now,
      user.termsVersion ?? null,
      user.termsVersion ? now : null,
      user.ageAttestation ? now : null,
      user.ageAttestation ?? null,
      now,
    ],
  );
}
