/**
 * A test plugin with one tenant table (`probe_note`) and routes that read and write it the right
 * way (through the filtered `em`) and the wrong way (raw SQL, QueryBuilder, `filters: false`:
 * a forgotten filter), for the tenancy specs. Named `.test.ts`: the build skips it and jest does
 * not run it as a suite.
 */
import { randomUUID } from 'node:crypto';
import { EntitySchema, type EntityManager } from '@mikro-orm/postgresql';
import { Migration } from '@mikro-orm/migrations';
import { z } from 'zod';
import type { Actor } from '../kernel/contract.js';
import { definePlugin } from '../kernel/plugins/index.js';
import { defineRoute, reply, type RouteDefinition } from '../http/route.js';
import type { Authenticate } from '../http/scope.js';
import { tenantTableSql, workspaceFilter } from './index.js';

export interface ProbeNote {
  id: string;
  workspaceId: string;
  body: string;
}

export const ProbeNoteSchema = new EntitySchema<ProbeNote>({
  name: 'ProbeNote',
  tableName: 'probe_note',
  properties: {
    id: { type: 'uuid', primary: true },
    workspaceId: { type: 'uuid' },
    body: { type: 'text' },
  },
  filters: { workspace: workspaceFilter },
});

class ProbeMigration extends Migration {
  override up(): void {
    this.addSql(
      'create table probe_note (id uuid primary key, workspace_id uuid not null, body text not null)',
    );
    this.addSql('create index probe_note_workspace_idx on probe_note (workspace_id)');
    for (const sql of tenantTableSql('probe_note')) this.addSql(sql);
  }
}

declare module '../events/event-bus.js' {
  interface EventMap {
    'probe.noted': { tag: string };
  }
}

/** What a job or subscriber saw, by tag. */
export interface Peek {
  tag: string;
  workspaceId: string | null;
  orm: string[];
  raw: string[];
  role: string;
}
export const peeks: Peek[] = [];

/**
 * `x-test-user: <workspace uuid>` → a user of that workspace; `none` → one without a workspace.
 * `x-test-operator: 1` adds the kernel's operator permissions.
 */
export const authenticate: Authenticate = async (ctx) => {
  const header = ctx.get('x-test-user');
  if (!header) return null;
  const permissions = ctx.get('x-test-operator') ? ['system:read', 'system:manage'] : [];
  const actor: Actor = { kind: 'user', id: `user-${header}`, permissions };
  return header === 'none' ? actor : { ...actor, workspaceId: header };
};

const bodies = (rows: { body: string }[]) => rows.map((r) => r.body).sort();
const rawBodies = async (em: EntityManager) =>
  bodies(await em.execute<{ body: string }[]>('select body from probe_note'));

const Id = z.object({ id: z.uuid() });
const Bodies = z.array(z.string());
const Count = z.object({ count: z.number() });
const Rejected = z.object({ code: z.string(), message: z.string() });

/** An insert that may be refused, in a savepoint so the request's transaction stays usable. */
async function tryInsert(em: EntityManager, insert: (tx: EntityManager) => Promise<void>) {
  try {
    await em.transactional(insert);
    return undefined;
  } catch (error) {
    const { code = 'unknown', message } = error as { code?: string; message: string };
    return reply(422, { code, message });
  }
}

