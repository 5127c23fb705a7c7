/**
 * Every key the identity layer uses is derived from the configured secret with HKDF, one per
 * purpose, so no two uses share key material and the operator manages one secret. Rotation:
 * the operator moves the old secret to `previousSecrets` and sets a new `secret`; tokens signed
 * with an old one still verify (by their `kid`) until they expire, new ones use the new secret.
 */
import { createHash, createHmac, hkdfSync } from 'node:crypto';

const SALT = 'novumdesk/identity/v1';

export type KeyPurpose = 'access-token' | 'csrf' | 'rate-limit';

export function deriveKey(secret: string, purpose: KeyPurpose, context = ''): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, SALT, `${purpose}:${context}`, 32));
}

/**
 * A key id that names a secret without revealing anything about it (an HMAC output, not a hash
 * of the secret itself), short enough for every token header.
 */
export function keyIdOf(secret: string): string {
  return createHmac('sha256', secret).update('novumdesk/jwt-kid').digest('base64url').slice(0, 16);
}

/** SHA-256, hex: how opaque tokens and API keys are stored (they carry 256 bits of entropy). */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Keyed hash for values that must not be stored in clear (IPs and emails in rate-limit keys). */
export function keyedHash(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('base64url').slice(0, 32);
}
