import { EntitySchema } from '@mikro-orm/postgresql';

/** A tenant. Every tenant-owned row elsewhere carries its id as `workspace_id`. */
export interface Workspace {
  id: string;
  name: string;
  /** URL-safe, unique across the instance; chosen at sign-up from the name. */
  slug: string;
  createdAt: Date;
}

export const WorkspaceSchema = new EntitySchema<Workspace>({
  name: 'Workspace',
  tableName: 'workspace',
  properties: {
    id: { type: 'uuid', primary: true },
    name: { type: 'text' },
    slug: { type: 'text', unique: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
  },
});
