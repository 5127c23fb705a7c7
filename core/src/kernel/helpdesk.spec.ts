/**
 * The assembled kernel through its public interfaces: HTTP, the plugin contract, the job queue.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EntitySchema } from '@mikro-orm/postgresql';
import { Migration } from '@mikro-orm/migrations';
import { z } from 'zod';
import { definePlugin } from './plugins/index.js';
import { defineRoute } from '../http/route.js';
import { createTestHelpdesk, eventually, type TestHelpdesk } from '../testing/index.js';
import { createHelpdesk } from './helpdesk.js';
import { createTestDatabase } from '../testing/test-database.js';
import { TEST_SECRET } from '../testing/test-helpdesk.js';
import type { Actor } from './contract.js';

interface Greeting {
  id: number;
  name: string;
}
const GreetingSchema = new EntitySchema<Greeting>({
  name: 'Greeting',
  tableName: 'greeter_greeting',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    name: { type: 'text' },
  },
});
class GreetingMigration extends Migration {
  override up(): void {
    this.addSql('create table greeter_greeting (id serial primary key, name text not null)');
  }
}

const received: { name: string; requestId: string }[] = [];
const lifecycle: string[] = [];

declare module '../events/event-bus.js' {
  interface EventMap {
    'greeter.greeted': { id: number };
  }
}

const greeter = definePlugin({
  id: 'greeter',
  version: '1.0.0',
  core: '^0.1.0',
  options: z.object({ greeting: z.string().default('Hello') }),
  entities: [GreetingSchema as EntitySchema<any, any>],
  migrations: [{ name: 'greeter/Migration1_init', class: GreetingMigration }],
  noPersonalData: true,
  register(ctx) {
    ctx.hooks.tap('http.openapi', (document) => ({
      ...document,
      'x-greeter': ctx.options.greeting,
    }));
    ctx.route(
      defineRoute({
        method: 'post',
        path: '/greetings',
        operationId: 'createGreeting',
        summary: 'Greet someone',
        access: 'public',
        request: { body: z.object({ name: z.string().min(1).max(50) }) },
        responses: {
          201: { description: 'Greeted', schema: z.object({ id: z.number(), text: z.string() }) },
        },
        async handler({ body, scope }) {
          const { em, events, requestId } = scope.cradle;
          const greeting = em.create(GreetingSchema, { name: body.name });
          await em.transactional(async (tx) => {
            tx.persist(greeting);
            await tx.flush();
            events.record(tx, 'greeter.greeted', { id: greeting.id }, { requestId });
          });
          return { id: greeting.id, text: `${ctx.options.greeting}, ${body.name}` };
        },
      }),
    );
    ctx.on('greeter.greeted', { name: 'remember' }, async (envelope, scope) => {
      const greeting = await scope.cradle.em.findOneOrFail(GreetingSchema, {
        id: envelope.payload.id,
      });
      received.push({ name: greeting.name, requestId: scope.cradle.requestId });
    });
  },
  async boot() {
    lifecycle.push('greeter:boot');
  },
  async shutdown() {
    lifecycle.push('greeter:shutdown');
  },
});

const admin: Actor = { kind: 'user', id: 'admin', permissions: ['system:read', 'system:manage'] };

describe('createHelpdesk', () => {
  let t: TestHelpdesk;
  beforeAll(async () => {
    t = await createTestHelpdesk({
      plugins: [greeter({ greeting: 'Hi' })],
      authenticate: async (ctx) => (ctx.get('x-test-admin') ? admin : null),
    });
  }, 60_000);
  afterAll(() => t?.close(), 30_000);

  it('answers liveness, readiness and the OpenAPI document', async () => {
    const health = await t.request('/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const ready = await t.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      checks: { database: { ok: true }, migrations: { ok: true, pending: [] } },
    });
    const doc = (await (await t.request('/api/v1/openapi.json')).json()) as {
      openapi: string;
      paths: object;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc).toHaveProperty('x-greeter', 'Hi'); // a plugin's http.openapi tap
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/healthz', '/api/v1/meta', '/api/p/greeter/greetings']),
    );
  });

  it('runs a plugin route with parsed options, a transaction and an outbox event delivered after commit', async () => {
    const res = await t.request('/api/p/greeter/greetings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ada' }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ text: 'Hi, Ada' });
    await eventually(() => received.some((r) => r.name === 'Ada'));
    // The subscriber ran in its own job scope, not the request's.
    expect(received.find((r) => r.name === 'Ada')!.requestId).toMatch(/^job:/);
  });

  it('rejects bad input with the field path', async () => {
    const res = await t.request('/api/p/greeter/greetings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: '' }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; errors: { path: string }[] };
    expect(body.code).toBe('validation_failed');
    expect(body.errors[0]!.path).toBe('body.name');
  });

  it('gives each request its own scope and EntityManager', async () => {
    const a = t.hd.createScope('a');
    const b = t.hd.createScope('b');
    expect(a.cradle.em).not.toBe(b.cradle.em);
    expect(a.cradle.requestId).toBe('a');
    expect(a.cradle.orm).toBe(b.cradle.orm);
    await a.dispose();
    await b.dispose();
  });

  it('lists plugins and job queues to an operator, and refuses anonymous callers', async () => {
    expect((await t.request('/api/v1/system/plugins')).status).toBe(401);
    const plugins = (await (
      await t.request('/api/v1/system/plugins', { headers: { 'x-test-admin': '1' } })
    ).json()) as { id: string; status: string; builtin: boolean }[];
    expect(plugins).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'core', builtin: true, status: 'booted' }),
        expect.objectContaining({ id: 'greeter', builtin: false, status: 'booted' }),
      ]),
    );
    const queues = (await (
      await t.request('/api/v1/system/jobs', { headers: { 'x-test-admin': '1' } })
    ).json()) as { name: string }[];
    expect(queues.map((q) => q.name)).toContain('event.greeter.remember');
  });
});

describe('start-up and shutdown', () => {
  it('refuses an unmigrated server database and names the command to run', async () => {
    const db = await createTestDatabase('postgres').catch(() => null);
    if (!db) return; // no PostgreSQL here: covered in the server-mode run
    try {
      const hd = await createHelpdesk({
        config: {
          port: 0,
          secret: TEST_SECRET,
          database: { url: db.url! },
          log: { level: 'silent' },
        },
      });
      await expect(hd.start()).rejects.toThrow(/pending migration.*novumdesk migrate/);
      await hd.stop();
    } finally {
      await db.drop();
    }
  }, 60_000);

  it('drains an in-flight request, then shuts plugins down and closes', async () => {
    lifecycle.length = 0;
    let release!: () => void;
    const slow = definePlugin({
      id: 'slow',
      version: '1.0.0',
      core: '^0.1.0',
      register(ctx) {
        ctx.route(
          defineRoute({
            method: 'get',
            path: '/wait',
            operationId: 'wait',
            summary: 'Waits until released',
            access: 'public',
            responses: { 200: { description: 'Done', schema: z.object({ done: z.boolean() }) } },
            handler: () => new Promise((resolve) => (release = () => resolve({ done: true }))),
          }),
        );
      },
      async shutdown() {
        lifecycle.push('slow:shutdown');
      },
    });
    const t = await createTestHelpdesk({ plugins: [greeter({}), slow({})] });
    const inFlight = t.request('/api/p/slow/wait');
    await eventually(() => typeof release === 'function');
    const stopping = t.close();
    await new Promise((r) => setTimeout(r, 100));
    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    await stopping;
    // Reverse order of dependencies/config: slow was registered after greeter.
    expect(lifecycle).toEqual(['greeter:boot', 'slow:shutdown', 'greeter:shutdown']);
  }, 60_000);

  it('stops start-up with one line naming a plugin that fails to boot', async () => {
    const broken = definePlugin({
      id: 'broken',
      version: '1.0.0',
      core: '^0.1.0',
      async boot() {
        throw new Error('mailbox unreachable');
      },
    });
    await expect(createTestHelpdesk({ plugins: [broken({})] })).rejects.toThrow(
      'plugin "broken" failed during boot: mailbox unreachable',
    );
  }, 60_000);
});

describe('embedded mode on disk', () => {
  it('keeps its data across a stop and a start, and migrates itself on first start', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'novumdesk-embedded-'));
    const open = () =>
      createHelpdesk({
        config: { port: 0, dataDir, log: { level: 'silent' } },
        plugins: [greeter({})],
      });
    try {
      const first = await open();
      expect(first.config.mode).toBe('embedded');
      expect(await first.pendingMigrations()).not.toHaveLength(0);
      await first.start();
      const created = await fetch(`${first.url}/api/p/greeter/greetings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Grace' }),
      });
      expect(created.status).toBe(201);
      await first.stop();

      const second = await open();
      expect(await second.pendingMigrations()).toEqual([]);
      await second.start({ listen: false });
      const scope = second.createScope();
      expect(await scope.cradle.em.count(GreetingSchema, { name: 'Grace' })).toBe(1);
      await scope.dispose();
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('admin UI extensions', () => {
  // A built panel bundle is just an ES module file in the plugin's assets directory.
  const fixtures = mkdtempSync(path.join(os.tmpdir(), 'novumdesk-panels-'));
  writeFileSync(path.join(fixtures, 'widgets.js'), 'export default { name: "HelloWidget" };\n');
  afterAll(() => rmSync(fixtures, { recursive: true, force: true }));
  const withPanels = (entry: string) =>
    definePlugin({
      id: 'widgets',
      version: '1.0.0',
      core: '^0.1.0',
      admin: {
        assetsDir: fixtures,
        panels: [
          { id: 'hello', slot: 'dashboard.widgets', title: 'Hello', entry },
          {
            id: 'secret',
            slot: 'dashboard.widgets',
            title: 'Ops',
            entry,
            requires: ['system:manage'],
          },
        ],
      },
    });

  it('lists panels the caller may see, with URLs the server serves', async () => {
    const t = await createTestHelpdesk({
      plugins: [withPanels('widgets.js')({})],
      authenticate: async (ctx) =>
        ctx.get('x-test-user')
          ? { kind: 'user', id: 'u', permissions: ctx.get('x-test-user').split(',') }
          : null,
    });
    try {
      expect((await t.request('/api/v1/admin/extensions')).status).toBe(401);
      const agent = (await (
        await t.request('/api/v1/admin/extensions', { headers: { 'x-test-user': 'tickets:read' } })
      ).json()) as { panels: { id: string; entry: string }[] };
      expect(agent.panels.map((p) => p.id)).toEqual(['hello']);
      const bundle = await t.request(agent.panels[0]!.entry);
      expect(bundle.status).toBe(200);
      expect(bundle.headers.get('content-type')).toMatch(/javascript/);
      const ops = (await (
        await t.request('/api/v1/admin/extensions', { headers: { 'x-test-user': 'system:manage' } })
      ).json()) as { panels: { id: string }[] };
      expect(ops.panels.map((p) => p.id)).toEqual(['hello', 'secret']);
    } finally {
      await t.close();
    }
  }, 60_000);

  it('refuses to start when a declared panel bundle is missing', async () => {
    await expect(createTestHelpdesk({ plugins: [withPanels('not-built.js')({})] })).rejects.toThrow(
      /plugin "widgets" declares admin panel "hello" but its bundle .* is missing/,
    );
  });
});

describe('channel providers', () => {
  const smsChannel = (id: string) =>
    definePlugin({
      id,
      version: '1.0.0',
      core: '^0.1.0',
      register(ctx) {
        ctx.channels.add({ type: 'sms', displayName: 'SMS', settings: z.object({}) });
      },
    });

  it('refuses two plugins providing the same channel type, naming both', async () => {
    await expect(
      createTestHelpdesk({ plugins: [smsChannel('sms-one')({}), smsChannel('sms-two')({})] }),
    ).rejects.toThrow(
      /"sms-two" cannot provide channel type "sms": already provided by plugin "sms-one"/,
    );
  });
});
