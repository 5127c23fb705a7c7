import { EntitySchema } from '@mikro-orm/postgresql';
import { workspaceFilter } from '../../tenancy/index.js';

/** A group of members that tickets can be routed to. */
export interface Team {
  id: string;
  workspaceId: string;
  name: string;
  description: string | null;
  createdAt: Date;
}

export const TeamSchema = new EntitySchema<Team>({
  name: 'Team',
  tableName: 'team',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    name: { type: 'text' },
    description: { type: 'text', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

/** Membership of a user in a team; carries `workspaceId` so row-level security can scope it. */
export interface TeamMember {
  teamId: string;
  userId: string;
  workspaceId: string;
  createdAt: Date;
}

export const TeamMemberSchema = new EntitySchema<TeamMember>({
  name: 'TeamMember',
  tableName: 'team_member',
  filters: { workspace: workspaceFilter },
  properties: {
    teamId: { type: 'uuid', primary: true },
    userId: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
  },
});
