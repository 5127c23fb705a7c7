/**
 * Password hashing and policy.
 *
 * Hashing: argon2id with the OWASP minimum parameters (m=19456 KiB, t=2, p=1; ~60 ms here).
 * `needsRehash` compares a stored PHC string with the policy, so raising the parameters (or
 * importing weaker hashes) upgrades each account at its next successful login.
 *
 * Policy (ASVS 6.2): at least 10 characters, at most 256 (argon2 is fine with long input; the
 * cap only bounds the work a request can ask for); no composition rules; nothing is trimmed or
 * normalised, so spaces count; the bundled list of common passwords is refused, as are the
 * account's own email address and workspace name.
 */
import { hash, parseOptions, verify, type Algorithm, type Options } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { NovumError } from '../kernel/errors.js';
import { COMMON_PASSWORDS } from './common-passwords.js';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

// `Algorithm` is an ambient const enum, which isolatedModules cannot inline: use its value.
const ARGON2ID = 2 as Algorithm;
const ARGON2_VERSION_0x13 = 1;

export const HASH_POLICY = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 };

const hashOptions: Options = { algorithm: ARGON2ID, ...HASH_POLICY };

export function hashPassword(password: string): Promise<string> {
  return hash(password, hashOptions);
}

/** False (never a throw) for a wrong password or a stored value that is not a hash at all. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

/** True when the stored hash is not argon2id v1.3 with at least the current parameters. */
export function needsRehash(storedHash: string): boolean {
  try {
    const o = parseOptions(storedHash);
    return (
      o.algorithm !== ARGON2ID ||
      (o.version as number) !== ARGON2_VERSION_0x13 ||
      o.memoryCost < HASH_POLICY.memoryCost ||
      o.timeCost < HASH_POLICY.timeCost ||
      o.parallelism < HASH_POLICY.parallelism ||
      o.outputLen < HASH_POLICY.outputLen
    );
  } catch {
    return true;
  }
}

let dummy: Promise<string> | null = null;
/**
 * A hash of a random password, verified against when the account does not exist, so an
 * unknown address costs the same time as a wrong password (ASVS 6.3.8).
 */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(24).toString('base64url'));
  return dummy;
}

export interface PasswordContext {
  email?: string;
  workspaceName?: string;
}

/**
 * Throws 400 `password_too_common` for a listed or context-derived password. Length is checked
 * by the route schemas (`passwordSchema`), so it reports as a field error with the others.
 */
export function assertPasswordAllowed(
  password: string,
  context: PasswordContext = {},
  field = 'body.password',
): void {
  const lowered = password.toLowerCase();
  const contextual = [context.email, context.workspaceName]
    .filter((v): v is string => !!v)
    .map((v) => v.toLowerCase());
  if (COMMON_PASSWORDS.has(lowered) || contextual.includes(lowered)) {
    throw new NovumError(
      'password_too_common',
      'This password is too common or too easy to guess; choose another',
      { status: 400, details: { errors: [{ path: field, message: 'too common' }] } },
    );
  }
}
