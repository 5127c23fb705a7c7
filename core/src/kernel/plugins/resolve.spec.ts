import { EntitySchema } from '@mikro-orm/core';
import { z } from 'zod';
import type { NovumPlugin, PersonalDataHandlers } from '../contract.js';
import { NovumError } from '../errors.js';
import { definePlugin, type PluginEntry } from './define-plugin.js';
import { resolvePlugins } from './resolve.js';

const CORE = '0.4.2';

function plugin(id: string, extra: Partial<NovumPlugin> = {}): NovumPlugin {
  return { id, version: '1.0.0', core: '^0.4.0', ...extra };
}

const ids = (entries: PluginEntry[], builtin?: PluginEntry[]) =>
  resolvePlugins(entries, { coreVersion: CORE, ...(builtin ? { builtin } : {}) }).map((p) => p.id);

function thrown(run: () => unknown): NovumError {
  try {
    run();
  } catch (error) {
    if (error instanceof NovumError) return error;
    throw error;
  }
  throw new Error('expected a NovumError');
}

describe('resolvePlugins: order', () => {
  it('keeps the configured order when nothing depends on anything', () => {
    expect(ids([plugin('c'), plugin('a'), plugin('b')])).toEqual(['c', 'a', 'b']);
  });

  it('puts dependencies first and breaks ties by configured order', () => {
    const app = plugin('app', { dependsOn: { db: '^1.0.0', cache: '^1.0.0' } });
    // ready at once: db, cache, metrics → config order; app waits for both.
    expect(ids([app, plugin('metrics'), plugin('cache'), plugin('db')])).toEqual([
      'metrics',
      'cache',
      'db',
      'app',
    ]);
  });

  it('orders on optional dependencies when present and ignores them when absent', () => {
    const search = plugin('search', { optionalDependsOn: { analytics: '^1.0.0' } });
    expect(ids([search, plugin('analytics')])).toEqual(['analytics', 'search']);
    expect(ids([search])).toEqual(['search']);
    const [resolved] = resolvePlugins([search], { coreVersion: CORE });
    expect(resolved).toMatchObject({ dependencies: [], declaredDependencies: ['analytics'] });
  });

  it('loads builtin modules before plugins and marks them', () => {
    const resolved = resolvePlugins([plugin('hello')], {
      coreVersion: CORE,
      builtin: [plugin('tickets')],
    });
    expect(resolved.map((p) => [p.id, p.builtin])).toEqual([
      ['tickets', true],
      ['hello', false],
    ]);
  });

  it('reports a cycle with its path', () => {
    const error = thrown(() =>
      ids([
        plugin('free'),
        plugin('a', { dependsOn: { b: '*' } }),
        plugin('b', { dependsOn: { c: '*' } }),
        plugin('c', { optionalDependsOn: { a: '*' } }),
      ]),
    );
    expect(error.code).toBe('PLUGIN_DEPENDENCY_CYCLE');
    expect(error.message).toBe(
      'plugins depend on each other in a cycle: a -> b -> c -> a; remove one of these dependencies',
    );
    expect(error.details).toMatchObject({ cycle: ['a', 'b', 'c', 'a'] });
  });

  it('reports a plugin depending on itself as a cycle', () => {
    expect(thrown(() => ids([plugin('a', { dependsOn: { a: '*' } })])).message).toContain('a -> a');
  });

  it('names both plugins when a dependency is missing', () => {
    const error = thrown(() =>
      ids([plugin('billing-stripe', { dependsOn: { billing: '^2.0.0' } })]),
    );
    expect(error.code).toBe('PLUGIN_DEPENDENCY_MISSING');
    expect(error.message).toBe(
      'a plugin dependency is missing: plugin "billing-stripe" depends on "billing" (^2.0.0), which is not installed; add "billing" to plugins or remove "billing-stripe"',
    );
  });

  it('names both plugins and versions when a dependency is out of range, optional ones too', () => {
    const error = thrown(() =>
      ids([
        plugin('billing', { version: '1.4.0' }),
        plugin('billing-stripe', { dependsOn: { billing: '^2.0.0' } }),
        plugin('reports', { optionalDependsOn: { billing: '~1.3.0' } }),
      ]),
    );
    expect(error.code).toBe('PLUGIN_DEPENDENCY_VERSION');
    expect(error.message.split('\n')).toEqual([
      'a plugin dependency has an incompatible version',
      '  plugin "billing-stripe" requires "billing" ^2.0.0, but "billing" 1.4.0 is installed',
      '  plugin "reports" requires "billing" ~1.3.0, but "billing" 1.4.0 is installed',
    ]);
  });
});

