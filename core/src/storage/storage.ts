/**
 * File storage for uploads (avatars first). Keys are always made by the server —
 * `<owner>/<uuid>`, where the owner is a workspace or user id — never taken from a client, and
 * `LocalDiskStorage` checks every key against that shape and that the resolved path stays under
 * its root, so a path traversal is impossible by construction and refused if ever attempted.
 *
 * Container key (root): `storage`.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface StoredFile {
  key: string;
  size: number;
}

export interface StoredObject {
  data: Buffer;
  size: number;
  contentType: string;
}

export interface StorageProvider {
  put(key: string, data: Buffer, options: { contentType: string }): Promise<StoredFile>;
  /** The object, or null when there is none under `key`. */
  get(key: string): Promise<StoredObject | null>;
  /** Deletes the object; a missing one is not an error. */
  delete(key: string): Promise<void>;
}

const ID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const KEY_PATTERN = new RegExp(`^${ID}/${ID}$`);
const CONTENT_TYPE_PATTERN = /^[a-z]+\/[a-z0-9.+-]+$/;

/** A fresh key for a file owned by `ownerId` (a workspace or user id, a UUID). */
export function newStorageKey(ownerId: string): string {
  const key = `${ownerId.toLowerCase()}/${randomUUID()}`;
  assertStorageKey(key);
  return key;
}

export function isStorageKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

export function assertStorageKey(key: string): void {
  if (!isStorageKey(key)) throw new Error(`invalid storage key ${JSON.stringify(key)}`);
}

/**
 * Files under `root/<owner>/<uuid>`, with the content type beside each in `<uuid>.type`.
 * Writes go to a temporary file first and are renamed into place, so a reader never sees half.
 */
export class LocalDiskStorage implements StorageProvider {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** The file's path; throws for a malformed key or one that would leave the root. */
  pathOf(key: string): string {
    assertStorageKey(key);
    const file = path.resolve(this.root, ...key.split('/'));
    if (!file.startsWith(this.root + path.sep)) throw new Error('storage key escapes the root');
    return file;
  }

  async put(key: string, data: Buffer, options: { contentType: string }): Promise<StoredFile> {
    const file = this.pathOf(key);
    if (!CONTENT_TYPE_PATTERN.test(options.contentType)) throw new Error('invalid content type');
    await mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${randomUUID()}.tmp`;
    await writeFile(temp, data, { flag: 'wx' });
    await writeFile(`${file}.type`, options.contentType);
    await rename(temp, file);
    return { key, size: data.length };
  }

  async get(key: string): Promise<StoredObject | null> {
    const file = this.pathOf(key);
    try {
      const [data, contentType] = await Promise.all([
        readFile(file),
        readFile(`${file}.type`, 'utf8'),
      ]);
      return { data, size: data.length, contentType: contentType.trim() };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    await rm(file, { force: true });
    await rm(`${file}.type`, { force: true });
  }

  /** Whether an object exists (tests, diagnostics). */
  async exists(key: string): Promise<boolean> {
    return stat(this.pathOf(key)).then(
      () => true,
      () => false,
    );
  }
}
