/**
 * The plugin's one table. Plugin tables carry the plugin id as a prefix (`hello_greeting`).
 * Greetings belong to a workspace, so the row has `workspace_id` and the entity includes the
 * core's `workspace` filter: every query through a request's or job's EntityManager only sees
 * that workspace's rows (the migration adds the row-level security policy that backs it up).
 * Entities are written with `EntitySchema`, which MikroORM 6 and 7 both support, rather than
 * with decorators.
 */
import { EntitySchema } from '@mikro-orm/core';
import { workspaceFilter } from '@novumdesk/core';

export interface HelloGreeting {
  id: string;
  workspaceId: string;
  visitorName: string;
  /** Stored lower-cased, so a data-subject request finds it whatever the case it was typed in. */
  visitorEmail: string;
  createdAt: Date;
  /** Set by the `hello.greeted` subscriber, after commit. */
  welcomedAt: Date | null;
}

export const HelloGreetingSchema = new EntitySchema<HelloGreeting>({
  name: 'HelloGreeting',
  tableName: 'hello_greeting',
  filters: { workspace: workspaceFilter },
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    visitorName: { type: 'text' },
    visitorEmail: { type: 'text' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    welcomedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
});