describe('resolvePlugins: validation', () => {
  const smtp = definePlugin({
    id: 'channel-email',
    version: '1.0.0',
    core: '^0.4.0',
    options: z.object({
      smtp: z.object({ host: z.string(), port: z.number().int().default(587) }),
      from: z.email(),
    }),
  });
  const hello = definePlugin({
    id: 'hello',
    version: '2.1.0',
    core: '>=0.4.0',
    options: z.object({ greeting: z.string().default('Hello'), times: z.number().default(1) }),
  });

  it('parses options with defaults applied', () => {
    const [email, greeter] = resolvePlugins(
      [smtp({ smtp: { host: 'mail.test' }, from: 'desk@example.com' }), hello],
      { coreVersion: CORE },
    );
    expect(email!.options).toEqual({
      smtp: { host: 'mail.test', port: 587 },
      from: 'desk@example.com',
    });
    expect(greeter!.options).toEqual({ greeting: 'Hello', times: 1 });
  });

  it('accepts a called factory, an uncalled one, a plain instance and a bare plugin', () => {
    const called = definePlugin(plugin('called'));
    const resolved = resolvePlugins(
      [called(), hello, { plugin: plugin('instance'), rawOptions: undefined }, plugin('bare')],
      { coreVersion: CORE },
    );
    expect(resolved.map((p) => [p.id, p.options])).toEqual([
      ['called', undefined],
      ['hello', { greeting: 'Hello', times: 1 }],
      ['instance', undefined],
      ['bare', undefined],
    ]);
  });

  it('lists every problem of every plugin in one error, with paths', () => {
    const error = thrown(() =>
      resolvePlugins(
        [
          smtp({ smtp: { host: 42 as unknown as string, port: 1.5 }, from: 'not-an-email' }),
          hello({ times: 'twice' as unknown as number }),
          plugin('Bad_Id', { version: 'one', core: '^9.0.0' }),
          plugin('old', { core: '^0.3.0' }),
          plugin('hello'),
          { plugin: plugin('no-opts'), rawOptions: { x: 1 } },
          'not a plugin' as unknown as PluginEntry,
        ],
        { coreVersion: CORE },
      ),
    );
    expect(error.code).toBe('PLUGIN_CONFIG_INVALID');
    expect(error.message.split('\n')).toEqual([
      'the plugin configuration has 10 problems',
      '  plugin channel-email: options.smtp.host: Invalid input: expected string, received number',
      '  plugin channel-email: options.smtp.port: Invalid input: expected int, received number',
      '  plugin channel-email: options.from: Invalid email address',
      '  plugin hello: options.times: Invalid input: expected number, received string',
      '  plugin Bad_Id: id: must be kebab-case (lowercase letters, digits, single dashes), e.g. "channel-email"',
      '  plugin Bad_Id: version: must be a semver version, e.g. "1.2.0"',
      '  plugin old: core: requires @novumdesk/core ^0.3.0, but this is 0.4.2; install a version of the plugin made for this core',
      '  plugin hello: id: is listed more than once (entries #2 and #5)',
      '  plugin no-opts: options: this plugin takes no options',
      '  plugin #7: (entry): is not a plugin; expected what definePlugin() returns',
    ]);
    expect(error.details?.problems).toContainEqual({
      plugin: 'old',
      path: 'core',
      message: expect.any(String),
    });
  });

  it('checks manifest field types, dependency ranges and migration names', () => {
    const error = thrown(() =>
      ids([
        plugin('a', {
          dependsOn: { 'Not-Kebab': '^1.0.0', b: 'latest!' },
          migrations: [{ name: 'Migration2026_init', class: class {} as never }],
          register: 'nope' as never,
        }),
      ]),
    );
    expect(error.message.split('\n').slice(1)).toEqual([
      '  plugin a: dependsOn.Not-Kebab: key must be kebab-case (lowercase letters, digits, single dashes), e.g. "channel-email"',
      '  plugin a: dependsOn.b: must be a semver range, e.g. "^0.1.0"',
      '  plugin a: register: must be a function',
    ]);
    expect(
      thrown(() =>
        ids([
          plugin('a', { migrations: [{ name: 'Migration2026_init', class: class {} as never }] }),
        ]),
      ).message,
    ).toBe(
      'the plugin configuration has a problem: plugin a: migrations[0].name: must start with "a/" so migration histories of plugins cannot clash',
    );
  });
});

