/**
 * The hello plugin installed in a real helpdesk, the way an operator would install it, on the
 * suite's database (embedded PGlite, or PostgreSQL with NOVUMDESK_TEST_DB=postgres), driven
 * over HTTP.
 */
import {
  CORE_VERSION,
  definePlugin,
  errors,
  resolvePlugins,
  type Actor,
  type PersonalDataSubject,
} from '@novumdesk/core';
import { createTestHelpdesk, eventually, type TestHelpdesk } from '@novumdesk/core/testing';
import hello from './index.js';

const WORKSPACE = '0193a000-0000-7000-8000-000000000001';
const OTHER_WORKSPACE = '0193a000-0000-7000-8000-000000000002';

/** Stands in for the identity layer: `x-test-actor: <name>` picks one of these actors. */
const actors: Record<string, Actor> = {
  agent: {
    kind: 'user',
    id: 'agent',
    workspaceId: WORKSPACE,
    permissions: ['hello:read', 'hello:write'],
  },
  outsider: {
    kind: 'user',
    id: 'outsider',
    workspaceId: OTHER_WORKSPACE,
    permissions: ['hello:read', 'hello:write'],
  },
  viewer: { kind: 'user', id: 'viewer', workspaceId: WORKSPACE, permissions: [] },
};

/** A second plugin that taps the hook `hello` defines: tidies names, refuses one. */
const tidy = definePlugin({
  id: 'hello-tidy',
  version: '1.0.0',
  core: '^0.1.0',
  dependsOn: { hello: '^0.1.0' },
  register(ctx) {
    ctx.hooks.tap('hello:beforeCreate', (draft) => {
      if (draft.visitorName === 'Mallory') throw errors.badRequest('hello_refused', 'Not this one');
      return {
        ...draft,
        visitorName: draft.visitorName[0]!.toUpperCase() + draft.visitorName.slice(1),
      };
    });
  },
});

interface Greeting {
  id: string;
  visitorName: string;
  visitorEmail: string;
  text: string;
  createdAt: string;
  welcomedAt: string | null;
}

describe('example hello plugin', () => {
  let t: TestHelpdesk;
  const logLines: string[] = [];

  const post = (body: unknown, actor = 'agent') =>
    t.request('/api/p/hello/greetings', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(actor ? { 'x-test-actor': actor } : {}) },
      body: JSON.stringify(body),
    });
  const get = (id: string, actor = 'agent') =>
    t.request(`/api/p/hello/greetings/${id}`, { headers: actor ? { 'x-test-actor': actor } : {} });
  const greet = async (visitorName: string, visitorEmail: string, actor = 'agent') => {
    const res = await post({ visitorName, visitorEmail }, actor);
    expect(res.status).toBe(201);
    return (await res.json()) as Greeting;
  };

  beforeAll(async () => {
    t = await createTestHelpdesk({
      plugins: [hello({ greeting: 'Hi' }), tidy()],
      authenticate: async (ctx) => actors[ctx.get('x-test-actor')] ?? null,
      logLines,
    });
  }, 60_000);
  afterAll(() => t?.close(), 30_000);

  it('parses its options with defaults applied', () => {
    const [resolved] = resolvePlugins([hello], { coreVersion: CORE_VERSION });
    expect(resolved!.options).toEqual({ greeting: 'Hello' });
  });

  it('creates and reads a greeting through its routes', async () => {
    const created = await greet('ada', 'Ada@Example.com');
    expect(created).toMatchObject({
      visitorName: 'Ada', // changed by hello-tidy's tap on hello:beforeCreate
      visitorEmail: 'ada@example.com',
      text: 'Hi, Ada!', // the operator's option
    });
    const res = await get(created.id);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: created.id, visitorName: 'Ada' });
  });

  it('answers with problem+json for invalid input, missing access and other workspaces', async () => {
    const invalid = await post({ visitorName: '', visitorEmail: 'not-an-email' });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await invalid.json()) as { code: string; errors: { path: string }[] };
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors.map((e) => e.path).sort()).toEqual([
      'body.visitorEmail',
      'body.visitorName',
    ]);

    const badId = await get('42');
    expect(badId.status).toBe(400);
    expect(((await badId.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe(
      'params.id',
    );

    const vetoed = await post({ visitorName: 'Mallory', visitorEmail: 'm@example.com' });
    expect(vetoed.status).toBe(400);
    expect(((await vetoed.json()) as { code: string }).code).toBe('hello_refused');

    const created = await greet('grace', 'grace@example.com');
    expect((await post({ visitorName: 'x', visitorEmail: 'x@example.com' }, '')).status).toBe(401);
    expect((await get(created.id, 'viewer')).status).toBe(403);
    expect((await get(created.id, 'outsider')).status).toBe(404);
  });

  it('runs its event subscriber after the greeting is committed', async () => {
    const created = await greet('linus', 'linus@example.com');
    expect(created.welcomedAt).toBeNull();
    let welcomedAt: string | null = null;
    await eventually(async () => {
      welcomedAt = ((await (await get(created.id)).json()) as Greeting).welcomedAt;
      return welcomedAt !== null;
    });
    expect(Date.parse(welcomedAt!)).toBeGreaterThanOrEqual(Date.parse(created.createdAt));
  });

  it('taps app.ready and logs the loaded plugins', () => {
    const ready = logLines
      .map((line) => JSON.parse(line) as { plugin?: string; plugins?: string[]; msg: string })
      .find(
        (entry) => entry.plugin === 'hello' && entry.msg.startsWith('hello: the helpdesk is ready'),
      );
    expect(ready?.plugins).toEqual(
      expect.arrayContaining(['core@' + CORE_VERSION, 'hello@0.1.0', 'hello-tidy@1.0.0']),
    );
  });

  it('documents its routes and schemas in the OpenAPI document', async () => {
    const doc = (await (await t.request('/api/v1/openapi.json')).json()) as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/p/hello/greetings', '/api/p/hello/greetings/{id}']),
    );
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['HelloGreeting', 'HelloCreateGreeting']),
    );
  });

  it('exports and erases a data subject’s greetings, and only theirs', async () => {
    const handlers = hello.plugin.personalData!;
    const mine = [
      await greet('marie', 'marie@example.com'),
      await greet('marie c.', 'MARIE@example.com'),
    ];
    const someoneElse = await greet('pierre', 'pierre@example.com');
    const otherWorkspace = await greet('marie', 'marie@example.com', 'outsider');
    const subject: PersonalDataSubject = {
      kind: 'contact',
      id: 'contact-marie',
      workspaceId: WORKSPACE,
      emails: ['Marie@Example.com'],
    };

    const scope = t.hd.createScope('privacy-test');
    try {
      const exported = (await handlers.export(subject, scope)) as {
        HelloGreeting: { id: string }[];
      };
      expect(exported.HelloGreeting.map((g) => g.id).sort()).toEqual(mine.map((g) => g.id).sort());
      expect(exported.HelloGreeting[0]).toEqual({
        id: expect.any(String),
        visitorName: 'Marie',
        visitorEmail: 'marie@example.com',
        createdAt: expect.any(String),
      });

      expect(await handlers.erase(subject, scope)).toEqual({ erased: 2 });
      expect(await handlers.export(subject, scope)).toEqual({ HelloGreeting: [] });
    } finally {
      await scope.dispose();
    }
    for (const gone of mine) expect((await get(gone.id)).status).toBe(404);
    expect((await get(someoneElse.id)).status).toBe(200);
    expect((await get(otherWorkspace.id, 'outsider')).status).toBe(200);
  });
});
