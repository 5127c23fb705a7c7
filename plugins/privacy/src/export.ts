/**
 * Access and export packages. The work is split into one job step per module or plugin that
 * declares personal data, each in its own committed transaction, so the request's `progress`
 * moves as the package is assembled; the last step joins the parts into one JSON document
 * (attachments and original emails inline, base64, with their SHA-256), stores it, and issues
 * a one-time, expiring download token.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { EXPORT_SCHEMA_VERSION } from './export-schema.js';
import { tokenHash, type Row, type Scope } from './db.js';
import { loadSubject } from './subjects.js';

export interface ExportPart {
  source: string;
  data: Record<string, unknown>;
  files: {
    source: string;
    path: string;
    contentType: string;
    size: number;
    sha256: string;
    contentBase64: string;
  }[];
}

/** The modules and plugins an export asks, in load order. */
export function exportSources(scope: Scope): string[] {
  return scope.cradle.personalDataRegistry
    .filter((d) => d.handlers !== null)
    .map((d) => d.pluginId);
}

/** Runs one source's export handlers and stores the part; returns its storage key. */
export async function exportPart(scope: Scope, request: Row, source: string): Promise<string> {
  const declaration = scope.cradle.personalDataRegistry.find((d) => d.pluginId === source);
  const subject = await loadSubject(scope, request.workspace_id, {
    kind: request.subject_kind,
    id: request.subject_id,
  });
  const part: ExportPart = { source, data: {}, files: [] };
  if (declaration?.handlers) {
    part.data = await declaration.handlers.export(subject, scope);
    const files = (await declaration.handlers.exportFiles?.(subject, scope)) ?? [];
    for (const file of files) {
      const bytes =
        file.content ??
        (file.storageKey ? (await scope.cradle.storage.get(file.storageKey))?.data : undefined);
      if (!bytes) continue;
      part.files.push({
        source,
        path: file.path,
        contentType: file.contentType,
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        contentBase64: bytes.toString('base64'),
      });
    }
  }
  const key = `${request.workspace_id}/${randomUUID()}`;
  await scope.cradle.storage.put(key, Buffer.from(JSON.stringify(part)), {
    contentType: 'application/json',
  });
  return key;
}

/** Joins the parts into the package, stores it and deletes the parts. */
export async function assemblePackage(
  scope: Scope,
  request: Row,
  partKeys: readonly string[],
): Promise<{ key: string; size: number }> {
  const { storage, clock } = scope.cradle;
  const sources: Record<string, unknown> = {};
  const files: ExportPart['files'] = [];
  for (const key of partKeys) {
    const stored = await storage.get(key);
    if (!stored) throw new Error('an export part is missing');
    const part = JSON.parse(stored.data.toString('utf8')) as ExportPart;
    sources[part.source] = part.data;
    files.push(...part.files);
  }
  const document = {
    schemaVersion: EXPORT_SCHEMA_VERSION,
    generatedAt: clock.now().toISOString(),
    request: { id: request.id, type: request.type, workspaceId: request.workspace_id },
    subject: { kind: request.subject_kind, id: request.subject_id },
    notes: [
      'Internal notes about the subject are included and flagged `internal: true`: review them under GDPR Art. 15(4) before handing the package over.',
    ],
    sources,
    files,
  };
  const data = Buffer.from(JSON.stringify(document));
  const key = `${request.workspace_id}/${randomUUID()}`;
  await storage.put(key, data, { contentType: 'application/json' });
  for (const partKey of partKeys) await storage.delete(partKey);
  return { key, size: data.length };
}

/** A new one-time download token and its keyed hash (only the hash is stored). */
export function newDownloadToken(secret: string): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: tokenHash(secret, token) };
}