function routes(): RouteDefinition[] {
  const authenticated = 'authenticated' as const;
  return [
    defineRoute({
      method: 'get',
      path: '/notes',
      operationId: 'probeListNotes',
      summary: 'Notes through the filtered em',
      access: authenticated,
      responses: { 200: { description: 'Bodies', schema: Bodies } },
      handler: async ({ scope }) => bodies(await scope.cradle.em.find(ProbeNoteSchema, {})),
    }),
    defineRoute({
      method: 'get',
      path: '/notes/:id',
      operationId: 'probeGetNote',
      summary: 'One note by id through the filtered em',
      access: authenticated,
      request: { params: Id },
      responses: { 200: { description: 'Body or null', schema: z.object({ body: z.any() }) } },
      handler: async ({ scope, params }) => ({
        body: (await scope.cradle.em.findOne(ProbeNoteSchema, { id: params.id }))?.body ?? null,
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/notes',
      operationId: 'probeCreateNote',
      summary: 'Creates a note, in the given workspace if one is named (to test WITH CHECK)',
      access: authenticated,
      request: { body: z.object({ body: z.string(), workspaceId: z.uuid().optional() }) },
      responses: {
        201: { description: 'Created', schema: Id },
        422: { description: 'Refused by the database', schema: Rejected },
      },
      async handler({ scope, body }) {
        const id = randomUUID();
        const workspaceId = body.workspaceId ?? scope.cradle.workspaceId!;
        const refused = await tryInsert(scope.cradle.em, async (tx) => {
          tx.create(ProbeNoteSchema, { id, workspaceId, body: body.body });
          await tx.flush();
        });
        return refused ?? { id };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/notes/:id',
      operationId: 'probeUpdateNote',
      summary: 'nativeUpdate by id',
      access: authenticated,
      request: { params: Id, body: z.object({ body: z.string() }) },
      responses: { 200: { description: 'Rows updated', schema: Count } },
      handler: async ({ scope, params, body }) => ({
        count: await scope.cradle.em.nativeUpdate(
          ProbeNoteSchema,
          { id: params.id },
          { body: body.body },
        ),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/notes/:id',
      operationId: 'probeDeleteNote',
      summary: 'nativeDelete by id',
      access: authenticated,
      request: { params: Id },
      responses: { 200: { description: 'Rows deleted', schema: Count } },
      handler: async ({ scope, params }) => ({
        count: await scope.cradle.em.nativeDelete(ProbeNoteSchema, { id: params.id }),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/notes/fail',
      operationId: 'probeCreateThenFail',
      summary: 'Writes a note, records an event, then throws',
      access: authenticated,
      request: { body: z.object({ body: z.string() }) },
      responses: { 201: { description: 'Never', schema: Id } },
      async handler({ scope, body }) {
        const { em, events, workspaceId } = scope.cradle;
        em.create(ProbeNoteSchema, {
          id: randomUUID(),
          workspaceId: workspaceId!,
          body: body.body,
        });
        await em.flush();
        events.record(em, 'probe.noted', { tag: body.body }, { workspaceId });
        await em.flush();
        throw new Error('handler failed after writing');
      },
    }),
    defineRoute({
      method: 'post',
      path: '/notes/peek-later',
      operationId: 'probePeekLater',
      summary: 'Sends a job and records an event, both in the request transaction',
      access: authenticated,
      request: { body: z.object({ tag: z.string() }) },
      responses: { 202: { description: 'Queued' } },
      async handler({ scope, body }) {
        const { em, jobs, events, workspaceId } = scope.cradle;
        await jobs.send('probe.peek', { workspaceId, tag: `job:${body.tag}` }, { em });
        events.record(em, 'probe.noted', { tag: `event:${body.tag}` }, { workspaceId });
        await em.flush();
        return reply(202);
      },
    }),
    // --- a route author who forgot the filter ---
    defineRoute({
      method: 'get',
      path: '/forgotten/raw',
      operationId: 'probeRawList',
      summary: 'Raw SQL without a workspace condition',
      access: authenticated,
      responses: { 200: { description: 'Bodies', schema: Bodies } },
      handler: ({ scope }) => rawBodies(scope.cradle.em),
    }),
    defineRoute({
      method: 'get',
      path: '/forgotten/qb',
      operationId: 'probeQbList',
      summary: 'QueryBuilder (filters do not apply)',
      access: authenticated,
      responses: { 200: { description: 'Bodies', schema: Bodies } },
      handler: async ({ scope }) =>
        bodies(await scope.cradle.em.createQueryBuilder(ProbeNoteSchema).select('*').getResult()),
    }),
    defineRoute({
      method: 'get',
      path: '/forgotten/unfiltered',
      operationId: 'probeUnfilteredList',
      summary: 'em.find with filters switched off',
      access: authenticated,
      responses: { 200: { description: 'Bodies', schema: Bodies } },
      handler: async ({ scope }) =>
        bodies(await scope.cradle.em.find(ProbeNoteSchema, {}, { filters: false })),
    }),
    defineRoute({
      method: 'post',
      path: '/forgotten/update',
      operationId: 'probeRawUpdate',
      summary: 'Raw UPDATE by id',
      access: authenticated,
      request: { body: z.object({ id: z.uuid(), body: z.string() }) },
      responses: { 200: { description: 'Rows updated', schema: Count } },
      handler: async ({ scope, body }) => {
        const result = await scope.cradle.em.execute<{ affectedRows: number }>(
          'update probe_note set body = ? where id = ?',
          [body.body, body.id],
          'run',
        );
        return { count: result.affectedRows };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/forgotten/move',
      operationId: 'probeRawMove',
      summary: "Raw UPDATE moving one of the caller's notes to another workspace",
      access: authenticated,
      request: { body: z.object({ id: z.uuid(), workspaceId: z.uuid() }) },
      responses: {
        200: { description: 'Moved', schema: z.object({}) },
        422: { description: 'Refused by the database', schema: Rejected },
      },
      handler: async ({ scope, body }) =>
        (await tryInsert(scope.cradle.em, async (tx) => {
          await tx.execute('update probe_note set workspace_id = ? where id = ?', [
            body.workspaceId,
            body.id,
          ]);
        })) ?? {},
    }),
    defineRoute({
      method: 'post',
      path: '/forgotten/delete',
      operationId: 'probeRawDelete',
      summary: 'Raw DELETE by id',
      access: authenticated,
      request: { body: Id },
      responses: { 200: { description: 'Rows deleted', schema: Count } },
      handler: async ({ scope, body }) => {
        const result = await scope.cradle.em.execute<{ affectedRows: number }>(
          'delete from probe_note where id = ?',
          [body.id],
          'run',
        );
        return { count: result.affectedRows };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/forgotten/insert',
      operationId: 'probeRawInsert',
      summary: 'Raw INSERT with a workspace id from the body',
      access: authenticated,
      request: { body: z.object({ workspaceId: z.uuid(), body: z.string() }) },
      responses: {
        201: { description: 'Created', schema: Id },
        422: { description: 'Refused by the database', schema: Rejected },
      },
      async handler({ scope, body }) {
        const id = randomUUID();
        const refused = await tryInsert(scope.cradle.em, async (tx) => {
          await tx.execute('insert into probe_note (id, workspace_id, body) values (?, ?, ?)', [
            id,
            body.workspaceId,
            body.body,
          ]);
        });
        return refused ?? { id };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/whoami',
      operationId: 'probeWhoami',
      summary: 'The database role and workspace setting the handler runs with',
      access: authenticated,
      responses: { 200: { description: 'Session facts', schema: z.any() } },
      handler: async ({ scope }) =>
        (
          await scope.cradle.em.execute(
            `select current_user as role,
                    (select rolsuper from pg_roles where rolname = current_user) as superuser,
                    (select rolbypassrls from pg_roles where rolname = current_user) as bypassrls,
                    current_setting('novumdesk.workspace_id', true) as workspace`,
          )
        )[0],
    }),
  ];
}

async function peek(tag: string, workspaceId: string | null, em: EntityManager): Promise<void> {
  const [{ role }] = await em.execute<[{ role: string }]>('select current_user as role');
  peeks.push({
    tag,
    workspaceId,
    orm: bodies(await em.find(ProbeNoteSchema, {})),
    raw: await rawBodies(em),
    role,
  });
}

export const probe = definePlugin({
  id: 'probe',
  version: '1.0.0',
  core: '^0.1.0',
  entities: [ProbeNoteSchema as EntitySchema<any, any>],
  migrations: [{ name: 'probe/Migration1_notes', class: ProbeMigration }],
  noPersonalData: true,
  register(ctx) {
    for (const route of routes()) ctx.route(route);
    ctx.job<{ tag: string; workspaceId?: string | null }>('peek', (data, scope) =>
      peek(data.tag, scope.cradle.workspaceId, scope.cradle.em),
    );
    ctx.on('probe.noted', { name: 'peek' }, (envelope, scope) =>
      peek(envelope.payload.tag, scope.cradle.workspaceId, scope.cradle.em),
    );
  },
});
