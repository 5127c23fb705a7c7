/**
 * Inbox credentials at rest. A channel provider names the settings paths that hold secrets
 * (`ChannelProvider.secrets`, e.g. `imap.password`); their values are stored as
 * `{ "$enc": "v1.<iv>.<tag>.<ciphertext>" }` (AES-256-GCM, key derived with HKDF-SHA256 from the
 * instance secret), are never returned by the API (views list only which ones are set), and are
 * kept when an update leaves them out.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/** The settings-encryption key: 32 bytes derived from the instance secret. */
export function settingsKey(instanceSecret: string): Buffer {
  return Buffer.from(
    hkdfSync('sha256', instanceSecret, 'novumdesk', 'inbox-settings-encryption-v1', 32),
  );
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isSealed = (value: unknown): value is { $enc: string } =>
  isObject(value) && typeof value.$enc === 'string' && Object.keys(value).length === 1;

export function encryptValue(plain: string, key: Buffer): { $enc: string } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url'));
  return { $enc: [VERSION, ...parts].join('.') };
}

export function decryptValue(sealed: { $enc: string }, key: Buffer): string {
  const [version, iv, tag, data] = sealed.$enc.split('.');
  if (version !== VERSION || !iv || !tag || data === undefined) {
    throw new Error('inbox settings: unreadable encrypted value');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([
    decipher.update(Buffer.from(data, 'base64url')),
    decipher.final(),
  ]).toString('utf8');
}

function getPath(obj: Json, path: string): unknown {
  let node: unknown = obj;
  for (const part of path.split('.')) {
    if (!isObject(node)) return undefined;
    node = node[part];
  }
  return node;
}

function setPath(obj: Json, path: string, value: unknown): void {
  const parts = path.split('.');
  let node: Json = obj;
  for (const part of parts.slice(0, -1)) {
    if (!isObject(node[part])) node[part] = {};
    node = node[part] as Json;
  }
  node[parts[parts.length - 1]!] = value;
}

const clone = (value: Json): Json => structuredClone(value);

/** Encrypts the string values at `paths` (empty strings and absent values stay as they are). */
export function sealSecrets(settings: Json, paths: readonly string[], key: Buffer): Json {
  const out = clone(settings);
  for (const path of paths) {
    const value = getPath(out, path);
    if (typeof value === 'string' && value !== '') setPath(out, path, encryptValue(value, key));
  }
  return out;
}

/** Decrypts every sealed value (the provider's view of its settings). */
export function openSecrets(settings: Json, key: Buffer): Json {
  const walk = (node: unknown): unknown => {
    if (isSealed(node)) return decryptValue(node, key);
    if (Array.isArray(node)) return node.map(walk);
    if (isObject(node))
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    return node;
  };
  return walk(settings) as Json;
}

/** Settings without their secrets, and the dotted paths of the secrets that are set. */
export function redactSecrets(settings: Json): { settings: Json; secretsSet: string[] } {
  const secretsSet: string[] = [];
  const walk = (node: unknown, prefix: string): unknown => {
    if (!isObject(node)) return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) {
      const path = prefix ? `${prefix}.${k}` : k;
      if (isSealed(v)) secretsSet.push(path);
      else out[k] = walk(v, path);
    }
    return out;
  };
  return { settings: walk(settings, '') as Json, secretsSet: secretsSet.sort() };
}

/** `incoming` with the secrets it leaves out taken from the stored (decrypted) settings. */
export function carrySecrets(incoming: Json, stored: Json, paths: readonly string[]): Json {
  const out = clone(incoming);
  for (const path of paths) {
    if (getPath(out, path) !== undefined) continue;
    const previous = getPath(stored, path);
    if (previous === undefined) continue;
    // Only into an object the client sent (or the top level): a section the client removed
    // stays removed.
    const parent = path.includes('.') ? getPath(out, path.split('.').slice(0, -1).join('.')) : out;
    if (isObject(parent)) setPath(out, path, previous);
  }
  return out;
}
