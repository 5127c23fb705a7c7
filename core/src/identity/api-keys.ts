/**
 * API keys for integrations: `nd_<prefix>_<secret>`, 12 hex characters of prefix (shown in
 * lists, so people can tell keys apart) and 32 random bytes of secret. The whole key is stored
 * only as its SHA-256: with 256 bits of entropy a fast hash is enough (a slow one protects
 * guessable passwords, not random keys), and it keeps each authenticated request cheap.
 *
 * Keys are accepted from `Authorization: Bearer nd_…` or `X-API-Key`, never from the query
 * string (URLs end up in logs, histories and Referer headers).
 */
import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Actor } from '../kernel/contract.js';
import type { Clock } from '../kernel/clock.js';
import { NovumError, errors } from '../kernel/errors.js';
import { ApiKeySchema, type ApiKey } from './entities/api-key.entity.js';
import { hashLiteral, inIdentityContext, readInIdentityContext } from './db.js';
import { sha256Hex } from './keys.js';

const KEY_PATTERN = /^nd_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
/** Writes of `last_used_at` are throttled to one a minute per key. */
const LAST_USED_RESOLUTION_MS = 60_000;

export const apiKeyInvalid = (): NovumError =>
  new NovumError('api_key_invalid', 'The API key is not valid', { status: 401 });

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith('nd_');
}

export function generateApiKey(): { key: string; prefix: string } {
  const prefix = randomBytes(6).toString('hex');
  return { key: `nd_${prefix}_${randomBytes(32).toString('base64url')}`, prefix };
}

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  permissions: string[];
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export function apiKeyView(key: ApiKey): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    permissions: key.permissions,
    createdBy: key.createdBy,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

export class ApiKeys {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
  ) {}

  /** The actor a presented key stands for, or a 401. Records `last_used_at` (throttled). */
  async authenticate(presented: string): Promise<Actor> {
    if (!KEY_PATTERN.test(presented)) throw apiKeyInvalid();
    const hash = sha256Hex(presented);
    const now = this.clock.now();
    const rows = await readInIdentityContext(
      this.orm,
      { credentialHash: hash },
      `select id, workspace_id, permissions, revoked_at, expires_at, last_used_at
         from api_key where key_hash = ${hashLiteral(hash)}`,
    );
    const key = rows[0];
    if (!key || key.revoked_at) throw apiKeyInvalid();
    if (key.expires_at && new Date(key.expires_at).getTime() <= now.getTime())
      throw apiKeyInvalid();
    const lastUsed = key.last_used_at ? new Date(key.last_used_at).getTime() : 0;
    if (now.getTime() - lastUsed >= LAST_USED_RESOLUTION_MS) {
      await inIdentityContext(this.orm, { workspaceId: key.workspace_id }, (sql) =>
        sql(
          `update api_key set last_used_at = ?
            where id = ? and (last_used_at is null or last_used_at <= ?)`,
          [now, key.id, new Date(now.getTime() - LAST_USED_RESOLUTION_MS)],
        ),
      );
    }
    return {
      kind: 'apiKey',
      id: key.id as string,
      workspaceId: key.workspace_id as string,
      permissions: [...(key.permissions as string[])],
    };
  }

  /**
   * Creates a key in the actor's workspace, with at most the actor's own permissions. `em` is
   * the request's (workspace transaction). The plain key is in the result, and nowhere else.
   */
  async create(
    em: EntityManager,
    actor: Actor,
    input: { name: string; permissions: string[]; expiresAt?: Date | undefined },
  ): Promise<{ key: string; apiKey: ApiKey }> {
    const workspaceId = actor.workspaceId;
    if (!workspaceId) throw errors.forbidden();
    const held = new Set(actor.permissions ?? []);
    const excess = input.permissions.filter((p) => !held.has(p));
    if (excess.length > 0) {
      throw new NovumError(
        'permission_not_grantable',
        'A key cannot have permissions its creator lacks',
        {
          status: 403,
          details: { permissions: excess },
        },
      );
    }
    const now = this.clock.now();
    if (input.expiresAt && input.expiresAt.getTime() <= now.getTime()) {
      throw errors.badRequest('expires_in_past', 'expiresAt must be in the future');
    }
    const { key, prefix } = generateApiKey();
    const apiKey = em.create(ApiKeySchema, {
      id: uuidv7(),
      workspaceId,
      name: input.name,
      prefix,
      keyHash: sha256Hex(key),
      permissions: [...new Set(input.permissions)].sort(),
      createdBy: actor.kind === 'user' ? actor.id : null,
      createdAt: now,
      lastUsedAt: null,
      revokedAt: null,
      expiresAt: input.expiresAt ?? null,
    });
    await em.persist(apiKey).flush();
    return { key, apiKey };
  }

  async list(em: EntityManager, workspaceId: string): Promise<ApiKey[]> {
    return em.find(ApiKeySchema, { workspaceId }, { orderBy: { createdAt: 'desc', id: 'desc' } });
  }

  /** 404 for a key of another workspace, exactly as for one that does not exist. */
  async revoke(em: EntityManager, workspaceId: string, id: string): Promise<ApiKey> {
    const apiKey = await em.findOne(ApiKeySchema, { id, workspaceId });
    if (!apiKey) throw errors.notFound('API key');
    apiKey.revokedAt ??= this.clock.now();
    await em.flush();
    return apiKey;
  }
}
