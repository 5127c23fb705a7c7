import { EntitySchema } from '@mikro-orm/postgresql';
import { workspaceFilter } from '../../tenancy/index.js';

/**
 * A workspace's key for integrations: `nd_<prefix>_<secret>`. The prefix is shown in lists so
 * people can tell keys apart; the whole key is stored only as its SHA-256 (`api-keys.ts`).
 * The key belongs to the workspace, not to its creator: it keeps working if they leave, and it
 * never has more than its own `permissions`.
 */
export interface ApiKey {
  id: string;
  workspaceId: string;
  name: string;
  prefix: string;
  keyHash: string;
  permissions: string[];
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  expiresAt: Date | null;
}

export const ApiKeySchema = new EntitySchema<ApiKey>({
  name: 'ApiKey',
  tableName: 'api_key',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    name: { type: 'text' },
    prefix: { type: 'text', unique: true },
    keyHash: { type: 'text', unique: true, hidden: true },
    permissions: { type: 'string[]', columnType: 'text[]' },
    createdBy: { type: 'uuid', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    lastUsedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    revokedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    expiresAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
});