describe('resolvePlugins: personal data', () => {
  const Greeting = new EntitySchema({
    name: 'HelloGreeting',
    properties: { id: { type: 'uuid', primary: true } },
  });
  const handlers = (entities: Record<string, string[]>): PersonalDataHandlers => ({
    entities,
    export: async () => ({}),
    erase: async () => ({ erased: 0 }),
  });

  it('refuses a plugin with entities but no personal-data declaration', () => {
    const error = thrown(() => ids([plugin('hello', { entities: [Greeting] })]));
    expect(error.code).toBe('PLUGIN_PERSONAL_DATA_UNDECLARED');
    expect(error.message).toContain(
      'plugin "hello" declares entities (HelloGreeting) but neither personalData (with export and erase handlers) nor noPersonalData: true',
    );
  });

  it('accepts handlers for declared entities, or an explicit noPersonalData', () => {
    expect(
      ids([
        plugin('a', { entities: [Greeting], personalData: handlers({ HelloGreeting: ['name'] }) }),
      ]),
    ).toEqual(['a']);
    expect(ids([plugin('b', { entities: [Greeting], noPersonalData: true })])).toEqual(['b']);
  });

  it('refuses personalData naming an entity the plugin does not declare', () => {
    const error = thrown(() =>
      ids([
        plugin('hello', {
          entities: [Greeting],
          personalData: handlers({ HelloContact: ['email'] }),
        }),
      ]),
    );
    expect(error.code).toBe('PLUGIN_PERSONAL_DATA_INVALID');
    expect(error.message).toContain(
      'personalData names entity "HelloContact", which the plugin does not declare (entities: HelloGreeting)',
    );
  });

  it('requires both export and erase handlers', () => {
    const { erase: _erase, ...withoutErase } = handlers({ HelloGreeting: ['name'] });
    const error = thrown(() =>
      ids([
        plugin('hello', {
          entities: [Greeting],
          personalData: withoutErase as PersonalDataHandlers,
        }),
      ]),
    );
    expect(error.code).toBe('PLUGIN_CONFIG_INVALID');
    expect(error.message).toContain('plugin hello: personalData.erase: must be a function');
  });
});

describe('definePlugin typing', () => {
  it('types the factory argument from the schema input and ctx.options from its output', () => {
    const typed = definePlugin({
      id: 'typed',
      version: '1.0.0',
      core: '*',
      options: z.object({ port: z.number().default(25), host: z.string() }),
      register(ctx) {
        const port: number = ctx.options.port;
        void port;
      },
    });
    typed({ host: 'x' });
    // @ts-expect-error host is required
    typed({ port: 1 });
    // @ts-expect-error port is a number
    typed({ host: 'x', port: '25' });
    const allDefaults = definePlugin({
      id: 'd',
      version: '1.0.0',
      core: '*',
      options: z.object({ a: z.number().default(1) }),
    });
    allDefaults();
    expect(typed.plugin.id).toBe('typed');
  });
});
