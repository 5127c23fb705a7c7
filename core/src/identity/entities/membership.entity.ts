import { EntitySchema } from '@mikro-orm/postgresql';
import { workspaceFilter } from '../../tenancy/index.js';

/** A role: a named set of permission strings, per workspace. */
export interface Role {
  id: string;
  workspaceId: string;
  /** `owner`, `admin`, `agent`, `read_only` for built-ins (`permissions.ts`); null for custom roles. */
  key: string | null;
  name: string;
  description: string | null;
  permissions: string[];
  /** Built-in roles cannot be renamed or deleted (enforced by the role management routes). */
  builtin: boolean;
  createdAt: Date;
}

export const RoleSchema = new EntitySchema<Role>({
  name: 'Role',
  tableName: 'role',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    key: { type: 'text', nullable: true },
    name: { type: 'text' },
    description: { type: 'text', nullable: true },
    permissions: { type: 'string[]', columnType: 'text[]' },
    builtin: { type: 'boolean' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

/** A user's seat in a workspace, with exactly one role. Unique per (workspace, user). */
export interface Membership {
  id: string;
  workspaceId: string;
  userId: string;
  roleId: string;
  createdAt: Date;
}

export const MembershipSchema = new EntitySchema<Membership>({
  name: 'Membership',
  tableName: 'membership',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    userId: { type: 'uuid' },
    roleId: { type: 'uuid' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
  },
});
